/**
 * `aws:PATH` for `palisade diff`: reads `aws ec2 describe-security-groups` output (palisade's own
 * security-groups.json has the same shape), optionally with `describe-security-group-rules`
 * output in the same or another file, back into a policy.
 *
 * Each group is a role: by its `palisade:role` tag, or else by a group name equal to a role name
 * of the ruleset it is compared with. A group's ingress is a gate over packets to the role, its
 * egress a gate over packets from it; both allow what their rules list and deny the rest. A
 * reference to a group stands for its role's members: the role's addresses when the ruleset
 * declares them (docs/targets/aws.md, "What a role means on AWS"), else the opaque role.
 * What the packet model cannot hold exactly (prefix lists, ICMP codes, groups of other accounts
 * or of no role) is an error, never skipped.
 */
import { error, SourceFile, type Diagnostic, type Span } from '../../diagnostics/index.js';
import { cidrSet, opaqueSet, type AddressSet, type Role } from '../../ir/index.js';
import type { AclRule, Gate, Policy } from '../../analysis/policy.js';
import type { ArtifactFile, ReadContext, ReadResult } from '../types.js';
import { ROLE_TAG } from './model.js';
import { keyServices, type PortKey } from './services.js';

class ReadError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

interface Group {
  readonly id: string | undefined;
  readonly name: string;
  readonly role: string;
  readonly ingress: Peered[];
  readonly egress: Peered[];
  readonly span: Span;
}

interface Peered extends PortKey {
  readonly peer: { kind: 'cidr'; cidr: string } | { kind: 'group'; id?: string; name?: string };
  readonly description: string;
}

export function readSecurityGroups(files: readonly ArtifactFile[], context: ReadContext): ReadResult {
  const target = 'aws';
  const groups: Group[] = [];
  const flat: { rule: Obj; source: SourceFile }[] = [];
  try {
    for (const file of files) {
      const source = new SourceFile(file.path, file.text);
      const at = (needle: string): Span => {
        const i = file.text.indexOf(needle);
        return source.span(Math.max(0, i), Math.max(0, i) + (i < 0 ? 0 : needle.length));
      };
      const fail = (span: Span, why: string): never => {
        throw new ReadError(error('PAL6004', span, target, why));
      };
      let doc: unknown;
      try {
        doc = JSON.parse(file.text);
      } catch (e) {
        return fail(source.span(0, 0), `not JSON (${(e as Error).message})`);
      }
      if (typeof doc !== 'object' || doc === null || (!('SecurityGroups' in doc) && !('SecurityGroupRules' in doc))) {
        return fail(source.span(0, 0), 'expected the output of describe-security-groups ({"SecurityGroups": [...]}) or describe-security-group-rules');
      }
      const d = doc as Obj;
      for (const g of (d.SecurityGroups ?? []) as Obj[]) {
        const name = String(g.GroupName ?? g.GroupId ?? '');
        const span = at(JSON.stringify(name));
        const tag = ((g.Tags ?? []) as Obj[]).find((t) => t.Key === ROLE_TAG)?.Value as string | undefined;
        const role = tag ?? (context.roles?.some((r) => r.name === name) ? name : undefined);
        if (role === undefined) fail(span, `group ${JSON.stringify(name)} has no ${ROLE_TAG} tag and is not named after a role (select palisade's groups, e.g. --filters Name=tag-key,Values=${ROLE_TAG})`);
        if (groups.some((o) => o.role === role)) fail(span, `role ${JSON.stringify(role)} has more than one group`);
        const perms = (list: unknown): Peered[] => ((list ?? []) as Obj[]).flatMap((p) => permission(p, span, fail));
        groups.push({ id: g.GroupId, name, role: role!, ingress: perms(g.IpPermissions), egress: perms(g.IpPermissionsEgress), span });
      }
      for (const rule of (d.SecurityGroupRules ?? []) as Obj[]) flat.push({ rule, source });
    }
    // describe-security-group-rules output replaces the aggregated rules of the groups it covers.
    const replaced = new Set<Group>();
    for (const { rule, source } of flat) {
      const group = groups.find((g) => g.id !== undefined && g.id === rule.GroupId);
      const span = source.span(0, 0);
      if (!group) throw new ReadError(error('PAL6004', span, target, `rule ${rule.SecurityGroupRuleId ?? ''} belongs to group ${rule.GroupId}, which no describe-security-groups output lists`));
      if (!replaced.has(group)) {
        group.ingress.length = 0;
        group.egress.length = 0;
        replaced.add(group);
      }
      if (rule.PrefixListId) throw new ReadError(error('PAL6005', span, target, 'a prefix list'));
      const peer = rule.CidrIpv4 ?? rule.CidrIpv6;
      const ref = rule.ReferencedGroupInfo as Obj | undefined;
      const entry: Peered = {
        protocol: String(rule.IpProtocol),
        ...(rule.FromPort !== undefined ? { fromPort: rule.FromPort, toPort: rule.ToPort } : {}),
        peer: peer !== undefined ? { kind: 'cidr', cidr: peer } : { kind: 'group', id: ref?.GroupId },
        description: rule.Description ?? '',
      };
      (rule.IsEgress ? group.egress : group.ingress).push(entry);
    }
    return { policy: toPolicy(groups, context.roles ?? []), diagnostics: [] };
  } catch (e) {
    if (e instanceof ReadError) return { diagnostics: [e.diagnostic] };
    throw e;
  }
}

