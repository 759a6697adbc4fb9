/**
 * Security groups in the shape `aws ec2 describe-security-groups` prints (security-groups.json),
 * and the request payloads of the deploy script: create-security-group per group, and one
 * authorize-security-group-ingress/egress per atomic rule. Group references are written by
 * group name (`UserIdGroupPairs[].GroupName`) in security-groups.json; the deploy script replaces
 * them with the ids it resolves.
 */
import { stableJson, type Json } from './json.js';
import { ROLE_TAG, type SecurityGroup, type SgModel, type SgRule } from './model.js';

/** One IpPermission holding the given atomic rules (all of one protocol/port key). */
export function ipPermission(rules: readonly SgRule[], groupRef: (role: string) => Json): Json {
  const first = rules[0]!;
  return {
    IpProtocol: first.protocol,
    ...(first.fromPort !== undefined ? { FromPort: first.fromPort, ToPort: first.toPort ?? first.fromPort } : {}),
    IpRanges: rules.flatMap((r) => (r.peer.kind === 'ipv4' ? [{ CidrIp: r.peer.cidr, Description: r.description }] : [])),
    Ipv6Ranges: rules.flatMap((r) => (r.peer.kind === 'ipv6' ? [{ CidrIpv6: r.peer.cidr, Description: r.description }] : [])),
    PrefixListIds: [],
    UserIdGroupPairs: rules.flatMap((r) => (r.peer.kind === 'group' ? [{ ...(groupRef(r.peer.role) as object), Description: r.description }] : [])),
  };
}

/** Atomic rules aggregated by (protocol, ports), in order of first appearance, as AWS describes them. */
export function permissions(rules: readonly SgRule[], groupRef: (role: string) => Json): Json[] {
  const byKey = new Map<string, SgRule[]>();
  for (const r of rules) {
    const key = `${r.protocol}|${r.fromPort ?? ''}|${r.toPort ?? ''}`;
    const list = byKey.get(key);
    if (list) list.push(r);
    else byKey.set(key, [r]);
  }
  return [...byKey.values()].map((list) => ipPermission(list, groupRef));
}

export function groupTags(group: SecurityGroup): Json {
  return [
    { Key: 'Name', Value: group.name },
    { Key: ROLE_TAG, Value: group.role },
  ];
}

export function describeShape(model: SgModel, prefix: string, vpcId: string): string {
  const ref = (role: string): Json => ({ GroupName: `${prefix}${role}` });
  return stableJson({
    SecurityGroups: model.groups.map((g) => ({
      GroupName: g.name,
      Description: g.description,
      ...(vpcId !== '' ? { VpcId: vpcId } : {}),
      IpPermissions: permissions(g.ingress, ref),
      IpPermissionsEgress: permissions(g.egress, ref),
      Tags: groupTags(g),
    })),
  });
}

/** create-security-group input (VpcId is added by the script). */
export function createPayload(group: SecurityGroup): string {
  return stableJson(
    {
      GroupName: group.name,
      Description: group.description,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: groupTags(group) }],
    },
    true,
  );
}

/** authorize-security-group-* input: one IpPermission per atomic rule; group pairs hold group names to resolve. */
export function rulesPayload(rules: readonly SgRule[], prefix: string): string {
  return stableJson({ IpPermissions: rules.map((r) => ipPermission([r], (role) => ({ GroupId: `${prefix}${role}` }))) }, true);
}
