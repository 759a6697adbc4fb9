/**
 * One IR rule → the PVE rules of one direction of one role's security group (the role is the
 * destination of IN rules and the source of OUT rules; the other end is the peer).
 *
 * PVE rules hold one address family when they name a literal address or ICMP, and both
 * otherwise (an IP set reference matches each family's part of the set). So, per family the
 * role has addresses in:
 *
 * - the peer is left out when it is every address of the family, is `+dc/<set>` when the rule
 *   names exactly one zone or role, and a literal list of the family otherwise;
 * - the role's own end is left out when the rule covers all of the role's addresses there, and a
 *   literal list otherwise;
 * - a literal list past PVE's 512 characters becomes an IP set of its own holding that family
 *   only (`<rule>-src-v4`, `<rule>-<role>-dst-v6`), which pins the rule just as well;
 * - when both families come out the same without a literal, one rule serves both; otherwise a
 *   rule without a literal is pinned to its family by writing its own end literally, so it never
 *   matches the other family (never broader than the ruleset).
 *
 * Services: no `proto` for `any`, a `dport` list of at most 15 numbers per rule (more ports make
 * more rules), and one rule per ICMP type (PVE takes one type name per rule).
 */
import {
  emptySet,
  intersectSets,
  isSubset,
  protocolFamily,
  rangesEqual,
  rangesOf,
  V4_MAX,
  V6_MAX,
  type AddressRanges,
  type Family,
  type Role,
  type Rule,
  type ServiceEntry,
} from '../../ir/index.js';
import { ADDRESS_SPEC_MAX, pveCidrs } from './addresses.js';
import type { PveRule } from './model.js';
import { DPORT_PROTOCOLS, dportChunks, icmpTypeField, protocolField } from './services.js';
import { pveCommentProblem } from './names.js';

export interface Names {
  /** The IP set name of a zone or role. */
  readonly ipset: (name: string) => string;
  /** Zones and roles a rule refers to by IP set. */
  readonly used: Set<string>;
  /**
   * A cluster IP set for addresses of one family too long for a literal list: a rule's peer, or
   * (with `role`) the part of a role a rule covers. Returns its name.
   */
  readonly ruleSet: (rule: Rule, side: 'source' | 'dest', family: Family, cidrs: readonly string[], role?: string) => string;
}

type Fields = Omit<PveRule, 'type' | 'action' | 'enable' | 'comment'>;
type Spec = { readonly text?: string; readonly literal: boolean };
type Services = readonly ServiceEntry[] | 'any';

const FULL: Record<Family, AddressRanges> = { 4: [[0, V4_MAX]], 6: [[0n, V6_MAX]] };

export function directionRules(
  rule: Rule,
  direction: 'in' | 'out',
  role: Role,
  names: Names,
): { rules: PveRule[] } | { why: string } {
  const roleSet = role.addresses ?? emptySet;
  const ownEnd = direction === 'in' ? rule.destination : rule.source;
  const peerEnd = direction === 'in' ? rule.source : rule.destination;
  const mine = intersectSets(ownEnd.addresses, roleSet);
  const relevant = ([4, 6] as const).filter((f) => rangesOf(roleSet, f).length > 0);
  const ownSide = direction === 'in' ? 'dest' : 'source';
  const peerSide = direction === 'in' ? 'source' : 'dest';
  // A literal list of one family, or past 512 characters an IP set of that family only: either
  // pins the rule to the family.
  const literal = (family: Family, ranges: AddressRanges, owner?: string): Spec => {
    const cidrs = pveCidrs(family, ranges);
    const text = cidrs.join(',');
    if (text.length <= ADDRESS_SPEC_MAX) return { text, literal: true };
    return { text: `+dc/${names.ruleSet(rule, owner === undefined ? peerSide : ownSide, family, cidrs, owner)}`, literal: true };
  };
  const families: { family: Family; own: Spec; ownRanges: AddressRanges; peer: Spec; services: Services }[] = [];
  for (const family of relevant) {
    // The role's own array when the rule covers all of it, so its CIDRs are computed once.
    const roleRanges = rangesOf(roleSet, family);
    const ownRanges = rangesEqual(rangesOf(mine, family), roleRanges) ? roleRanges : rangesOf(mine, family);
    const peerRanges = rangesOf(peerEnd.addresses, family);
    if (ownRanges.length === 0 || peerRanges.length === 0) continue;
    const services: Services = rule.services.any ? 'any' : inFamily(rule.services.entries, family);
    if (services !== 'any' && services.length === 0) continue;
    const own = isSubset(rangesOf(roleSet, family), ownRanges) ? { literal: false } : literal(family, ownRanges, role.name);
    const only = peerEnd.terms.length === 1 && peerEnd.except.length === 0 ? peerEnd.terms[0] : undefined;
    let peer: Spec;
    if (rangesEqual(peerRanges, FULL[family])) peer = { literal: false };
    else if (only && (only.kind === 'zone' || only.kind === 'role')) {
      names.used.add(only.name);
      peer = { text: `+dc/${names.ipset(only.name)}`, literal: false };
    } else peer = literal(family, peerRanges);
    families.push({ family, own, ownRanges, peer, services });
  }

  const [a, b] = families;
  const specs: { own: Spec; peer: Spec; services: Services }[] = [];
  if (a && b && !a.own.literal && !b.own.literal && !a.peer.literal && !b.peer.literal && a.peer.text === b.peer.text) {
    specs.push({ own: a.own, peer: a.peer, services: a.services === 'any' || b.services === 'any' ? 'any' : merge(a.services, b.services) });
  } else {
    for (const f of families) {
      const pinned = f.own.literal || f.peer.literal || relevant.length === 1;
      specs.push({ own: pinned ? f.own : literal(f.family, f.ownRanges, role.name), peer: f.peer, services: f.services });
    }
  }

  const { comment, problem } = commentOf(rule);
  if (problem !== undefined) return { why: problem };
  const out: PveRule[] = [];
  for (const spec of specs) {
    const fields = spec.services === rule.services.entries ? serviceFieldsOf(rule) : serviceFields(spec.services);
    if (typeof fields === 'string') return { why: fields };
    const source = direction === 'in' ? spec.peer.text : spec.own.text;
    const dest = direction === 'in' ? spec.own.text : spec.peer.text;
    for (const f of fields) {
      // Fields set one by one (in the order a spread would list them): this runs per rule and role.
      const r: { -readonly [K in keyof PveRule]: PveRule[K] } = { type: direction, action: rule.action === 'allow' ? 'ACCEPT' : 'DROP', enable: true };
      if (source !== undefined) r.source = source;
      if (dest !== undefined) r.dest = dest;
      if (f.proto !== undefined) r.proto = f.proto;
      if (f.dport !== undefined) r.dport = f.dport;
      if (f['icmp-type'] !== undefined) r['icmp-type'] = f['icmp-type'];
      if (comment !== '') r.comment = comment;
      out.push(r);
    }
  }
  return { rules: out };
}

