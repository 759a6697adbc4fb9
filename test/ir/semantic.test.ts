/**
 * Semantic errors after parsing (names, types, values, meaning), as data: each case is a
 * ruleset (plus --set / vars / imported files) and the exact diagnostics it must produce.
 */
import { describe, expect, it } from 'vitest';
import { analyzeText, data, type DiagnosticData, type RunOptions } from '../helpers.js';

const base = 'zone vpc = 10.0.0.0/16\nrole cp = 10.0.1.0/24\n';

const cases: { name: string; source: string; options?: RunOptions; diagnostics: (DiagnosticData & { file?: string })[] }[] = [
  { name: 'unknown zone or role', source: `${base}allow vcp -> cp tcp/1\n`, diagnostics: [{ code: 'PAL3001', line: 3, column: 7 }] },
  { name: 'parameter written without $', source: `param p: cidr = 10.9.0.0/16\n${base}allow p -> cp tcp/1\n`, diagnostics: [{ code: 'PAL3001', line: 4, column: 7 }] },
  { name: 'unknown service', source: `${base}allow vpc -> cp k8s-apx\n`, diagnostics: [{ code: 'PAL3002', line: 3, column: 17 }] },
  { name: 'unknown parameter', source: `${base}zone z = $nope\n`, diagnostics: [{ code: 'PAL3003', line: 3, column: 11 }] },
  { name: 'unknown parameter in a condition', source: `${base}if $nope { }\n`, diagnostics: [{ code: 'PAL3003', line: 3, column: 5 }] },
  { name: 'zone and role share a namespace', source: `${base}role vpc = 10.0.2.0/24\n`, diagnostics: [{ code: 'PAL3004', line: 3, column: 6 }] },
  { name: 'duplicate service', source: 'service s = tcp/1\nservice s = tcp/2\n', diagnostics: [{ code: 'PAL3004', line: 2, column: 9 }] },
  { name: 'duplicate parameter', source: 'param p: int = 1\nparam p: int = 2\n', diagnostics: [{ code: 'PAL3004', line: 2, column: 7 }] },
  { name: 'duplicate rule name', source: `${base}r allow vpc -> cp tcp/1\nr allow vpc -> cp tcp/2\n`, diagnostics: [{ code: 'PAL3005', line: 4, column: 1 }] },
  { name: 'zone definition cycle', source: 'zone a = b\nzone b = a\n', diagnostics: [{ code: 'PAL3006', line: 1, column: 6 }] },
  { name: 'service definition cycle', source: 'service a = b\nservice b = tcp/1, a\n', diagnostics: [{ code: 'PAL3006', line: 1, column: 9 }] },
  { name: 'default set twice', source: 'default ingress deny\ndefault ingress allow\n', diagnostics: [{ code: 'PAL3007', line: 2, column: 1 }] },
  {
    name: 'import cycle',
    source: 'import "a.pal"\n',
    options: { files: { 'a.pal': 'import "main.pal"\n' } },
    diagnostics: [{ code: 'PAL3008', line: 1, column: 8, file: 'a.pal' }],
  },
  { name: 'import of a missing file', source: 'import "nope.pal"\n', diagnostics: [{ code: 'PAL3009', line: 1, column: 8 }] },
  { name: 'unknown target', source: 'target nftable { }\n', diagnostics: [{ code: 'PAL3010', line: 1, column: 8 }] },
  { name: 'unknown target option', source: 'target nftables { tabel = "x" }\n', diagnostics: [{ code: 'PAL3011', line: 1, column: 19 }] },
  { name: 'service used as an address', source: `${base}service web = tcp/80\nallow web -> cp tcp/1\n`, diagnostics: [{ code: 'PAL3012', line: 4, column: 7 }] },
  { name: 'zone used as a service', source: `${base}allow vpc -> cp vpc\n`, diagnostics: [{ code: 'PAL3012', line: 3, column: 17 }] },
  { name: 'port 0', source: `${base}allow vpc -> cp tcp/0\n`, diagnostics: [{ code: 'PAL4001', line: 3, column: 21 }] },
  { name: 'port above 65535', source: `${base}allow vpc -> cp udp/1-65536\n`, diagnostics: [{ code: 'PAL4001', line: 3, column: 21 }] },
  { name: 'reversed range', source: `${base}allow vpc -> cp tcp/2380-2379\n`, diagnostics: [{ code: 'PAL4002', line: 3, column: 21 }] },
  { name: 'ports on a protocol without ports', source: `${base}allow vpc -> cp gre/1\n`, diagnostics: [{ code: 'PAL4003', line: 3, column: 17 }] },
  { name: 'unknown ICMP type', source: `${base}allow vpc -> cp icmp/echo-requets\n`, diagnostics: [{ code: 'PAL4004', line: 3, column: 22 }] },
  { name: 'ICMPv6 type name of ICMP', source: `${base}allow vpc -> cp icmpv6/timestamp-request\n`, diagnostics: [{ code: 'PAL4004', line: 3, column: 24 }] },
  { name: 'ICMP type above 255', source: `${base}allow vpc -> cp icmp/256\n`, diagnostics: [{ code: 'PAL4005', line: 3, column: 22 }] },
  { name: 'protocol number above 255', source: `${base}allow vpc -> cp proto/300\n`, diagnostics: [{ code: 'PAL4006', line: 3, column: 23 }] },
  { name: 'named TCP port', source: `${base}allow vpc -> cp tcp/http\n`, diagnostics: [{ code: 'PAL4014', line: 3, column: 21 }] },
  { name: 'unknown parameter type', source: 'param p: cdir = 10.0.0.0/8\n', diagnostics: [{ code: 'PAL4007', line: 1, column: 10 }] },
  { name: 'default of the wrong type', source: 'param p: int = "80"\n', diagnostics: [{ code: 'PAL4008', line: 1, column: 16 }] },
  { name: 'list item of the wrong type', source: 'param p: list(cidr) = [10.0.0.0/8, 7]\n', diagnostics: [{ code: 'PAL4008', line: 1, column: 36 }] },
  { name: 'string parameter as an address', source: `param s: string = "x"\n${base}zone z = $s\n`, diagnostics: [{ code: 'PAL4009', line: 4, column: 11 }] },
  { name: 'int parameter as a condition', source: 'param n: int = 1\nif $n { }\n', diagnostics: [{ code: 'PAL4009', line: 2, column: 5 }] },
  { name: 'cidr parameter as a port', source: `param c: cidr = 10.0.0.0/8\n${base}allow vpc -> cp tcp/$c\n`, diagnostics: [{ code: 'PAL4009', line: 4, column: 22 }] },
  { name: 'comparison with a value of another type', source: 'param n: int = 1\nif $n == "one" { }\n', diagnostics: [{ code: 'PAL4010', line: 2, column: 10 }] },
  { name: 'target option of the wrong type', source: 'target nftables { counters = "yes" }\n', diagnostics: [{ code: 'PAL4011', line: 1, column: 19 }] },
  { name: 'IPv4 source to IPv6 destination', source: 'role v6 = fd00::/64\nallow 10.0.0.0/8 -> v6 tcp/1\n', diagnostics: [{ code: 'PAL5001', line: 2, column: 1 }] },
  { name: 'icmp between IPv6 ends', source: 'role v6 = fd00::/64\nallow fd01::/64 -> v6 icmp\n', diagnostics: [{ code: 'PAL5001', line: 2, column: 1 }] },
  {
    name: 'empty source is a warning',
    source: `param admins: list(cidr) = []\n${base}zone admin = $admins\nallow admin -> cp tcp/1\n`,
    diagnostics: [{ code: 'PAL5002', line: 5, column: 7, severity: 'warning' }],
  },
  {
    name: 'unknown name in a branch not taken',
    source: `param on: bool = false\n${base}if $on { allow vpc -> cp k8s-ap }\n`,
    diagnostics: [{ code: 'PAL3002', line: 4, column: 26 }],
  },
  {
    name: '--set of an unknown parameter',
    source: 'param enable_nodeport: bool = false\n',
    options: { set: ['enable_nodport=true'] },
    diagnostics: [{ code: 'PAL3003', line: 1, column: 16, file: '<command line>' }],
  },
  {
    name: '--set value of the wrong type',
    source: 'param cidrs: list(cidr) = []\n',
    options: { set: ['cidrs=10.0.0.0/8,10.1.2.3/16'] },
    diagnostics: [{ code: 'PAL4008', line: 1, column: 33, file: '<command line>' }],
  },
  {
    name: 'vars file: unknown parameter',
    source: 'param vpc_cidr: cidr = 10.0.0.0/16\n',
    options: { vars: 'vpc_cdr: 10.1.0.0/16\n' },
    diagnostics: [{ code: 'PAL3003', line: 1, column: 1, file: 'vars.yaml' }],
  },
  {
    name: 'vars file: value of the wrong type',
    source: 'param enable: bool = false\nparam n: int = 1\n',
    options: { vars: 'n: 2\nenable: "yes"\n' },
    diagnostics: [{ code: 'PAL4008', line: 2, column: 9, file: 'vars.yaml' }],
  },
  {
    name: 'vars file: not YAML',
    source: 'param n: int = 1\n',
    options: { vars: 'n: [1, 2\n' },
    diagnostics: [{ code: 'PAL4012', line: 2, column: 1, file: 'vars.yaml' }],
  },
];

describe('semantic errors', () => {
  it.each(cases)('$name', ({ source, options, diagnostics }) => {
    const result = analyzeText(source, options);
    const expected = diagnostics.map(({ file, ...d }) => ({ ...d, file: file ?? 'main.pal' }));
    expect(result.diagnostics.map((d) => ({ ...data([d])[0]!, file: d.span?.source.name ?? '' }))).toEqual(expected);
    const hasError = diagnostics.some((d) => d.severity !== 'warning');
    expect(result.ir === undefined).toBe(hasError);
  });
});

describe('errors written twice', () => {
  it('are reported at each place', () => {
    const result = analyzeText(`${base}allow vpc -> cp tcp/0\nallow vpc -> cp tcp/0\nallow vcp -> cp tcp/1\nallow vcp -> cp tcp/2\n`);
    expect(data(result.diagnostics)).toEqual([
      { code: 'PAL4001', line: 3, column: 21 },
      { code: 'PAL4001', line: 4, column: 21 },
      { code: 'PAL3001', line: 5, column: 7 },
      { code: 'PAL3001', line: 6, column: 7 },
    ]);
  });
});
