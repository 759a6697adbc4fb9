/**
 * The talos target on small rulesets: emission rules (names, ports, sources, except), each gap as
 * a positioned diagnostic (as data), the options that accept them, and the reader's errors.
 */
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../src/backends/index.js';
import { validateRuleConfig } from '../../src/backends/talos/validate.js';
import { sortDiagnostics } from '../../src/diagnostics/index.js';
import { compileText, data } from '../helpers.js';
import { talosDocuments, talosProblems } from './talos-schema.js';

const ICMP_OK = `
talos-ts      deny  any -> [cp] icmp/13, icmp/14, icmp/17, icmp/18
talos-icmp    allow any -> [cp] icmp/0-12, icmp/15-16, icmp/19-255, icmpv6
`;

const base = (rules: string, extra = ''): string => `
role cp = 10.0.1.0/24, fd00:1::/64
zone vpc = 10.0.0.0/16
zone admin = 192.0.2.0/24, 2001:db8::/32
${extra}
${ICMP_OK}
${rules}
`;

/** Diagnostics as data, in source order. */
const sorted = (ds: Parameters<typeof data>[0]): ReturnType<typeof data> => data(sortDiagnostics(ds));

function docs(text: string, set: string[] = []): Record<string, unknown>[] {
  const r = compileText(text, 'talos', { set });
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  const file = r.artifacts!.find((a) => a.path === 'cp.yaml')!;
  expect(talosProblems(file.contents)).toEqual([]);
  return talosDocuments(file.contents);
}

describe('talos emission', () => {
  it('writes block mode, names from rules, ints and "lo-hi" ranges, both families for anywhere', () => {
    const d = docs(base('api allow any -> cp tcp/6443, tcp/2379-2380, udp/53'));
    expect(d).toEqual([
      { apiVersion: 'v1alpha1', kind: 'NetworkDefaultActionConfig', ingress: 'block' },
      { apiVersion: 'v1alpha1', kind: 'NetworkRuleConfig', name: 'api-tcp', portSelector: { ports: ['2379-2380', 6443], protocol: 'tcp' }, ingress: [{ subnet: '0.0.0.0/0' }, { subnet: '::/0' }] },
      { apiVersion: 'v1alpha1', kind: 'NetworkRuleConfig', name: 'api-udp', portSelector: { ports: [53], protocol: 'udp' }, ingress: [{ subnet: '0.0.0.0/0' }, { subnet: '::/0' }] },
    ]);
  });

  it('uses except only where it is exact, and compiles an earlier deny away', () => {
    const d = docs(base('deny 10.0.0.0/20 -> cp tcp/10250\nkubelet allow vpc -> cp tcp/10250'));
    expect(d[1]).toEqual({
      apiVersion: 'v1alpha1',
      kind: 'NetworkRuleConfig',
      name: 'kubelet',
      portSelector: { ports: [10250], protocol: 'tcp' },
      ingress: [{ subnet: '10.0.0.0/16', except: '10.0.0.0/20' }],
    });
  });

  it('gives unique names when a deny splits a rule and when names collide', () => {
    const d = docs(base('deny admin -> cp tcp/80\nweb allow [vpc, admin] -> cp tcp/80-81\nweb-1 allow vpc -> cp tcp/9000'));
    expect(d.slice(1).map((x) => [x['name'], (x['portSelector'] as { ports: unknown[] }).ports])).toEqual([
      ['web-1', [80]],
      ['web-2', [81]],
      ['web-1-2', [9000]],
    ]);
  });
});