/**
 * A rule's comment, written exactly or refused (an empty description is no description), and
 * its service fields when a family keeps every service: both the same in every role's group, so
 * worked out once per rule.
 */
const perRule = new WeakMap<Rule, { comment: string; problem: string | undefined; fields?: Fields[] | string }>();

function commentOf(rule: Rule): { comment: string; problem: string | undefined } {
  let known = perRule.get(rule);
  if (!known) {
    const comment = rule.description ? `${rule.name}: ${rule.description}` : rule.name;
    perRule.set(rule, (known = { comment, problem: pveCommentProblem(comment) }));
  }
  return known;
}

function serviceFieldsOf(rule: Rule): Fields[] | string {
  const known = perRule.get(rule)!;
  return (known.fields ??= serviceFields(rule.services.entries));
}

/** The services of one family; the rule's own list when it keeps all of them (most rules). */
function inFamily(entries: readonly ServiceEntry[], family: Family): readonly ServiceEntry[] {
  const keep = (e: ServiceEntry): boolean => (protocolFamily(e.protocol) ?? family) === family;
  return entries.every(keep) ? entries : entries.filter(keep);
}

function merge(a: readonly ServiceEntry[], b: readonly ServiceEntry[]): readonly ServiceEntry[] {
  // Both families keep the same list (most rules): merged with itself it is itself when it is one
  // entry per protocol in protocol order, and staying the rule's own list keeps its fields cached.
  if (a === b && a.every((e, i) => i === 0 || a[i - 1]!.protocol < e.protocol)) return a;
  const byProtocol = new Map<number, ServiceEntry>();
  for (const e of [...a, ...b]) byProtocol.set(e.protocol, e);
  return [...byProtocol.values()].sort((x, y) => x.protocol - y.protocol);
}

function serviceFields(services: Services): Fields[] | string {
  if (services === 'any') return [{}];
  const out: Fields[] = [];
  for (const e of services) {
    const proto = protocolField(e.protocol);
    if (proto === undefined) return `protocol ${e.protocol} has no name in /etc/protocols, which PVE checks protocols against`;
    const allTypes = protocolFamily(e.protocol) !== undefined && e.ports?.length === 1 && e.ports[0]![0] === 0 && e.ports[0]![1] === 255;
    if (e.ports === undefined || allTypes) out.push({ proto });
    else if (DPORT_PROTOCOLS.has(e.protocol)) out.push(...dportChunks(e.ports).map((dport) => ({ proto, dport })));
    else if (protocolFamily(e.protocol) !== undefined) {
      for (const [lo, hi] of e.ports) {
        for (let type = lo; type <= hi; type++) {
          const name = icmpTypeField(e.protocol, type);
          if (name === undefined) return `PVE has no name for ${proto} type ${type}, and it takes ICMP types by name only`;
          out.push({ proto, 'icmp-type': name });
        }
      }
    } else return `PVE takes no ports for protocol ${proto}`;
  }
  return out;
}
