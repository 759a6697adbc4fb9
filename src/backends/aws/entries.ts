/**
 * Grants (allow-only.ts) for one role and direction → atomic security-group rules.
 *
 * Peers become sources: an address-less role is a reference to its group; a role with addresses
 * that the rule names, and whose addresses the grant covers whole, is a reference too (under
 * the documented assumption that a group's members are exactly the hosts at the role's
 * addresses); every other address becomes CIDRs, the fewest that cover it. Per rule and source,
 * the protocols become `-1` when the rule allows everything from that source, and otherwise one
 * entry per protocol and port range (ICMP: per type). Entries are deduplicated on the key AWS
 * rejects duplicates of (protocol, ports, source), the first rule keeping its description.
 */
import type { PacketSet, PacketUniverse } from '../../analysis/index.js';
import { error, type Span } from '../../diagnostics/index.js';
import {
  emptySet,
  isSubsetOf,
  setToCidrs,
  subtractSets,
  unionSets,
  cidrSet,
  opaqueSet,
  type AddressSet,
  type Direction,
  type Role,
  type Rule,
} from '../../ir/index.js';
import { grantServices, roleSet, unionAll, type Grant, type Report } from '../allow-only.js';
import type { SgPeer } from './model.js';
import { ALL_SERVICES, portKeys, type PortKey } from './services.js';

/** An atomic rule before it is named. */
export interface Entry extends PortKey {
  readonly peer: SgPeer;
  readonly rule: Rule | undefined;
}

export interface EntryContext {
  readonly universe: PacketUniverse;
  readonly roles: readonly Role[];
  readonly role: Role;
  readonly direction: Direction;
  /** Where the defaults' grants are reported. */
  readonly defaultSpan: Span;
  /** The position of each role in `roles`, by name. */
  readonly roleIndex: ReadonlyMap<string, number>;
  /** The sets of CIDRs already parsed (shared by every role of one lowering). */
  readonly cidrs: Map<string, AddressSet>;
  /** The roles each rule names on the peer's side, in declaration order (shared by every role of one direction). */
  readonly named: Map<Rule | undefined, readonly Role[]>;
}

/** The roles a rule names as peers in the context's direction, in declaration order (looked up by name, not by scanning all roles). */
function namedRoles(ctx: EntryContext, rule: Rule | undefined): readonly Role[] {
  let roles = ctx.named.get(rule);
  if (roles === undefined) {
    const end = rule && (ctx.direction === 'ingress' ? rule.source : rule.destination);
    roles = [...new Set((end?.terms ?? []).flatMap((t) => (t.kind === 'role' ? [t.name] : [])))]
      .flatMap((name) => ctx.roleIndex.get(name) ?? [])
      .sort((a, b) => a - b)
      .map((i) => ctx.roles[i]!);
    ctx.named.set(rule, roles);
  }
  return roles;
}

/** The set of a canonical CIDR, parsed once per lowering. */
function cidrSetOf(ctx: EntryContext, cidr: string): AddressSet {
  let set = ctx.cidrs.get(cidr);
  if (set === undefined) ctx.cidrs.set(cidr, (set = cidrSet(cidr)));
  return set;
}

/** A peer and its addresses; a CIDR's are parsed only when asked for (sourceSet: rarely). */
type Source =
  | { readonly peer: Extract<SgPeer, { kind: 'group' }>; readonly set: AddressSet }
  | { readonly peer: Extract<SgPeer, { kind: 'ipv4' | 'ipv6' }> };

function sourceSet(ctx: EntryContext, source: Source): AddressSet {
  return 'set' in source ? source.set : cidrSetOf(ctx, source.peer.cidr);
}

/** The packets of peers × services at the role, in the context's direction. */
export function packetsAt(ctx: EntryContext, peers: AddressSet, services = ALL_SERVICES): PacketSet {
  const own = roleSet(ctx.role);
  return ctx.direction === 'ingress' ? ctx.universe.product(peers, own, services) : ctx.universe.product(own, peers, services);
}

function sources(grant: Grant, ctx: EntryContext): Source[] {
  const peers = grant.peers;
  const out: Source[] = peers.opaque.map((role) => ({ peer: { kind: 'group', role }, set: opaqueSet(role) }));
  let covered = emptySet;
  for (const role of namedRoles(ctx, grant.rule)) {
    if (!role.addresses || !isSubsetOf(role.addresses, peers)) continue;
    out.push({ peer: { kind: 'group', role: role.name }, set: role.addresses });
    covered = unionSets(covered, role.addresses);
  }
  const literal: AddressSet = { v4: peers.v4, v6: peers.v6, opaque: [] };
  const rest = setToCidrs(subtractSets(literal, covered));
  const whole = setToCidrs(literal);
  for (const cidr of rest.length <= whole.length ? rest : whole) {
    out.push({ peer: { kind: cidr.includes(':') ? 'ipv6' : 'ipv4', cidr } });
  }
  return out;
}

