/**
 * IR → one nftables table per role, for the hosts of that role.
 *
 * The input chain judges every packet the host receives as a packet to its role; the output
 * chain (written when the ruleset restricts anything the role sends) judges every packet it
 * sends as a packet from its role. Each IR rule that concerns the role becomes one statement per
 * address family and protocol, in rule order, so first-match order is kept:
 *
 * - the role's own side is left out when the rule covers all of the role's addresses in that
 *   family, and otherwise narrowed to the addresses it does cover;
 * - the other side is a named set when the rule names exactly one zone or role, literal CIDRs
 *   otherwise, and left out when it is every address of the family;
 * - with no address match left, `meta nfproto` keeps a one-family rule to its family.
 *
 * After the rules, the defaults: the chain policy, plus a drop for packets from (input) or to
 * (output) another role when that role's default denies what this chain's policy accepts.
 */
import {
  emptySet,
  intersectSets,
  isEmptySet,
  protocolFamily,
  rangesOf,
  toCidrs,
  unionSets,
  V4_MAX,
  V6_MAX,
  isSubset,
  rangesEqual,
  type AddressRanges,
  type AddressSet,
  type Family,
  type Endpoint,
  type Role,
  type Rule,
  type Ruleset,
  type ServiceEntry,
} from '../../ir/index.js';
import { RoleIndex } from '../role-index.js';
import type { NftChain, NftMatch, NftRemark, NftSet, NftStatement, NftTable } from './model.js';

export interface NftOptions {
  readonly table: string;
  readonly counters: boolean;
}

const FULL: Record<Family, AddressRanges> = { 4: [[0, V4_MAX]], 6: [[0n, V6_MAX]] };

type Side = 'saddr' | 'daddr';

