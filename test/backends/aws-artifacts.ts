/**
 * Test-only readings of the terraform (main.tf) and cloudformation (template.json) artifacts:
 * their security-group resources turned back into describe-security-groups JSON, which the aws
 * reader reads. They read only the shapes those targets write (the targets have no reader of
 * their own); used by aws-targets-agree.test.ts and the fail-closed matrix.
 */
export type Perm = Record<string, unknown>;
export interface Group {
  GroupName: string;
  GroupId: string;
  IpPermissions: Perm[];
  IpPermissionsEgress: Perm[];
}

function perm(protocol: unknown, from: unknown, to: unknown, peer: Perm): Perm {
  return { IpProtocol: String(protocol), ...(from !== undefined ? { FromPort: from, ToPort: to } : {}), ...peer };
}

/** template.json → groups. */
export function fromCloudFormation(text: string): Group[] {
  const t = JSON.parse(text) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const groups = new Map<string, Group>();
  const id = (ref: unknown): string => (ref as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  for (const [logical, r] of Object.entries(t.Resources)) {
    if (r.Type !== 'AWS::EC2::SecurityGroup') continue;
    const role = (r.Properties['Tags'] as { Key: string; Value: string }[]).find((x) => x.Key === 'palisade:role')!.Value;
    const egress = (r.Properties['SecurityGroupEgress'] as Perm[]).map((e) =>
      perm(e['IpProtocol'], e['FromPort'], e['ToPort'], e['CidrIp'] ? { IpRanges: [{ CidrIp: e['CidrIp'] }] } : { Ipv6Ranges: [{ CidrIpv6: e['CidrIpv6'] }] }),
    );
    groups.set(logical, { GroupName: role, GroupId: logical, IpPermissions: [], IpPermissionsEgress: egress });
  }
  for (const r of Object.values(t.Resources)) {
    const p = r.Properties;
    if (r.Type !== 'AWS::EC2::SecurityGroupIngress' && r.Type !== 'AWS::EC2::SecurityGroupEgress') continue;
    const ref = p['SourceSecurityGroupId'] ?? p['DestinationSecurityGroupId'];
    const peer = ref ? { UserIdGroupPairs: [{ GroupId: id(ref) }] } : p['CidrIp'] ? { IpRanges: [{ CidrIp: p['CidrIp'] }] } : { Ipv6Ranges: [{ CidrIpv6: p['CidrIpv6'] }] };
    const g = groups.get(id(p['GroupId']))!;
    (r.Type.endsWith('Ingress') ? g.IpPermissions : g.IpPermissionsEgress).push(perm(p['IpProtocol'], p['FromPort'], p['ToPort'], peer));
  }
  return [...groups.values()];
}

/** main.tf → groups: top-level `resource "T" "N" {` blocks of `key = value` lines. */
export function fromTerraform(text: string): Group[] {
  const groups = new Map<string, Group>();
  const rules: { type: string; attrs: Record<string, string> }[] = [];
  const blocks = text.matchAll(/^resource "([^"]+)" "([^"]+)" \{\n([\s\S]*?)^\}/gm);
  for (const [, type, name, body] of blocks) {
    const attrs: Record<string, string> = {};
    for (const m of body!.matchAll(/^ {2}([a-z_0-9]+)\s*= (.*)$/gm)) attrs[m[1]!] = m[2]!;
    if (type === 'aws_security_group') groups.set(name!, { GroupName: name!, GroupId: name!, IpPermissions: [], IpPermissionsEgress: [] });
    else rules.push({ type: type!, attrs });
  }
  const str = (v: string | undefined): string | undefined => (v === undefined ? undefined : (JSON.parse(v.replace(/\$\$\{/g, '${')) as string));
  const ref = (v: string): string => /^aws_security_group\.([^.]+)\.id$/.exec(v)![1]!;
  for (const { type, attrs: a } of rules) {
    const peer = a['referenced_security_group_id']
      ? { UserIdGroupPairs: [{ GroupId: ref(a['referenced_security_group_id']) }] }
      : a['cidr_ipv4']
        ? { IpRanges: [{ CidrIp: str(a['cidr_ipv4']) }] }
        : { Ipv6Ranges: [{ CidrIpv6: str(a['cidr_ipv6']) }] };
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    const g = groups.get(ref(a['security_group_id']!))!;
    (type === 'aws_vpc_security_group_ingress_rule' ? g.IpPermissions : g.IpPermissionsEgress).push(perm(str(a['ip_protocol']), num(a['from_port']), num(a['to_port']), peer));
  }
  return [...groups.values()];
}

/** The groups as the JSON `aws ec2 describe-security-groups` prints, for the aws reader. */
export const groupsJson = (groups: readonly Group[]): string => JSON.stringify({ SecurityGroups: groups });