const peerKey = (p: SgPeer): string => (p.kind === 'group' ? `g:${p.role}` : `${p.kind}:${p.cidr}`);
export const entryKey = (e: PortKey & { readonly peer: SgPeer }): string =>
  `${e.protocol}|${e.fromPort ?? ''}|${e.toPort ?? ''}|${peerKey(e.peer)}`;

/** The atomic rules for one role and direction, in grant order (findings as reports: any AWS target). */
export function grantEntries(grants: readonly Grant[], ctx: EntryContext): { entries: Entry[]; reports: Report[] } {
  const reports: Report[] = [];
  // Per rule (in order), per source: the protocols and their port ranges.
  const perRule = new Map<
    Rule | undefined,
    { grants: Grant[]; protocols: Set<number>; bySource: Map<string, { source: Source; key: string; protos: Map<number, [number, number][]> }> }
  >();
  for (const grant of grants) {
    let r = perRule.get(grant.rule);
    if (!r) perRule.set(grant.rule, (r = { grants: [], protocols: new Set(), bySource: new Map() }));
    r.grants.push(grant);
    for (const [lo, hi] of grant.protocols) for (let p = lo; p <= hi; p++) r.protocols.add(p);
    for (const source of sources(grant, ctx)) {
      const k = peerKey(source.peer);
      let s = r.bySource.get(k);
      if (!s) r.bySource.set(k, (s = { source, key: k, protos: new Map() }));
      for (const [lo, hi] of grant.protocols) {
        for (let p = lo; p <= hi; p++) {
          let ranges = s.protos.get(p);
          if (ranges === undefined) s.protos.set(p, (ranges = []));
          for (const [a, b] of grant.ports) ranges.push([a, b]);
        }
      }
    }
  }

  const entries: Entry[] = [];
  // The keys taken, per source (its peerKey): the protocol/port part of entryKey.
  const seen = new Map<string, Set<string>>();
  const reported = new Set<Rule | undefined>();
  const push = (e: Entry, source: string): void => {
    const k = `${e.protocol}|${e.fromPort ?? ''}|${e.toPort ?? ''}`;
    let taken = seen.get(source);
    if (taken === undefined) seen.set(source, (taken = new Set()));
    if (taken.has(k)) return;
    taken.add(k);
    entries.push(e);
  };
  for (const [rule, r] of perRule) {
    // A source is allowed everything only when the rule allows it every protocol. Every source
    // sends some packet of the grants to the role, so it can also send one of any protocol but
    // ICMP and ICMPv6 (each valid with one family only): a rule missing such a protocol allows
    // no source everything, and the set algebra below is skipped.
    const packets = missingProtocol(r.protocols) === undefined ? unionAll(ctx.universe, r.grants.map((g) => packetsAt(ctx, g.peers, grantServices(g)))) : undefined;
    for (const { source, key: sourceKey, protos } of r.bySource.values()) {
      if (packets && packetsAt(ctx, sourceSet(ctx, source)).minus(packets).isEmpty()) {
        push({ protocol: '-1', peer: source.peer, rule }, sourceKey);
        continue;
      }
      for (const [protocol, ranges] of [...protos].sort((a, b) => a[0] - b[0])) {
        const keys = portKeys(protocol, ranges.length === 0 ? undefined : merge(ranges));
        if (typeof keys === 'string') {
          if (reported.has(rule)) continue;
          reported.add(rule);
          const span = rule?.span ?? ctx.defaultSpan;
          const name = rule?.name ?? `default ${ctx.direction} allow`;
          reports.push((target) => error('PAL6002', span, target, name, keys));
          continue;
        }
        for (const key of keys) push({ ...key, peer: source.peer, rule }, sourceKey);
      }
    }
  }
  return { entries, reports };
}

/** The first protocol but ICMP (1) and ICMPv6 (58) missing from `protocols`, if any. */
export function missingProtocol(protocols: ReadonlySet<number>): number | undefined {
  for (let p = 0; p <= 255; p++) if (p !== 1 && p !== 58 && !protocols.has(p)) return p;
  return undefined;
}

function merge(ranges: readonly [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}
