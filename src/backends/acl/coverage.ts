/**
 * "Does the ruleset already permit every one of these packets?", answered exactly without
 * building the ruleset's whole permitted set.
 *
 * A packet is judged by the first rule that holds it, so the verdicts on a set of packets Q
 * depend only on the rules that intersect Q: a policy reduced to those rules (same gates,
 * scopes, order and fallbacks) permits exactly the same packets of Q. An index of the rules'
 * address ranges finds those whose source and destination overlap Q's (a rule whose services
 * miss Q's is dropped next), and first match then runs on Q alone with the
 * set algebra: the packets of Q not yet judged, rule by rule, until a deny holds one of them
 * (not covered) or none is left; each rule's packets are taken only within the question's
 * addresses and services, since no other packet is asked about. The cost per question is the
 * size of its neighbourhood, not of the ruleset.
 */
import { PacketUniverse, type AclRule, type Gate, type PacketSet, type Policy } from '../../analysis/index.js';
import { intersectSets, intervals, isEmptySet, type AddressSet, type ServiceEntry, type ServiceSet } from '../../ir/index.js';

type Bound = number | bigint;

/**
 * Ranges of one family grouped by size class (class c: hi - lo < 2^c), each class sorted by
 * start. A range of class c that overlaps [lo, hi] starts in [lo - 2^c + 1, hi], so each class
 * is one binary search and a scan over ranges that nearly all overlap.
 */
class RangeIndex<T extends Bound> {
  readonly #classes = new Map<number, { starts: T[]; ends: T[]; rules: number[] }>();

  constructor(
    entries: readonly { readonly lo: T; readonly hi: T; readonly rule: number }[],
    widthOf: (lo: T, hi: T) => number,
    private readonly below: (x: T, bits: number) => T,
  ) {
    const byClass = new Map<number, { lo: T; hi: T; rule: number }[]>();
    for (const e of entries) {
      const c = widthOf(e.lo, e.hi);
      let list = byClass.get(c);
      if (!list) byClass.set(c, (list = []));
      list.push(e);
    }
    for (const [c, list] of byClass) {
      list.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.rule - b.rule));
      this.#classes.set(c, { starts: list.map((e) => e.lo), ends: list.map((e) => e.hi), rules: list.map((e) => e.rule) });
    }
  }

  /** Adds to `out` every rule with a range overlapping [lo, hi] (a rule may come more than once). */
  overlapping(lo: T, hi: T, out: number[]): void {
    for (const [c, { starts, ends, rules }] of this.#classes) {
      const from = this.below(lo, c);
      let a = 0;
      let z = starts.length;
      while (a < z) {
        const m = (a + z) >> 1;
        if (starts[m]! < from) a = m + 1;
        else z = m;
      }
      for (let k = a; k < starts.length && starts[k]! <= hi; k++) if (ends[k]! >= lo) out.push(rules[k]!);
    }
  }
}

/** Bits needed for hi - lo (the size class of a range). */
const v4Width = (lo: number, hi: number): number => (hi === lo ? 0 : (hi - lo).toString(2).length);
const v6Width = (lo: bigint, hi: bigint): number => (hi === lo ? 0 : (hi - lo).toString(2).length);
/** The lowest start a range of class `bits` can have and still reach x. */
const v4Below = (x: number, bits: number): number => x - 2 ** bits + 1;
const v6Below = (x: bigint, bits: number): bigint => x - (1n << BigInt(bits)) + 1n;

/** The rules of one gate by the addresses of one side (source or destination). */
class SideIndex {
  readonly #v4: RangeIndex<number>;
  readonly #v6: RangeIndex<bigint>;
  /** Rules with opaque roles on this side: kept as candidates for every question. */
  readonly #opaque: number[] = [];

