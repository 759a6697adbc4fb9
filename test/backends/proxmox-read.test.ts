/**
 * The Proxmox readers: `proxmox-fw:` (.fw files, PVE's parser rules) and `proxmox:` (a JSON state
 * dump), on the reference's own example files, on palisade's files, and on the PVE behaviours the
 * policy depends on (disabled rules, sets defined too late, the three switches), with whole
 * diagnostics asserted as data.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffPolicies, rulesetPolicy, textDifferences, namerOf } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { analyzeText, data } from '../helpers.js';

const fw = getBackend('proxmox-fw');
const state = getBackend('proxmox');

const K8S = `zone k8s-vpc = 10.0.0.0/16
role k8s-cp = 10.0.1.0/24
zone k8s-workers = 10.0.2.0/24
kube-apiserver allow k8s-vpc -> k8s-cp tcp/6443
apid           allow k8s-vpc -> k8s-cp tcp/50000
trustd         allow k8s-workers -> k8s-cp tcp/50001
etcd           allow k8s-cp -> k8s-cp tcp/2379-2380
icmp           allow k8s-vpc -> k8s-cp icmp
`;

const example = (f: string) => ({ path: `examples/${f}`, text: readFileSync(`test/proxmox/examples/${f}`, 'utf8') });

function compare(pal: string, files: { path: string; text: string }[], target = fw) {
  const ir = analyzeText(pal).ir!;
  const back = target.read!(files, { roles: ir.roles });
  const diff = back.policy ? diffPolicies(rulesetPolicy(ir, 'main.pal'), back.policy) : undefined;
  return { ir, back, diff, text: diff ? textDifferences(diff, namerOf([...ir.roles, ...ir.zones])) : '' };
}

const CLUSTER = (group: string) => `[OPTIONS]\nenable: 1\n[IPSET web]\n10.1.0.0/24\n[IPSET lan]\n10.0.0.0/8\n[group web] # palisade role web, addresses +dc/web\n${group}\n`;
const VM = '[OPTIONS]\nenable: 1\npolicy_in: DROP\n[RULES]\nGROUP web\n';
const WEB = 'role web = 10.1.0.0/24\nzone lan = 10.0.0.0/8\nssh allow lan -> web tcp/22\n';

describe('proxmox-fw reader', () => {
  it("reads the reference's worked example as equivalent to the same rules in .pal", () => {
    const r = compare(K8S, [example('cluster.fw'), example('101.fw')]);
    expect(r.back.diagnostics).toEqual([]);
    expect(r.diff!.equivalent).toBe(true);
  });

  it('finds the difference when a rule of the example is missing from the ruleset', () => {
    const r = compare(K8S.replace(/^trustd.*\n/m, ''), [example('cluster.fw'), example('101.fw')]);
    expect(r.diff!.equivalent).toBe(false);
    expect(r.text).toContain('tcp');
    expect(r.text).toContain('50001');
  });

  it('reads PVE syntax variants: case-insensitive headers, --proto, ranges, nomatch entries', () => {
    const cluster = '[options]\nenable: 1\n[ipset web]\n10.1.0.0/24\n[IPSET lan]\n10.0.0.0/8\n!10.0.5.0/24\n[GROUP web] # palisade role web, addresses +dc/web\nin ACCEPT --proto tcp -source +lan -dport 22\nIN DROP -source 10.0.5.1-10.0.5.9\n';
    const pal = 'role web = 10.1.0.0/24\nzone lan = 10.0.0.0/8 except 10.0.5.0/24\nssh allow lan -> web tcp/22\nno deny [10.0.5.1, 10.0.5.2/31, 10.0.5.4/30, 10.0.5.8/31] -> web any\n';
    const r = compare(pal, [{ path: 'cluster.fw', text: cluster }, { path: '101.fw', text: VM }]);
    expect(r.back.diagnostics).toEqual([]);
    expect(r.diff!.equivalent).toBe(true);
  });

  it('ignores disabled rules, as PVE does', () => {
    const r = compare(WEB, [{ path: 'cluster.fw', text: CLUSTER('|IN ACCEPT -source +dc/lan -p tcp -dport 22') }, { path: '101.fw', text: VM }]);
    expect(r.diff!.equivalent).toBe(false);
  });

  it('skips a rule whose IP set is defined further down, as PVE does, with a warning', () => {
    const cluster = '[OPTIONS]\nenable: 1\n[IPSET web]\n10.1.0.0/24\n[group web] # palisade role web, addresses +dc/web\nIN ACCEPT -source +dc/lan -p tcp -dport 22\n[IPSET lan]\n10.0.0.0/8\n';
    const r = compare(WEB, [{ path: 'cluster.fw', text: cluster }, { path: '101.fw', text: VM }]);
    expect(data(r.back.diagnostics)).toEqual([{ code: 'PAL6006', line: 6, column: 1, severity: 'warning' }]);
    expect(r.diff!.equivalent).toBe(false);
  });

  it('filters nothing while the datacenter or the guest firewall is off, and says so', () => {
    const off = compare(WEB, [{ path: 'cluster.fw', text: CLUSTER('IN ACCEPT -source +dc/lan -p tcp -dport 22').replace('enable: 1\n', '') }, { path: '101.fw', text: VM }]);
    expect(off.back.diagnostics.map((d) => d.message)).toEqual(['proxmox-fw: the datacenter firewall is off (enable: 1 is not set), so no guest is filtered']);
    expect(off.back.policy!.gates).toEqual([]);
    const guestOff = compare(WEB, [{ path: 'cluster.fw', text: CLUSTER('IN ACCEPT -source +dc/lan -p tcp -dport 22') }, { path: '101.fw', text: VM.replace('enable: 1', 'enable: 0') }]);
    expect(data(guestOff.back.diagnostics)).toEqual([{ code: 'PAL6006', line: 1, column: 1, severity: 'warning' }]);
  });

  it('refuses what it cannot model exactly, at the line', () => {
    for (const [rule, what] of [
      ['IN SSH(ACCEPT) -source +dc/lan', 'action "SSH(ACCEPT)"'],
      ['IN ACCEPT -source +dc/lan -p tcp -sport 22', 'a rule with sport'],
      ['IN ACCEPT -source lan', 'address "lan" (aliases are not read)'],
      ['IN ACCEPT -p icmp -icmp-type network-unreachable', 'icmp-type "network-unreachable"'],
    ] as const) {
      const r = compare(WEB, [{ path: 'cluster.fw', text: CLUSTER(rule) }, { path: '101.fw', text: VM }]);
      expect(data(r.back.diagnostics), rule).toEqual([{ code: 'PAL6005', line: 8, column: 1 }]);
      expect(r.back.diagnostics[0]!.message).toBe(`${what} is not modelled by the proxmox-fw reader, so the file cannot be compared exactly`);
    }
    const bad = compare(WEB, [{ path: 'cluster.fw', text: CLUSTER('IN ACCEPT -source') }, { path: '101.fw', text: VM }]);
    expect(data(bad.back.diagnostics)).toEqual([{ code: 'PAL6004', line: 8, column: 1 }]);
  });
});

describe('proxmox (JSON state) reader', () => {
  const json = (enable: number, net0: string) =>
    JSON.stringify({
      cluster: {
        options: { enable },
        ipsets: { web: { comment: '', entries: [{ cidr: '10.1.0.0/24' }] }, lan: { comment: '', entries: [{ cidr: '10.0.0.0/8' }] } },
        groups: { web: { comment: 'palisade role web, addresses +dc/web', rules: [{ type: 'in', action: 'ACCEPT', enable: 1, source: '+dc/lan', proto: 'tcp', dport: '22' }] } },
      },
      guests: { '101': { config: { net0 }, firewall: { options: { enable: 1, policy_in: 'DROP' }, rules: [{ type: 'group', action: 'web', enable: 1 }] } } },
    });

  it('reads a state equivalent to the ruleset when the three switches are on', () => {
    const r = compare(WEB, [{ path: 'state.json', text: json(1, 'virtio=AA:BB:CC:DD:EE:FF,bridge=vmbr0,firewall=1') }], state);
    expect(r.back.diagnostics).toEqual([]);
    expect(r.diff!.equivalent).toBe(true);
  });

  it('says a guest whose NIC lacks firewall=1 is not filtered', () => {
    const r = compare(WEB, [{ path: 'state.json', text: json(1, 'virtio=AA:BB:CC:DD:EE:FF,bridge=vmbr0') }], state);
    expect(r.back.diagnostics.map((d) => d.message)).toEqual(['proxmox: guest 101 is not filtered: its NIC has no firewall=1']);
    expect(r.back.policy!.gates).toEqual([]);
  });

  it('reports a file that is not JSON', () => {
    const r = state.read!([{ path: 'state.json', text: '{' }], {});
    expect(data(r.diagnostics)).toEqual([{ code: 'PAL6004', line: 1, column: 1 }]);
  });
});
