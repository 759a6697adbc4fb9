/**
 * The nftables reader: compiled artifacts read back mean exactly the ruleset; edits are caught;
 * what the model cannot express is a positioned error, never ignored.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffPolicies, jsonDifferences, rulesetPolicy, type Policy } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { analyze } from '../../src/compile.js';
import type { Ruleset } from '../../src/ir/index.js';
import { analyzeText, assignments, data } from '../helpers.js';
import { goldenCases } from '../golden/rulesets.js';

const reader = getBackend('nftables').read!;
const read = (p: string) => ({ text: readFileSync(p, 'utf8') });

function artifactPolicy(files: { path: string; text: string }[], ir?: Ruleset): Policy {
  const r = reader(files, { roles: ir?.roles });
  expect(r.diagnostics).toEqual([]);
  return r.policy!;
}

describe.each(goldenCases)('reading back the goldens of $name', ({ name, file, set }) => {
  const ir = analyze({ entry: file, read, set: assignments(...set) }).ir!;
  const dir = path.join('test/golden/nftables', name);
  const files = readdirSync(dir).map((f) => ({ path: path.join(dir, f), text: readFileSync(path.join(dir, f), 'utf8') }));

  it('is equivalent to the ruleset, all roles together and each alone', () => {
    expect(diffPolicies(rulesetPolicy(ir, file), artifactPolicy(files)).equivalent).toBe(true);
    for (const f of files) expect(diffPolicies(rulesetPolicy(ir, file), artifactPolicy([f])).equivalent).toBe(true);
  });
});

describe('edits to a deployed file', () => {
  const ir = analyze({ entry: 'rulesets/talos-aws.pal', read }).ir!;
  const golden = readFileSync('test/golden/nftables/talos-aws/controlplane.nft', 'utf8');
  const compare = (text: string) =>
    jsonDifferences(diffPolicies(rulesetPolicy(ir, 'ruleset'), artifactPolicy([{ path: 'controlplane.nft', text }])));

  it('finds a widened port range, exactly', () => {
    const edited = golden.replace('tcp dport 2379-2380 accept comment "cp-etcd"', 'tcp dport 2379-2390 accept comment "cp-etcd"');
    expect(compare(edited)).toEqual({
      equivalent: false,
      differences: [
        {
          change: 'added',
          protocol: 'tcp',
          src: ['10.0.1.0/24'],
          dst: ['10.0.1.0/24'],
          ports: ['2381-2390'],
          example: { protocol: 'tcp', src: '10.0.1.1', dst: '10.0.1.1', port: 2381 },
        },
      ],
    });
  });

  it('finds a deleted rule', () => {
    const edited = golden.replace(/^.*comment "cp-talos-trustd"\n/m, '');
    const diff = compare(edited);
    expect(diff.differences.map((d) => [d.change, d.protocol, d.src, d.dst, d.ports])).toEqual([
      ['removed', 'tcp', ['10.0.2.0/24', '10.0.12.0/24'], ['10.0.1.0/24'], ['50001']],
    ]);
  });

  it('finds a policy changed to accept', () => {
    const edited = golden.replace('policy drop;', 'policy accept;');
    const diff = compare(edited);
    expect(diff.equivalent).toBe(false);
    expect(diff.differences.every((d) => d.change === 'added')).toBe(true);
  });
});

describe('files written by hand', () => {
  const ir = analyzeText('role web = 10.0.1.0/24, fd00:1::/64\nzone office = 192.168.0.0/16\nssh allow office -> web tcp/22\nhttp allow any -> web tcp/80, tcp/443\n').ir!;
  const ruleset = rulesetPolicy(ir, 'ruleset');

  it('takes the role from the file name and its addresses from the ruleset', () => {
    const text = [
      'table inet filter {',
      '  chain input {',
      '    type filter hook input priority 0; policy drop;',
      '    ct state established,related accept',
      '    iifname "lo" accept',
      '    ip saddr 192.168.0.0/16 tcp dport ssh accept',
      '    tcp dport { 80, 443 } accept',
      '  }',
      '}',
    ].join('\n');
    const r = reader([{ path: 'hosts/web.nft', text }], { roles: ir.roles });
    expect(data(r.diagnostics)).toEqual([{ code: 'PAL6004', line: 6, column: 39 }]); // service names are not read
    const fixed = text.replace('dport ssh', 'dport 22');
    expect(diffPolicies(ruleset, artifactPolicy([{ path: 'hosts/web.nft', text: fixed }], ir)).equivalent).toBe(true);
  });

  it('reads negations, ranges and an ip-family table', () => {
    const text = [
      'table ip filter {',
      '  chain input {',
      '    type filter hook input priority 0; policy accept;',
      '    ip saddr != 192.168.0.0/16 tcp dport 22 drop',
      '    tcp dport != { 22, 80, 443 } drop',
      '    ip saddr 192.168.0.0-192.168.255.255 counter accept',
      '  }',
      '}',
    ].join('\n');
    // IPv4 only: the IPv6 half of the role is not judged by an ip table, and the rest agrees.
    const diff = diffPolicies(ruleset, artifactPolicy([{ path: 'web.nft', text }], ir));
    const json = jsonDifferences(diff);
    expect(json.differences.every((d) => d.dst.every((x) => x.includes('.')))).toBe(true);
    // The file drops other TCP ports but lets every other protocol in, where the ruleset denies it.
    expect(json.differences.map((d) => [d.change, d.protocol, d.src, d.dst, d.ports])).toEqual([
      ['added', '0,2-5,7-16,18-57,59-131,133-255', ['0.0.0.0/0'], ['10.0.1.0/24'], []],
      ['added', 'icmp', ['0.0.0.0/0'], ['10.0.1.0/24'], ['0-255']],
      ['added', 'udp,sctp', ['0.0.0.0/0'], ['10.0.1.0/24'], ['1-65535']],
    ]);
  });

  it.each([
    ['a jump', '    jump other', 'PAL6005', 5],
    ['a rate limit', '    limit rate 5/second accept', 'PAL6005', 5],
    ['a source port', '    tcp sport 53 accept', 'PAL6005', 5],
    ['an interface', '    iifname "eth0" accept', 'PAL6005', 5],
    ['an unknown set', '    ip saddr @nope accept', 'PAL6004', 14],
    ['a reversed range', '    tcp dport 90-80 accept', 'PAL6004', 15],
    ['families that never meet', '    ip saddr 10.0.0.1 ip6 daddr fd00::1 accept', 'PAL6004', 23],
  ])('rejects %s, at its place', (_what, line, code, column) => {
    const text = `table inet t {\n  chain input {\n    type filter hook input priority 0; policy drop;\n\n${line}\n  }\n}\n`;
    const r = reader([{ path: 'web.nft', text }], { roles: ir.roles });
    expect(r.policy).toBeUndefined();
    expect(data(r.diagnostics)).toEqual([{ code, line: 5, column }]);
  });

  it('rejects a forward chain and a file whose role is unknown', () => {
    const forward = 'table inet t {\n  chain f {\n    type filter hook forward priority 0;\n  }\n}\n';
    expect(data(reader([{ path: 'web.nft', text: forward }], { roles: ir.roles }).diagnostics)).toEqual([{ code: 'PAL6005', line: 3, column: 5 }]);
    expect(data(reader([{ path: 'db.nft', text: 'table inet t {\n}\n' }], { roles: ir.roles }).diagnostics)).toEqual([{ code: 'PAL6006', line: 1, column: 1 }]);
  });
});