function permission(p: Obj, span: Span, fail: (span: Span, why: string) => never): Peered[] {
  if (((p.PrefixListIds ?? []) as unknown[]).length > 0) throw new ReadError(error('PAL6005', span, 'aws', 'a prefix list'));
  const key: PortKey = { protocol: String(p.IpProtocol), ...(p.FromPort !== undefined ? { fromPort: p.FromPort, toPort: p.ToPort } : {}) };
  const out: Peered[] = [];
  for (const r of (p.IpRanges ?? []) as Obj[]) out.push({ ...key, peer: { kind: 'cidr', cidr: String(r.CidrIp) }, description: r.Description ?? '' });
  for (const r of (p.Ipv6Ranges ?? []) as Obj[]) out.push({ ...key, peer: { kind: 'cidr', cidr: String(r.CidrIpv6) }, description: r.Description ?? '' });
  for (const r of (p.UserIdGroupPairs ?? []) as Obj[]) {
    if (r.VpcPeeringConnectionId) fail(span, 'a reference to a group across a VPC peering is not modelled');
    out.push({ ...key, peer: { kind: 'group', id: r.GroupId, name: r.GroupName }, description: r.Description ?? '' });
  }
  return out;
}

function toPolicy(groups: readonly Group[], roles: readonly Role[]): Policy {
  const opaque = new Set<string>();
  const roleSet = (name: string): AddressSet => {
    const addresses = roles.find((r) => r.name === name)?.addresses;
    if (addresses) return addresses;
    opaque.add(name);
    return opaqueSet(name);
  };
  const peerSet = (g: Group, e: Peered): AddressSet => {
    if (e.peer.kind === 'cidr') {
      try {
        return cidrSet(e.peer.cidr);
      } catch {
        throw new ReadError(error('PAL6004', g.span, 'aws', `invalid CIDR ${JSON.stringify(e.peer.cidr)}`));
      }
    }
    const { id, name } = e.peer;
    const other = groups.find((o) => (id !== undefined && o.id === id) || (name !== undefined && (o.name === name || o.id === name)));
    if (!other) throw new ReadError(error('PAL6004', g.span, 'aws', `group ${g.name} references group ${id ?? name}, which is not in the files read`));
    return roleSet(other.role);
  };
  const gates: Gate[] = [];
  for (const g of groups) {
    const own = roleSet(g.role);
    for (const direction of ['ingress', 'egress'] as const) {
      const rules: AclRule[] = (direction === 'ingress' ? g.ingress : g.egress).map((e) => {
        const services = keyServices(e);
        if (typeof services === 'string') throw new ReadError(error('PAL6005', g.span, 'aws', services));
        const peer = peerSet(g, e);
        const label = e.description !== '' ? e.description : `${g.name} ${direction}`;
        return {
          action: 'allow',
          source: direction === 'ingress' ? peer : own,
          destination: direction === 'ingress' ? own : peer,
          services,
          origin: { label, text: `${g.name} ${direction} ${e.protocol} ${e.fromPort ?? ''}-${e.toPort ?? ''}`, span: g.span },
        };
      });
      gates.push({
        name: `${g.name} ${direction}`,
        scope: { kind: direction === 'ingress' ? 'destination' : 'source', addresses: own },
        rules,
        fallback: 'deny',
        fallbackOrigin: { label: `${g.name}: no ${direction} rule`, text: `security group ${g.name} allows no other ${direction}`, span: g.span },
      });
    }
  }
  return { label: 'aws', gates, opaqueRoles: [...opaque].sort() };
}
