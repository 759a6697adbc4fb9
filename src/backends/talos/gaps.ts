/**
 * The gaps between a ruleset and Talos's ingress firewall, as positioned diagnostics:
 *
 * - egress: Talos filters only what nodes receive, so whatever the ruleset denies to traffic
 *   from a role to addresses in no role cannot be enforced (option `egress`);
 * - ICMP: in block mode Talos accepts ICMP (but timestamp and address-mask) and ICMPv6 from
 *   everyone, rate-limited, and nothing else, so the ruleset's ICMP to a role must be exactly
 *   that (option `icmp`);
 * - cluster subnets: Talos accepts pod/service-subnet traffic (and host DNS) by itself; a ruleset
 *   that denies any of it to a role cannot be expressed (no option: fix the ruleset).
 *
 * Each gap is attributed to the rule (or default) that decides an example packet of it.
 */
import { packetText, type PacketSet, type PacketUniverse } from '../../analysis/index.js';
import { error, warning, type Span } from '../../diagnostics/index.js';
import {
  evaluate,
  intersectSets,
  isEmptySet,
  roleOf,
  subtractSets,
  type Packet,
  type Role,
  type Rule,
  type Ruleset,
  type ServiceSet,
} from '../../ir/index.js';
import { allRoleAddresses, grantServices, roleSet, unionAll, type Grant, type Report } from '../allow-only.js';
import { RoleIndex } from '../role-index.js';
import type { TalosOptions } from './options.js';

const anyService: ServiceSet = { any: true, entries: [] };

/** Where a gap is reported: a rule, or a default (or a role when a default is implicit). */
export interface Culprit {
  readonly rule?: Rule;
  readonly what: string;
  readonly span: Span | undefined;
}

/**
 * Reports a gap: an error, or a warning when `accepted` names the option (without the target's
 * prefix, e.g. `icmp=talos`) that accepts it. Worded per target: talos and talos-nft share it.
 */
export function gap(culprit: Culprit, why: string, accepted: string | undefined): Report {
  return (target) => {
    if (accepted !== undefined) return warning('PAL6202', culprit.span, target, culprit.rule ? `rule "${culprit.rule.name}"` : culprit.what, why, `${target}.${accepted}`);
    if (culprit.rule) return error('PAL6002', culprit.span, target, culprit.rule.name, why);
    return error('PAL6201', culprit.span, target, culprit.what, why);
  };
}

/**
 * The rule or default that decides a packet (for a denied packet: the deny that decides it).
 * `to`: a role the packet's destination lies in; only the rules whose destination meets that
 * role can match it, so the first match is sought among those (RoleIndex) and not all rules.
 */
export function culpritOf(ir: Ruleset, packet: Packet, fallback: Span | undefined, to?: Role): Culprit {
  const verdict = evaluate(to ? { ...ir, rules: RoleIndex.of(ir).to(to) } : ir, packet);
  if (verdict.by === 'rule') return { rule: verdict.rule, what: `rule "${verdict.rule.name}"`, span: verdict.rule.span };
  const d = verdict.defaults.find((x) => x.policy.action === 'deny') ?? verdict.defaults[0];
  if (!d) return { what: 'the ruleset', span: fallback };
  return { what: `default ${d.direction} ${d.policy.action}`, span: d.policy.span ?? fallback };
}

/** What the ruleset denies on the way out of a role, to addresses in no role. */
export function egressGaps(ir: Ruleset, universe: PacketUniverse, options: TalosOptions): Report[] {
  const roles = allRoleAddresses(ir);
  const outside = subtractSets(universe.everySource, roles);
  const accepted = options.egress === 'elsewhere' ? 'egress=elsewhere' : undefined;
  const why = (p: Packet): string =>
    `Talos filters only the traffic its nodes receive, and this denies traffic from role "${roleOf(ir.roles, p.source) ?? '?'}" to addresses in no role (e.g. ${packetText(p)})`;
  const out: Report[] = [];
  // The packets of earlier rules: united only when a deny needs them (in a balanced tree).
  let matched = universe.empty();
  let pending: PacketSet[] = [];
  const earlier = (): PacketSet => {
    matched = unionAll(universe, [matched, ...pending]);
    pending = [];
    return matched;
  };
  for (const rule of ir.rules) {
    // Most rules are between roles: nothing of theirs leaves for addresses in no role.
    const to = intersectSets(rule.destination.addresses, outside);
    if (isEmptySet(to)) continue;
    const cube = universe.product(intersectSets(rule.source.addresses, roles), to, rule.services);
    const w = rule.action === 'deny' && !cube.isEmpty() ? cube.minus(earlier()).witness() : undefined;
    pending.push(cube);
    if (w) out.push(gap({ rule, what: `rule "${rule.name}"`, span: rule.span }, why(w), accepted));
  }
  if (ir.defaults.egress.action === 'deny') {
    const w = universe.product(roles, outside, anyService).minus(earlier()).witness();
    const span = ir.defaults.egress.span ?? ir.roles[0]?.span;
    if (w) out.push(gap({ what: 'default egress deny', span }, why(w), accepted));
  }
  return out;
}

/** The packets the grants permit to `role`. */
export function grantedSet(universe: PacketUniverse, role: Role, grants: readonly Grant[], services: (g: Grant) => ServiceSet): PacketSet {
  const self = roleSet(role);
  return unionAll(
    universe,
    grants.map((g) => universe.product(g.peers, self, services(g))),
  );
}

/** ICMP and cluster-subnet gaps at one role: `permitted` is what the ruleset permits to it. */
export function builtinGaps(
  ir: Ruleset,
  universe: PacketUniverse,
  role: Role,
  permitted: PacketSet,
  builtin: { readonly icmp: PacketSet; readonly cluster: PacketSet },
  grants: readonly Grant[],
  options: TalosOptions,
): Report[] {
  const self = roleSet(role);
  const out: Report[] = [];
  const accepted = options.icmp === 'talos' ? 'icmp=talos' : undefined;
  const denied = builtin.icmp.minus(permitted).witness();
  if (denied) {
    const why = `Talos always accepts ICMP (but timestamp and address-mask) and ICMPv6 from every source in block mode, up to 5 packets per second, and this denies some to role "${role.name}" (e.g. ${packetText(denied)})`;
    out.push(gap(culpritOf(ir, denied, role.span, role), why, accepted));
  }
  const allIcmp: ServiceSet = { any: false, entries: [{ protocol: 1 }, { protocol: 58 }] };
  const dropped = permitted.intersect(universe.product(universe.everySource, self, allIcmp)).minus(builtin.icmp).witness();
  if (dropped) {
    const why = `Talos drops ICMP timestamp and address-mask messages (types 13, 14, 17, 18) in block mode and cannot accept them, and this permits some to role "${role.name}" (e.g. ${packetText(dropped)})`;
    const grant = grants.find((g) => universe.product(g.peers, self, grantServices(g)).has(dropped));
    const culprit: Culprit = grant?.rule
      ? { rule: grant.rule, what: `rule "${grant.rule.name}"`, span: grant.rule.span }
      : { what: 'default ingress allow', span: ir.defaults.ingress.span ?? role.span };
    out.push(gap(culprit, why, accepted));
  }
  const cluster = builtin.cluster.minus(permitted).witness();
  if (cluster) {
    const why = `Talos always accepts traffic from its pod and service subnets to addresses in them (and DNS to the host DNS address), and this denies some to role "${role.name}" (e.g. ${packetText(cluster)}); check the pod-subnets and service-subnets options`;
    out.push(gap(culpritOf(ir, cluster, role.span, role), why, undefined));
  }
  return out;
}