  constructor(sets: readonly AddressSet[], remember: boolean) {
    this.#known = remember ? new WeakMap() : undefined;
    const v4: { lo: number; hi: number; rule: number }[] = [];
    const v6: { lo: bigint; hi: bigint; rule: number }[] = [];
    sets.forEach((set, rule) => {
      for (const [lo, hi] of set.v4) v4.push({ lo, hi, rule });
      for (const [lo, hi] of set.v6) v6.push({ lo, hi, rule });
      if (set.opaque.length > 0) this.#opaque.push(rule);
    });
    this.#v4 = new RangeIndex(v4, v4Width, v4Below);
    this.#v6 = new RangeIndex(v6, v6Width, v6Below);
  }

  /**
   * Candidate lists by question set, when this side keeps them: a reply question's source is
   * its rule's destination, one of a few hundred role sets asked again and again, while its
   * destination is one of tens of thousands of source sets (kept, their lists outweigh the saving).
   */
  readonly #known: WeakMap<AddressSet, Uint32Array> | undefined;

  /** The rules whose addresses on this side overlap `set` (and those with opaque roles), in rule order, perhaps repeated. */
  candidates(set: AddressSet): Uint32Array {
    let list = this.#known?.get(set);
    if (list) return list;
    const found = [...this.#opaque];
    for (const [lo, hi] of set.v4) this.#v4.overlapping(lo, hi, found);
    for (const [lo, hi] of set.v6) this.#v6.overlapping(lo, hi, found);
    // A typed array sorts numerically without a comparator; `both` skips the repeats.
    list = Uint32Array.from(found).sort();
    this.#known?.set(set, list);
    return list;
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

/** The rules in both sorted lists (which may repeat a rule), once each. */
function both(a: Uint32Array, b: Uint32Array): number[] {
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      if (out[out.length - 1] !== a[i]) out.push(a[i]!);
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
    this.#sources = new SideIndex(gate.rules.map((r) => r.source), true);
    this.#destinations = new SideIndex(gate.rules.map((r) => r.destination), false);
  }

  /** The rules, in order, whose addresses on both sides overlap the question's (each once). */
  candidates(source: AddressSet, destination: AddressSet): number[] {
    return both(this.#destinations.candidates(destination), this.#sources.candidates(source));
  }

  /**
   * Rule `i` cut down to the question, or undefined when it holds no packet of it. Worked out
   * one candidate at a time: first match mostly decides at the first or second.
   */
  near(i: number, source: AddressSet, destination: AddressSet, services: ServiceSet): Near | undefined {
    const rule = this.gate.rules[i]!;
    const common = commonServices(rule.services, services);
    if (noServices(common)) return undefined;
    const d = intersectSets(rule.destination, destination);
    if (isEmptySet(d)) return undefined;
    const s = intersectSets(rule.source, source);
    return isEmptySet(s) ? undefined : { rule, source: s, destination: d, services: common };
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
    let wanted: PacketSet | undefined;
    const question = (): PacketSet => (wanted ??= this.#universe.product(source, destination, services));
    return this.#gates.every((g) => this.#passes(g, question, source, destination, services));
  }

  /**
   * Whether a gate lets every packet of the question through: first match over the packets still
   * unjudged, each rule's packets taken only within the question's addresses. Each rule's part
   * lies within the question, so until a rule has judged some packet the unjudged packets are
   * the whole question: a deny that holds any packet answers "no" without building it (the
   * usual answer: replies mostly meet a deny first).
   */
  #passes(index: GateIndex, question: () => PacketSet, source: AddressSet, destination: AddressSet, services: ServiceSet): boolean {
    const u = this.#universe;
    // undefined: nothing judged yet, every packet of the question (a gate over all packets).
    let open = index.gate.scope.kind === 'all' ? undefined : question().intersect(this.#scope(index.gate, source, destination));
    for (const i of index.candidates(source, destination)) {
      if (open?.isEmpty()) return true;
      const near = index.near(i, source, destination, services);
      if (near === undefined) continue;
      const matched = u.product(near.source, near.destination, near.services);
      if (near.rule.action === 'deny' && !(open === undefined ? matched : open.intersect(matched)).isEmpty()) return false;
      if (open === undefined && matched.isEmpty()) continue;
      open = (open ?? question()).minus(matched);
    }
    return index.gate.fallback === 'allow' || (open ?? question()).isEmpty();
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