describe('talos gaps', () => {
  it('reports egress, ICMP, protocols, cluster subnets and opaque peers at their rules', () => {
    const text = `role cp = 10.0.1.0/24
role ghost
zone pods = 10.244.0.0/16
ping allow any -> cp icmp/echo-request
gre allow any -> cp gre
out deny cp -> any tcp/25
ghosts allow ghost -> cp tcp/22
role pod-host = 10.244.1.0/24
default egress deny
`;
    // ICMP denied by the implicit ingress default is reported at each role (no written default).
    expect(sorted(compileText(text, 'talos').diagnostics)).toEqual([
      { code: 'PAL6201', line: 1, column: 1 },
      { code: 'PAL6201', line: 2, column: 1 },
      { code: 'PAL6002', line: 5, column: 1 },
      { code: 'PAL6002', line: 6, column: 1 },
      { code: 'PAL6002', line: 7, column: 1 },
      { code: 'PAL6201', line: 8, column: 1 },
      { code: 'PAL6201', line: 8, column: 1 },
      { code: 'PAL6201', line: 9, column: 1 },
    ]);
  });

  it('turns accepted gaps into warnings and drops other protocols', () => {
    const r = compileText(base('gre allow any -> cp gre, tcp/443\nout deny cp -> any tcp/25'), 'talos', {
      set: ['talos.egress=elsewhere', 'talos.protocols=tcp-udp'],
    });
    // The backend's own diagnostics; the operational guards are test/guards/guards.test.ts's.
    expect(sorted(r.diagnostics).filter((d) => !/^PAL69[2-4]\d$/.test(d.code))).toEqual([
      { code: 'PAL6202', line: 10, column: 1, severity: 'warning' },
      { code: 'PAL6202', line: 11, column: 1, severity: 'warning' },
    ]);
    expect(talosDocuments(r.artifacts![0]!.contents).map((d) => d['name'])).toEqual([undefined, 'gre']);
  });

  it('rejects an invalid subnets option', () => {
    const r = compileText(base('', 'target talos { pod-subnets = "10.244.0.1/16" }'), 'talos');
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'option "pod-subnets" of target "talos" must be comma-separated CIDRs ("10.244.0.1/16" has host bits set; the network is 10.244.0.0/16)',
    ]);
  });
});

describe('Validate() port', () => {
  it('reports what Talos reports', () => {
    expect(validateRuleConfig({ name: '', portSelector: { ports: [80, '70-90', '80', 70000, '9-1'], protocol: 'sctp' }, ingress: [{ subnet: '10.0.0.0' }] })).toEqual([
      'name is required',
      'invalid port range: 70-90, overlaps with 80',
      'invalid port range: "80"',
      'invalid port 70000',
      'invalid port range: 9-1',
      'portSelector.protocol must be one of tcp, udp, icmp, icmpv6',
      'invalid subnet: "10.0.0.0"',
    ]);
  });
});

describe('talos reader', () => {
  const reader = getBackend('talos').read!;
  const head = '# palisade: talos patch for role cp (10.0.1.0/24)\n';
  it('reads accept mode as intersecting drops', () => {
    const text = `${head}---\napiVersion: v1alpha1\nkind: NetworkRuleConfig\nname: a\nportSelector: {ports: [22], protocol: tcp}\ningress: [{subnet: 10.0.0.0/8}]\n`;
    const r = reader([{ path: 'cp.yaml', text }], {});
    expect(r.diagnostics).toEqual([]);
    expect(r.policy!.gates[0]!.fallback).toBe('allow');
    expect(r.policy!.gates[0]!.rules.map((x) => x.action)).toEqual(['deny']);
  });

  it('reports invalid documents, ICMP documents and unknown kinds at their place', () => {
    const bad = (doc: string): string[] => reader([{ path: 'cp.yaml', text: `${head}---\napiVersion: v1alpha1\n${doc}` }], {}).diagnostics.map((d) => `${d.code} ${d.span?.line}: ${d.message}`);
    expect(bad('kind: NetworkRuleConfig\nname: a\nportSelector: {ports: [], protocol: tcp}\n')).toEqual(['PAL6004 3: cannot read talos: NetworkRuleConfig "a": portSelector.ports is required']);
    expect(bad('kind: NetworkRuleConfig\nname: a\nportSelector: {ports: [1], protocol: icmp}\n')).toEqual([
      'PAL6005 3: a NetworkRuleConfig for icmp (Talos matches its ports against the ICMP checksum) is not modelled by the talos reader, so the file cannot be compared exactly',
    ]);
    expect(bad('kind: KubeSpanConfig\n')).toEqual(['PAL6005 3: a document of kind "KubeSpanConfig" is not modelled by the talos reader, so the file cannot be compared exactly']);
  });
});
