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
 *
 * A rule concerns every role its own end meets, and all that depends on the role is whether the
 * rule covers the role's addresses in each family. So the rest (the other side's match, its named
 * set, the service matches, and the whole statements when the own side needs no match) is planned
 * once per rule and chain direction in the context and shared by every role's table; the printer
 * then prints each shared statement once.
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
type ChainName = 'input' | 'output';

/**
 * The named sets of one ruleset (a zone's or a role's addresses in one family). Names are ranked
 * once in name order, so a table lists the sets it uses in name order by sorting their ranks; a
 * set stays the same object while its CIDRs do, so the printer prints its block once.
 */
class NamedSets {
  /** Set names by rank. */
  readonly #names: string[];
  /** Ranks by family and zone or role name (the IR's own strings, so no name is built per lookup). */
  readonly #rank: Record<Family, Map<string, number>> = { 4: new Map(), 6: new Map() };
  /** A name not known in advance was ranked after the others: order tables by name then. */
  #unranked = false;
  readonly #latest: (NftSet | undefined)[] = [];
  /** For the table being collected (tables are lowered one at a time): its number and each rank's slot in it. */
  #table = 0;
  readonly #stamp: number[] = [];
  readonly #slot: number[] = [];

  /** `owners`: the names of the zones and roles, each with a set per family. */
  constructor(owners: readonly string[]) {
    const named = [...new Set(owners)].flatMap((owner) => ([4, 6] as const).map((family) => ({ owner, family, name: setName(owner, family) })));
    named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.#names = named.map((n) => n.name);
    named.forEach((n, i) => this.#rank[n.family].set(n.owner, i));
  }

  /** The set of `owner`'s addresses in `family`, holding `cidrs` (the last one made when its CIDRs changed), and its rank. */
  get(owner: string, family: Family, cidrs: readonly string[]): { set: NftSet; rank: number } {
    let rank = this.#rank[family].get(owner);
    if (rank === undefined) {
      this.#unranked = true;
      this.#rank[family].set(owner, (rank = this.#names.push(setName(owner, family)) - 1));
    }
    let set = this.#latest[rank];
    if (set === undefined || set.cidrs !== cidrs) this.#latest[rank] = set = { name: this.#names[rank]!, family, cidrs };
    return { set, rank };
  }

  /** Starts collecting a new table's sets. */
  table(): SetRegistry {
    return new SetRegistry(this, ++this.#table);
  }

  /** The slot of `rank` in table `table`, or -1 on its first use there (then `slot` is its slot). */
  slotOf(rank: number, table: number, slot: number): number {
    if (this.#stamp[rank] === table) return this.#slot[rank]!;
    this.#stamp[rank] = table;
    this.#slot[rank] = slot;
    return -1;
  }

  compare(a: number, b: number): number {
    if (!this.#unranked) return a - b;
    return this.#names[a]! < this.#names[b]! ? -1 : 1;
  }
}

function setName(owner: string, family: Family): string {
  return `${owner}_v${family}`;
}

/** Collects the named sets a table uses (the last use of a name wins), listed in name order. */
class SetRegistry {
  readonly #named: NamedSets;
  readonly #table: number;
  readonly #ranks: number[] = [];
  readonly #sets: NftSet[] = [];

  constructor(named: NamedSets, table: number) {
    this.#named = named;
    this.#table = table;
  }

  use(rank: number, set: NftSet): void {
    const slot = this.#named.slotOf(rank, this.#table, this.#sets.length);
    if (slot >= 0) {
      this.#sets[slot] = set;
      return;
    }
    this.#ranks.push(rank);
    this.#sets.push(set);
  }

  all(): NftSet[] {
    const order = this.#ranks.map((_, i) => i).sort((i, j) => this.#named.compare(this.#ranks[i]!, this.#ranks[j]!));
    return order.map((i) => this.#sets[i]!);
  }
}

/** What one rule contributes in one address family, whatever the role. */
interface FamilyPlan {
  readonly family: Family;
  readonly entries: readonly ServiceEntry[] | 'any';
  /** The other side's match; undefined when it is every address of the family. */
  readonly other: NftMatch | undefined;
  /** The named set `other` refers to, if any, and its rank. */
  readonly set: NftSet | undefined;
  readonly setRank: number;
  readonly services: readonly NftMatch[][];
  /** The statements when the rule covers all of the role's addresses in this family. */
  readonly covered: readonly NftStatement[];
}

/** One rule on one chain direction: its family plans, and the family-free statements. */
interface RulePlan {
  readonly families: readonly FamilyPlan[];
  /** Both families, no address match in either: one statement per service of both. */
  readonly familyFree: readonly NftStatement[] | undefined;
  readonly remark: NftRemark | undefined;
}

/**
 * The plans of one chain direction. A plan is kept only while a role still to be lowered needs
 * it (the index says how many roles each rule concerns), so memory holds the plans in use, not
 * every rule's.
 *
 * Each role's rules are kept as positions in the ruleset, looked up once here in one pass over
 * the index (where they are cheap), so lowering a role reaches its rules' plans by position.
 */
class PlanCache {
  readonly #rules: readonly Rule[];
  readonly #plans: (RulePlan | undefined)[];
  readonly #left: Uint32Array;
  /** The positions of each role's rules (by the role's position in the ruleset), in rule order. */
  readonly #positions: Uint32Array[];

  constructor(rules: readonly Rule[], position: ReadonlyMap<Rule, number>, ruleLists: readonly (readonly Rule[])[]) {
    this.#rules = rules;
    this.#plans = new Array<RulePlan | undefined>(rules.length);
    this.#left = new Uint32Array(rules.length);
    this.#positions = ruleLists.map((list) => {
      const positions = new Uint32Array(list.length);
      list.forEach((rule, k) => this.#left[(positions[k] = position.get(rule)!)]!++);
      return positions;
    });
  }

  /** The positions of the rules that concern the role at position `role`, in rule order. */
  positions(role: number): Uint32Array {
    return this.#positions[role]!;
  }

  rule(i: number): Rule {
    return this.#rules[i]!;
  }

  /** The plan of the rule at position `i` on chain `name`, made on first use and forgotten after its last expected use. */
  get(i: number, name: ChainName, context: NftContext): RulePlan {
    const plan = this.#plans[i] ?? rulePlan(this.#rules[i]!, name, context);
    if (this.#left[i]! > 0) this.#left[i]!--;
    this.#plans[i] = this.#left[i]! > 0 ? plan : undefined;
    return plan;
  }
}

/** What every role's table shares: the rules by role, the addresses of all roles, and the plans. */
export interface NftContext {
  readonly index: RoleIndex;
  readonly roleAddresses: AddressSet;
  readonly options: NftOptions;
  readonly plans: Record<ChainName, PlanCache>;
  /** Each role's position in the ruleset. */
  readonly rolePosition: ReadonlyMap<Role, number>;
  /** Named sets, shared by every table that uses them with the same CIDRs. */
  readonly sets: NamedSets;
  /** The default-deny statements of each chain, shared by every role. */
  readonly defaults: Map<ChainName, readonly NftStatement[]>;
}

export function nftContext(ir: Ruleset, options: NftOptions): NftContext {
  const index = new RoleIndex(ir);
  const position = new Map(ir.rules.map((rule, i) => [rule, i]));
  return {
    index,
    roleAddresses: ir.roles.reduce((acc, r) => unionSets(acc, r.addresses ?? emptySet), emptySet),
    options,
    plans: {
      input: new PlanCache(ir.rules, position, ir.roles.map((r) => index.to(r))),
      output: new PlanCache(ir.rules, position, ir.roles.map((r) => index.from(r))),
    },
    rolePosition: new Map(ir.roles.map((role, i) => [role, i])),
    sets: new NamedSets([...ir.zones, ...ir.roles].map((z) => z.name)),
    defaults: new Map(),
  };
}

export function lowerRole(ir: Ruleset, role: Role, header: readonly string[], context: NftContext): NftTable {
  const own = role.addresses ?? emptySet;
  const sets = context.sets.table();
  const { index } = context;
  const at = context.rolePosition.get(role)!;
  const chains: NftChain[] = [chain(ir, at, 'input', own, sets, context)];
  if (restrictsEgress(ir, index.from(role), own)) chains.push(chain(ir, at, 'output', own, sets, context));
  return { name: context.options.table, header, sets: sets.all(), chains };
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

function statement(
  options: NftOptions,
  matches: readonly NftMatch[],
  verdict: 'accept' | 'drop',
  comment?: string,
): NftStatement {
  return { kind: 'statement', matches, counter: options.counters, verdict, ...(comment !== undefined ? { comment } : {}) };
}

/** The chain `name` of the role at position `role` in the ruleset. */
function chain(
  ir: Ruleset,
  role: number,
  name: ChainName,
  own: AddressSet,
  sets: SetRegistry,
  context: NftContext,
): NftChain {
  const { options } = context;
  const stmt = (matches: NftMatch[], verdict: 'accept' | 'drop', comment?: string): NftStatement =>
    statement(options, matches, verdict, comment);
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

  const plans = context.plans[name];
  for (const i of plans.positions(role)) {
    const rule = plans.rule(i);
    const plan = plans.get(i, name, context);
    // The remark goes before the rule's statements, and away again when there are none.
    if (plan.remark !== undefined) lines.push(plan.remark);
    const before = lines.length;
    roleStatements(rule, plan, name, own, sets, options, lines);
    if (lines.length === before && plan.remark !== undefined) lines.pop();
  }

  let defaults = context.defaults.get(name);
  if (defaults === undefined) context.defaults.set(name, (defaults = defaultStatements(ir, name, context)));
  lines.push(...defaults);
  const policy = name === 'input' ? ir.defaults.ingress.action : ir.defaults.egress.action;
  return { name, policy: policy === 'allow' ? 'accept' : 'drop', lines };
}

/** A drop for packets from (input) or to (output) any role, when the other default denies what this policy accepts. */
function defaultStatements(ir: Ruleset, name: ChainName, context: NftContext): NftStatement[] {
  const ingress = ir.defaults.ingress.action;
  const egress = ir.defaults.egress.action;
  const policy = name === 'input' ? ingress : egress;
  const otherDefault = name === 'input' ? egress : ingress;
  const out: NftStatement[] = [];
  if (policy === 'allow' && otherDefault === 'deny') {
    const otherSide: Side = name === 'input' ? 'saddr' : 'daddr';
    const comment = name === 'input' ? 'default-egress-deny' : 'default-ingress-deny';
    for (const family of [4, 6] as const) {
      const cidrs = toCidrs(family, rangesOf(context.roleAddresses, family));
      if (cidrs.length > 0) out.push(statement(context.options, [{ kind: 'address', family, side: otherSide, cidrs }], 'drop', comment));
    }
  }
  return out;
}

/** The role-independent part of one rule on one chain direction. */
function rulePlan(rule: Rule, name: ChainName, context: NftContext): RulePlan {
  const { options } = context;
  const ownSide: Side = name === 'input' ? 'daddr' : 'saddr';
  const otherSide: Side = ownSide === 'daddr' ? 'saddr' : 'daddr';
  const otherEnd = name === 'input' ? rule.source : rule.destination;
  const verdict = rule.action === 'allow' ? 'accept' : 'drop';
  const families: FamilyPlan[] = [];
  for (const family of [4, 6] as const) {
    const otherRanges = rangesOf(otherEnd.addresses, family);
    if (otherRanges.length === 0) continue;
    const entries = rule.services.any
      ? ('any' as const)
      : rule.services.entries.filter((e) => (protocolFamily(e.protocol) ?? family) === family);
    if (entries !== 'any' && entries.length === 0) continue;
    const { other, set, setRank } = otherMatch(otherEnd, otherRanges, family, otherSide, context.sets);
    const services = serviceMatches(entries);
    const base: NftMatch[] = other === undefined ? [{ kind: 'nfproto', family }] : [other];
    const covered = services.map((s) => statement(options, [...base, ...s], verdict, rule.name));
    families.push({ family, entries, other, set, setRank, services, covered });
  }
  const [a, b] = families;
  let familyFree: NftStatement[] | undefined;
  if (a && b && a.other === undefined && b.other === undefined) {
    const entries = a.entries === 'any' || b.entries === 'any' ? 'any' : mergeEntries(a.entries, b.entries);
    familyFree = serviceMatches(entries).map((s) => statement(options, s, verdict, rule.name));
  }
  const remark: NftRemark | undefined =
    rule.description !== undefined ? { kind: 'remark', text: `${rule.name}: ${rule.description}` } : undefined;
  return { families, familyFree, remark };
}

/**
 * Appends one rule's statements on one role's chain (none when the rule does not concern it).
 * Per family: the role's addresses the rule's own end meets; when that is all of them, the
 * planned statements, otherwise the planned matches narrowed to those addresses.
 */
function roleStatements(
  rule: Rule,
  plan: RulePlan,
  name: ChainName,
  own: AddressSet,
  sets: SetRegistry,
  options: NftOptions,
  out: (NftStatement | NftRemark)[],
): void {
  const ownSide: Side = name === 'input' ? 'daddr' : 'saddr';
  const ownEnd = name === 'input' ? rule.destination : rule.source;
  const [a, b] = plan.families;
  const mineA = a && narrowed(a.family, own, ownEnd.addresses);
  const mineB = b && narrowed(b.family, own, ownEnd.addresses);
  if (plan.familyFree !== undefined && mineA === COVERED && mineB === COVERED) {
    for (const s of plan.familyFree) out.push(s);
    return;
  }
  if (a) familyStatements(rule, a, mineA!, ownSide, sets, options, out);
  if (b) familyStatements(rule, b, mineB!, ownSide, sets, options, out);
}

/** The rule covers all of the role's addresses in a family. */
const COVERED = 'covered';

/** The role's addresses in one family that the rule's own end meets: all, none, or these ranges. */
function narrowed(family: Family, own: AddressSet, end: AddressSet): AddressRanges | typeof COVERED | undefined {
  const ownRanges = rangesOf(own, family);
  if (ownRanges.length === 0) return undefined;
  const endRanges = rangesOf(end, family);
  if (endRanges === ownRanges || isSubset(ownRanges, endRanges)) return COVERED;
  const mine = rangesOf(intersectSets(end, own), family);
  return mine.length === 0 ? undefined : mine;
}

function familyStatements(
  rule: Rule,
  f: FamilyPlan,
  mine: AddressRanges | typeof COVERED | undefined,
  ownSide: Side,
  sets: SetRegistry,
  options: NftOptions,
  out: (NftStatement | NftRemark)[],
): void {
  if (mine === undefined) return;
  if (f.set !== undefined) sets.use(f.setRank, f.set);
  if (mine === COVERED) {
    for (const s of f.covered) out.push(s);
    return;
  }
  const addresses: NftMatch[] = f.other === undefined ? [] : [f.other];
  addresses.push({ kind: 'address', family: f.family, side: ownSide, cidrs: toCidrs(f.family, mine) });
  const verdict = rule.action === 'allow' ? 'accept' : 'drop';
  for (const s of f.services) out.push(statement(options, [...addresses, ...s], verdict, rule.name));
}

/** The other side's match: a named set when it names exactly one zone or role, else literal CIDRs. */
function otherMatch(
  end: Endpoint,
  ranges: AddressRanges,
  family: Family,
  side: Side,
  named: NamedSets,
): { other: NftMatch | undefined; set: NftSet | undefined; setRank: number } {
  if (rangesEqual(ranges, FULL[family])) return { other: undefined, set: undefined, setRank: -1 };
  const only = end.terms.length === 1 && end.except.length === 0 ? end.terms[0] : undefined;
  const cidrs = toCidrs(family, ranges);
  if (only && (only.kind === 'zone' || only.kind === 'role')) {
    const { set, rank } = named.get(only.name, family, cidrs);
    return { other: { kind: 'address', family, side, set: set.name }, set, setRank: rank };
  }
  return { other: { kind: 'address', family, side, cidrs }, set: undefined, setRank: -1 };
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
