/**
 * aws output for every ruleset, as whole-file goldens (update with `vitest -u`); each deploy.sh
 * parses with bash, and every request it sends passes botocore's parameter validation.
 * rulesets/talos-aws.pal reproduces the seed's security-group tables.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import type { SourceReader } from '../../src/parser/load.js';
import { botocoreErrors, deployRequests } from '../aws-helpers.js';
import { assignments } from '../helpers.js';
import { goldenCases } from './rulesets.js';

const read: SourceReader = (p) => {
  try {
    return { text: readFileSync(p, 'utf8') };
  } catch {
    return { error: 'no such file' };
  }
};

const build = (file: string, set: readonly string[]) => compile({ entry: file, read, set: assignments(...set), target: 'aws' });

describe.each(goldenCases)('aws: $name', ({ name, file, set }) => {
  const result = build(file, set);

  it('compiles without diagnostics', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.artifacts?.map((a) => a.path)).toEqual(['security-groups.json', 'deploy.sh']);
  });

  for (const artifact of result.artifacts ?? []) {
    it(`${artifact.path} matches its golden`, async () => {
      await expect(artifact.contents).toMatchFileSnapshot(`aws/${name}/${artifact.path}`);
    });
  }

  it('deploy.sh is valid bash, and every request passes botocore validation', () => {
    const script = result.artifacts!.find((a) => a.path === 'deploy.sh')!.contents;
    execFileSync('bash', ['-n'], { input: script });
    const requests = deployRequests(script);
    expect(requests.length).toBeGreaterThan(0);
    expect(botocoreErrors(requests)).toEqual([]);
  });
});

interface Perm {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges: { CidrIp: string; Description: string }[];
  Ipv6Ranges: { CidrIpv6: string; Description: string }[];
  UserIdGroupPairs: { GroupName: string; Description: string }[];
}

/** The atomic rules of a group as `proto from-to source: description` lines. */
function table(_label: string, set: readonly string[], group: string, egress = false): string[] {
  const json = JSON.parse(build('rulesets/talos-aws.pal', set).artifacts![0]!.contents) as { SecurityGroups: { GroupName: string; IpPermissions: Perm[]; IpPermissionsEgress: Perm[] }[] };
  const g = json.SecurityGroups.find((x) => x.GroupName === group)!;
  return (egress ? g.IpPermissionsEgress : g.IpPermissions).flatMap((p) => {
    const key = `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''}`;
    return [
      ...p.IpRanges.map((r) => `${key} ${r.CidrIp}: ${r.Description}`),
      ...p.Ipv6Ranges.map((r) => `${key} ${r.CidrIpv6}: ${r.Description}`),
      ...p.UserIdGroupPairs.map((r) => `${key} sg:${r.GroupName}: ${r.Description}`),
    ];
  });
}

describe("the seed's security-group tables (rulesets/talos-aws.pal)", () => {
  it('control plane: 13 ingress rules, as in the seed', () => {
    expect(table('cp', [], 'controlplane').sort()).toEqual(
      [
        'tcp 6443-6443 10.0.0.0/16: Kubernetes API server',
        'tcp 50000-50000 10.0.0.0/16: Talos API (apid)',
        'tcp 50001-50001 sg:worker: Talos trustd service',
        'tcp 2379-2380 sg:controlplane: etcd peer communication',
        'tcp 10250-10250 sg:controlplane: Kubelet API (CP-to-CP)',
        'tcp 10250-10250 10.0.0.0/16: Kubelet API (admin access)',
        'tcp 10257-10257 sg:controlplane: kube-controller-manager',
        'tcp 10259-10259 sg:controlplane: kube-scheduler',
        'udp 6081-6081 sg:controlplane: Cilium GENEVE overlay (CP-to-CP)',
        'udp 6081-6081 sg:worker: Cilium GENEVE overlay (workers-to-CP)',
        'tcp 4240-4240 sg:controlplane: Cilium health checks (CP-to-CP)',
        'tcp 4240-4240 sg:worker: Cilium health checks (workers-to-CP)',
        'icmp -1--1 10.0.0.0/16: Ping for connectivity validation',
      ].sort(),
    );
  });

  it('worker: 10 ingress rules, as in the seed', () => {
    expect(table('wk', [], 'worker').sort()).toEqual(
      [
        'tcp 50000-50000 sg:controlplane: Talos API from control plane',
        'tcp 50000-50000 10.0.0.0/16: Talos API (admin access)',
        'tcp 10250-10250 sg:controlplane: Kubelet API from control plane',
        'tcp 10250-10250 sg:worker: Kubelet API (worker-to-worker)',
        'tcp 10250-10250 10.0.0.0/16: Kubelet API (admin access)',
        'udp 6081-6081 sg:controlplane: Cilium GENEVE overlay (CP-to-workers)',
        'udp 6081-6081 sg:worker: Cilium GENEVE overlay (worker-to-worker)',
        'tcp 4240-4240 sg:controlplane: Cilium health checks (CP-to-workers)',
        'tcp 4240-4240 sg:worker: Cilium health checks (worker-to-worker)',
        'icmp -1--1 10.0.0.0/16: Ping for connectivity validation',
      ].sort(),
    );
  });

  it('worker: 12 ingress rules with enable_nodeport=true', () => {
    const rules = table('wk', ['enable_nodeport=true'], 'worker');
    expect(rules.length).toBe(12);
    expect(rules.filter((r) => r.startsWith('tcp 30000-32767 ')).sort()).toEqual([
      'tcp 30000-32767 10.0.0.0/16: NodePort services (admin access)',
      'tcp 30000-32767 sg:worker: NodePort services (worker-to-worker)',
    ]);
  });

  it('control plane: two more rules per admin CIDR', () => {
    for (const cidrs of [['196.45.28.20/32'], ['196.45.28.20/32', '203.0.113.0/24', '198.51.100.7/32']]) {
      const rules = table('cp', [`allowed_admin_cidrs=${cidrs.join(',')}`], 'controlplane');
      expect(rules.length).toBe(13 + 2 * cidrs.length);
      const external = rules.filter((r) => r.includes('(external)'));
      expect(external.sort()).toEqual(
        cidrs.flatMap((c) => [`tcp 6443-6443 ${c}: Kubernetes API (external)`, `tcp 50000-50000 ${c}: Talos API (external)`]).sort(),
      );
    }
  });

  it('all-traffic egress on both groups', () => {
    for (const group of ['controlplane', 'worker']) {
      expect(table('x', [], group, true)).toEqual(['-1 - 0.0.0.0/0: Allow all outbound traffic', '-1 - ::/0: Allow all outbound traffic']);
    }
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same input', () => {
    for (const { file, set } of goldenCases) expect(build(file, set).artifacts).toEqual(build(file, set).artifacts);
  });
});
