/**
 * "Does the ruleset already permit every one of these packets?", answered exactly without
 * building the ruleset's whole permitted set.
 *
 * A packet is judged by the first rule that holds it, so the verdicts on a set of packets Q
 * depend only on the rules that intersect Q: a policy reduced to those rules (same gates,
 * scopes, order and fallbacks) permits exactly the same packets of Q. An index of the rules by
 * address blocks finds a short list that holds every intersecting rule (it may hold more: a
 * rule that intersects nothing changes nothing), and first match then runs on Q alone with the
 * set algebra: the packets of Q not yet judged, rule by rule, until a deny holds one of them
 * (not covered) or none is left; each rule's packets are taken only within the question's
 * addresses and services, since no other packet is asked about. The cost per question is the size of its neighbourhood, not of
 * the ruleset.
 */
import { PacketUniverse, type AclRule, type Gate, type PacketSet, type Policy } from '../../analysis/index.js';
import { intersectSets, intervals, isEmptySet, type AddressSet, type ServiceEntry, type ServiceSet } from '../../ir/index.js';

/** Address blocks of the index: /16 for IPv4, /48 for IPv6. */
const SHIFT = { 4: 16n, 6: 80n } as const;
/** A range over more blocks than this is not indexed by block (it is listed as wide). */
const MAX_BLOCKS = 64n;

type Blocks = string[] | 'wide';

/** The index blocks of a set's addresses, or `wide` when there are too many (or opaque roles). */
function blocks(set: AddressSet): Blocks {
  if (set.opaque.length > 0) return 'wide';
  const out: string[] = [];
  const add = (family: 4 | 6, lo: bigint, hi: bigint): boolean => {
    const first = lo >> SHIFT[family];
    const last = hi >> SHIFT[family];
    if (last - first >= MAX_BLOCKS) return false;
    for (let b = first; b <= last; b++) out.push(`${family}:${b}`);
    return true;
  };
  for (const [lo, hi] of set.v4) if (!add(4, BigInt(lo), BigInt(hi))) return 'wide';
  for (const [lo, hi] of set.v6) if (!add(6, lo, hi)) return 'wide';
  return out;
}

/** The rules of one gate by the address blocks of one side (source or destination). */
class SideIndex {
  readonly #byBlock = new Map<string, number[]>();
  readonly #wide: number[] = [];

  constructor(sets: readonly AddressSet[]) {
    sets.forEach((set, i) => {
      const bs = blocks(set);
      if (bs === 'wide') {
        this.#wide.push(i);
        return;
      }
      for (const b of new Set(bs)) {
        let list = this.#byBlock.get(b);
        if (!list) this.#byBlock.set(b, (list = []));
        list.push(i);
      }
    });
  }

  /** Rules that may hold an address of `set` on this side, in rule order; undefined: any rule may. */
  candidates(set: AddressSet): number[] | undefined {
    const bs = blocks(set);
    if (bs === 'wide') return undefined;
    const found = new Set<number>(this.#wide);
    for (const b of bs) for (const i of this.#byBlock.get(b) ?? []) found.add(i);
    return [...found].sort((a, b) => a - b);
  }
}

/** The services in both sets (entries are one per protocol; no ports: every port or type). */
function commonServices(a: ServiceSet, b: ServiceSet): ServiceSet {
  if (a.any) return b;
  if (b.any) return a;
  const entries: ServiceEntry[] = [];
  for (const x of a.entries) {
    for (const y of b.entries) {
      if (x.protocol !== y.protocol) continue;
      if (x.ports === undefined || y.ports === undefined) {
        const ports = x.ports ?? y.ports;
        entries.push(ports === undefined ? { protocol: x.protocol } : { protocol: x.protocol, ports });
      } else {
        const ports = intervals.intersect(x.ports, y.ports);
        if (ports.length > 0) entries.push({ protocol: x.protocol, ports });
      }
    }
  }
  return { any: false, entries };
}

const noServices = (s: ServiceSet): boolean => !s.any && s.entries.length === 0;

/** The rules in both sorted lists (undefined: every rule). */
function both(a: number[] | undefined, b: number[] | undefined): number[] | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out.push(a[i]!);
      i++;
      j++;
    }
  }
  return out;
}

/** A rule cut down to the packets of one question (the only ones it is asked about). */
interface Near {
  readonly rule: AclRule;
  readonly source: AddressSet;
  readonly destination: AddressSet;
  readonly services: ServiceSet;
}

/** A gate's rules, indexed to find those that can match packets of a question. */
class GateIndex {
  readonly #sources: SideIndex;
  readonly #destinations: SideIndex;

  constructor(readonly gate: Gate) {
    this.#sources = new SideIndex(gate.rules.map((r) => r.source));
    this.#destinations = new SideIndex(gate.rules.map((r) => r.destination));
  }

  /** The rules, in order, that hold some packet from `source` to `destination` with `services`. */
  near(source: AddressSet, destination: AddressSet, services: ServiceSet): Near[] {
    const rules = this.gate.rules;
    const list = both(this.#destinations.candidates(destination), this.#sources.candidates(source)) ?? rules.map((_, i) => i);
    const out: Near[] = [];
    for (const i of list) {
      const rule = rules[i]!;
      const common = commonServices(rule.services, services);
      if (noServices(common)) continue;
      const d = intersectSets(rule.destination, destination);
      if (isEmptySet(d)) continue;
      const s = intersectSets(rule.source, source);
      if (!isEmptySet(s)) out.push({ rule, source: s, destination: d, services: common });
    }
    return out;
  }
}

export class Coverage {
  readonly #universe: PacketUniverse;
  readonly #gates: readonly GateIndex[];

  constructor(readonly policy: Policy) {
    this.#universe = new PacketUniverse(policy.opaqueRoles);
    this.#gates = policy.gates.map((g) => new GateIndex(g));
  }

  /** Whether the policy permits every valid packet from `source` to `destination` with `services`. */
  covers(source: AddressSet, destination: AddressSet, services: ServiceSet): boolean {
    const wanted = this.#universe.product(source, destination, services);
    return this.#gates.every((g) => this.#passes(g, wanted, source, destination, services));
  }

  /**
   * Whether a gate lets every packet of `wanted` through: first match over the packets still
   * unjudged, each rule's packets taken only within the question's addresses.
   */
  #passes(index: GateIndex, wanted: PacketSet, source: AddressSet, destination: AddressSet, services: ServiceSet): boolean {
    const u = this.#universe;
    let open = index.gate.scope.kind === 'all' ? wanted : wanted.intersect(this.#scope(index.gate, source, destination));
    for (const near of index.near(source, destination, services)) {
      if (open.isEmpty()) return true;
      const matched = u.product(near.source, near.destination, near.services);
      if (near.rule.action === 'deny' && !open.intersect(matched).isEmpty()) return false;
      open = open.minus(matched);
    }
    return open.isEmpty() || index.gate.fallback === 'allow';
  }

  /** The packets of a question a gate judges (outside its scope it lets everything through). */
  #scope(gate: Gate, source: AddressSet, destination: AddressSet): PacketSet {
    const s = gate.scope;
    const any: ServiceSet = { any: true, entries: [] };
    if (s.kind === 'all') return this.#universe.product(source, destination, any);
    return s.kind === 'destination'
      ? this.#universe.product(source, intersectSets(destination, s.addresses), any)
      : this.#universe.product(intersectSets(source, s.addresses), destination, any);
  }
}
