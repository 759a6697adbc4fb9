/**
 * Which rules concern which role: for each role, the rules whose destination (or source)
 * shares an address with the role's addresses, in rule order. Host targets lower one table per
 * role; without this index each role would visit every rule (rules × roles), with it each rule
 * visits only the roles it touches.
 */
import { type AddressSet, type Role, type Rule, type Ruleset } from '../ir/index.js';

interface RoleRange {
  readonly lo: bigint;
  readonly hi: bigint;
  readonly role: number;
}

/** Sorted role ranges of one family, with the running maximum of their upper ends. */
class RangeIndex {
  readonly #ranges: RoleRange[];
  readonly #maxHi: bigint[] = [];

  constructor(ranges: RoleRange[]) {
    this.#ranges = ranges.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.role - b.role));
    let max = -1n;
    for (const r of this.#ranges) this.#maxHi.push((max = r.hi > max ? r.hi : max));
  }

  /** Adds to `out` the roles with a range meeting [lo, hi]. */
  collect(lo: bigint, hi: bigint, out: Set<number>): void {
    const ranges = this.#ranges;
    // The last range starting at or before hi; ranges after it start too late.
    let a = 0;
    let b = ranges.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (ranges[m]!.lo <= hi) a = m + 1;
      else b = m;
    }
    for (let i = a - 1; i >= 0 && this.#maxHi[i]! >= lo; i--) {
      if (ranges[i]!.hi >= lo) out.add(ranges[i]!.role);
    }
  }
}

const built = new WeakMap<Ruleset, RoleIndex>();

export class RoleIndex {
  /** The index of a ruleset, built once (the IR is immutable). */
  static of(ir: Ruleset): RoleIndex {
    let index = built.get(ir);
    if (!index) built.set(ir, (index = new RoleIndex(ir)));
    return index;
  }

  readonly #byDestination: Map<Role, Rule[]>;
  readonly #bySource: Map<Role, Rule[]>;

  constructor(ir: Ruleset) {
    const v4: RoleRange[] = [];
    const v6: RoleRange[] = [];
    ir.roles.forEach((role, i) => {
      for (const [lo, hi] of role.addresses?.v4 ?? []) v4.push({ lo: BigInt(lo), hi: BigInt(hi), role: i });
      for (const [lo, hi] of role.addresses?.v6 ?? []) v6.push({ lo, hi, role: i });
    });
    const index = { v4: new RangeIndex(v4), v6: new RangeIndex(v6) };
    // Opaque members: a role without addresses, and any role whose addresses include it.
    const byOpaque = new Map<string, number[]>();
    ir.roles.forEach((role, i) => {
      for (const name of role.addresses?.opaque ?? [role.name]) byOpaque.set(name, [...(byOpaque.get(name) ?? []), i]);
    });
    const roles = (set: AddressSet): Set<number> => {
      const out = new Set<number>();
      for (const [lo, hi] of set.v4) index.v4.collect(BigInt(lo), BigInt(hi), out);
      for (const [lo, hi] of set.v6) index.v6.collect(lo, hi, out);
      for (const name of set.opaque) for (const i of byOpaque.get(name) ?? []) out.add(i);
      return out;
    };
    this.#byDestination = new Map(ir.roles.map((r) => [r, []]));
    this.#bySource = new Map(ir.roles.map((r) => [r, []]));
    for (const rule of ir.rules) {
      for (const i of roles(rule.destination.addresses)) this.#byDestination.get(ir.roles[i]!)!.push(rule);
      for (const i of roles(rule.source.addresses)) this.#bySource.get(ir.roles[i]!)!.push(rule);
    }
  }

  /** The rules whose destination meets the role's addresses, in rule order. */
  to(role: Role): readonly Rule[] {
    return this.#byDestination.get(role) ?? [];
  }

  /** The rules whose source meets the role's addresses, in rule order. */
  from(role: Role): readonly Rule[] {
    return this.#bySource.get(role) ?? [];
  }
}