/** Collects the named sets a table uses. */
class SetRegistry {
  readonly #sets = new Map<string, NftSet>();
  use(name: string, family: Family, cidrs: readonly string[]): string {
    const setName = `${name}_v${family}`;
    this.#sets.set(setName, { name: setName, family, cidrs });
    return setName;
  }
  all(): NftSet[] {
    return [...this.#sets.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }
}

/** What every role's table shares: the rules by role, and the addresses of all roles. */
export interface NftContext {
  readonly index: RoleIndex;
  readonly roleAddresses: AddressSet;
}

export function nftContext(ir: Ruleset): NftContext {
  return {
    index: new RoleIndex(ir),
    roleAddresses: ir.roles.reduce((acc, r) => unionSets(acc, r.addresses ?? emptySet), emptySet),
  };
}

export function lowerRole(ir: Ruleset, role: Role, options: NftOptions, header: readonly string[], context = nftContext(ir)): NftTable {
  const own = role.addresses ?? emptySet;
  const sets = new SetRegistry();
  const { index, roleAddresses } = context;
  const chains: NftChain[] = [chain(ir, index.to(role), 'input', own, roleAddresses, sets, options)];
  const from = index.from(role);
  if (restrictsEgress(ir, from, own)) chains.push(chain(ir, from, 'output', own, roleAddresses, sets, options));
  return { name: options.table, header, sets: sets.all(), chains };
}

/** The role sends something the ruleset denies: by default, or by a deny rule from it. */
function restrictsEgress(ir: Ruleset, from: readonly Rule[], own: AddressSet): boolean {
  if (ir.defaults.egress.action === 'deny') return true;
  return from.some((r) => r.action === 'deny' && !isEmptySet(literal(intersectSets(r.source.addresses, own))));
}

/** Only literal addresses: hosts are addressed, so opaque roles never reach a host chain. */
function literal(set: AddressSet): AddressSet {
  return { v4: set.v4, v6: set.v6, opaque: [] };
}

function chain(
  ir: Ruleset,
  rules: readonly Rule[],
  name: 'input' | 'output',
  own: AddressSet,
  roleAddresses: AddressSet,
  sets: SetRegistry,
  options: NftOptions,
): NftChain {
  const ownSide: Side = name === 'input' ? 'daddr' : 'saddr';
  const stmt = (matches: NftMatch[], verdict: 'accept' | 'drop', comment?: string): NftStatement => ({
    kind: 'statement',
    matches,
    counter: options.counters,
    verdict,
    ...(comment !== undefined ? { comment } : {}),
  });
  const lines: (NftStatement | NftRemark)[] = [
    stmt([{ kind: 'ct-state', states: ['established', 'related'] }], 'accept'),
    stmt([{ kind: 'ct-state', states: ['invalid'] }], 'drop'),
    stmt([{ kind: 'interface', direction: name === 'input' ? 'iif' : 'oif', name: 'lo' }], 'accept'),
  ];
  if (own.v6.length > 0) {
    // Neighbour discovery is link-local control traffic (hop limit 255, RFC 4861) without which
    // IPv6 does not work at all; it is accepted like loopback and established traffic.
    lines.push(
      stmt(
        [
          { kind: 'icmp-type', protocol: 58, types: [[133, 136]] },
          { kind: 'hoplimit', value: 255 },
        ],
        'accept',
        'ipv6-neighbour-discovery',
      ),
    );
  }

  for (const rule of rules) {
    const ownEnd = ownSide === 'daddr' ? rule.destination : rule.source;
    const otherEnd = ownSide === 'daddr' ? rule.source : rule.destination;
    const statements = ruleStatements(rule, ownEnd, otherEnd, ownSide, own, sets).map((m) =>
      stmt(m, rule.action === 'allow' ? 'accept' : 'drop', rule.name),
    );
    if (statements.length === 0) continue;
    if (rule.description !== undefined) lines.push({ kind: 'remark', text: `${rule.name}: ${rule.description}` });
    lines.push(...statements);
  }

  const ingress = ir.defaults.ingress.action;
  const egress = ir.defaults.egress.action;
  const policy = name === 'input' ? ingress : egress;
  const otherDefault = name === 'input' ? egress : ingress;
  if (policy === 'allow' && otherDefault === 'deny') {
    const otherSide: Side = ownSide === 'daddr' ? 'saddr' : 'daddr';
    const comment = name === 'input' ? 'default-egress-deny' : 'default-ingress-deny';
    for (const family of [4, 6] as const) {
      const cidrs = toCidrs(family, rangesOf(roleAddresses, family));
      if (cidrs.length > 0) lines.push(stmt([{ kind: 'address', family, side: otherSide, cidrs }], 'drop', comment));
    }
  }
  return { name, policy: policy === 'allow' ? 'accept' : 'drop', lines };
}

/** The match lists of one rule on one role's chain (empty when the rule does not concern it). */
function ruleStatements(
  rule: Rule,
  ownEnd: Endpoint,
  otherEnd: Endpoint,
  ownSide: Side,
  own: AddressSet,
  sets: SetRegistry,
): NftMatch[][] {
  const mine = intersectSets(ownEnd.addresses, own);
  const otherSide: Side = ownSide === 'daddr' ? 'saddr' : 'daddr';
  const perFamily: { family: Family; addresses: NftMatch[]; entries: readonly ServiceEntry[] | 'any' }[] = [];
  for (const family of [4, 6] as const) {
    const ownRanges = rangesOf(mine, family);
    const otherRanges = rangesOf(otherEnd.addresses, family);
    if (ownRanges.length === 0 || otherRanges.length === 0) continue;
    const entries = rule.services.any
      ? ('any' as const)
      : rule.services.entries.filter((e) => (protocolFamily(e.protocol) ?? family) === family);
    if (entries !== 'any' && entries.length === 0) continue;
    const addresses: NftMatch[] = [];
    const other = otherMatch(otherEnd, otherRanges, family, otherSide, sets);
    if (other) addresses.push(other);
    if (!isSubset(rangesOf(own, family), ownRanges)) {
      addresses.push({ kind: 'address', family, side: ownSide, cidrs: toCidrs(family, ownRanges) });
    }
    perFamily.push({ family, addresses, entries });
  }

  // Both families, no address match in either: one family-free statement per service.
  const [a, b] = perFamily;
  if (a && b && a.addresses.length === 0 && b.addresses.length === 0) {
    const entries = a.entries === 'any' || b.entries === 'any' ? 'any' : mergeEntries(a.entries, b.entries);
    return serviceMatches(entries).map((s) => s);
  }
  return perFamily.flatMap(({ family, addresses, entries }) => {
    const base: NftMatch[] = addresses.length === 0 ? [{ kind: 'nfproto', family }] : addresses;
    return serviceMatches(entries).map((s) => [...base, ...s]);
  });
}

function otherMatch(
  end: Endpoint,
  ranges: AddressRanges,
  family: Family,
  side: Side,
  sets: SetRegistry,
): NftMatch | undefined {
  if (rangesEqual(ranges, FULL[family])) return undefined;
  const only = end.terms.length === 1 && end.except.length === 0 ? end.terms[0] : undefined;
  const cidrs = toCidrs(family, ranges);
  if (only && (only.kind === 'zone' || only.kind === 'role')) {
    return { kind: 'address', family, side, set: sets.use(only.name, family, cidrs) };
  }
  return { kind: 'address', family, side, cidrs };
}

function mergeEntries(a: readonly ServiceEntry[], b: readonly ServiceEntry[]): ServiceEntry[] {
  const byProtocol = new Map<number, ServiceEntry>();
  for (const e of [...a, ...b]) byProtocol.set(e.protocol, e);
  return [...byProtocol.values()].sort((x, y) => x.protocol - y.protocol);
}

/** One match list per service entry; `any` needs no protocol match. */
function serviceMatches(entries: readonly ServiceEntry[] | 'any'): NftMatch[][] {
  if (entries === 'any') return [[]];
  return entries.map((e): NftMatch[] => {
    if (e.ports === undefined) return [{ kind: 'l4proto', protocol: e.protocol }];
    if (protocolFamily(e.protocol) !== undefined) return [{ kind: 'icmp-type', protocol: e.protocol, types: e.ports }];
    return [{ kind: 'dport', protocol: e.protocol, ports: e.ports }];
  });
}
