/**
 * Per-rule facts for lint, exact. Inside each cell of each destination segment (see gates.ts) a
 * rule either holds all of it or none; there, over source sets, a rule:
 *
 * - matches the valid sources it names,
 * - decides (reaches) the ones no earlier rule matched,
 * - matters when the rules after it (and the fallback) would decide some of those differently.
 *
 * A rule that matches but reaches nothing anywhere is shadowed; one that reaches but never
 * matters is redundant. Covering and taking-over rules are found only for those.
 */
import { intersectSets, isEmptySet, isSubsetOf, subtractSets, unionSets, type AddressSet } from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';
import type { Cell, GateAnalysis } from '../gates.js';
import type { Kind } from '../sets.js';

export interface RuleFacts {
  matches: boolean;
  reaches: boolean;
  matters: boolean;
  /** For a shadowed rule: the earlier rules that cover it (indices into the gate's rules). */
  readonly coveredBy: Set<number>;
  /** For a redundant rule: the later rules (or -1, the fallback) that decide its packets instead. */
  readonly takenOverBy: Set<number>;
  /** Where the rule decides something: protocols and ports of cells. */
  readonly reach: { readonly protocols: readonly Range<number>[]; readonly lo: number; readonly hi: number }[];
}

/** Number of ends in a set (for choosing the largest overlap first). */
function size(s: AddressSet): bigint {
  let n = BigInt(s.opaque.length);
  for (const [lo, hi] of s.v4) n += BigInt(hi - lo + 1);
  for (const [lo, hi] of s.v6) n += hi - lo + 1n;
  return n;
}

/** A distinct cell to look at again for the covering and taking-over rules. */
interface CellWork {
  readonly cell: Cell;
  readonly kind: Kind;
  /** The protocol class of the cell's valid sources (see `GateAnalysis.validSources`). */
  readonly protocol: number;
}

/**
 * `own` rules come first in the gate (the ruleset's); the rest (the defaults) only need to know
 * where they match and reach, which spares the set arithmetic on their large sources.
 *
 * Two passes: the first finds, cell by cell, what every rule matches, reaches and whether it
 * matters, keeping nothing of a cell but where it is; the second looks again only at the cells
 * of the rules found shadowed or redundant, to name the rules that cover them or take them over.
 */
export function ruleFacts(gate: GateAnalysis, own: number = gate.gate.rules.length): RuleFacts[] {
  const u = gate.universe;
  const rules = gate.gate.rules;
  const facts: RuleFacts[] = rules.map(() => ({ matches: false, reaches: false, matters: false, coveredBy: new Set(), takenOverBy: new Set(), reach: [] }));
  const work: CellWork[] = [];
  const segmentsDone = new Set<string>();
  // Per distinct cell (rules and valid sources): the rules that decide something there.
  const cellsDone = new Map<string, number[]>();
  // What a default matches beyond the defaults before it in a cell, by class and defaults (few).
  const beyond = new Map<string, AddressSet>();
  const defaultResidue = (kind: Kind, p: number, defaults: readonly number[], at: number): AddressSet => {
    const key = `${kind}:${p}:${defaults.slice(0, at + 1).join(',')}`;
    let set = beyond.get(key);
    if (!set) {
      set = gate.validSources(defaults[at]!, kind, p);
      for (let n = 0; n < at; n++) set = subtractSets(set, gate.validSources(defaults[n]!, kind, p));
      beyond.set(key, set);
    }
    return set;
  };
  for (const segment of gate.segments) {
    if (segment.rules.length === 0) continue;
    const segmentKey = `${segment.kind}:${segment.rules.join(',')}`;
    if (segmentsDone.has(segmentKey)) continue;
    segmentsDone.add(segmentKey);
    for (const cell of gate.cells(segment.rules)) {
      if (cell.rules.length === 0) continue;
      const p = protocolClass(cell);
      // The same rules with the same valid sources give the same facts (cells holding only the
      // defaults repeat in every segment).
      const cellKey = `${segment.kind}:${p}:${cell.rules.join(',')}`;
      const reaching = cellsDone.get(cellKey);
      if (reaching) {
        // Same facts as before, but these protocols and ports are reached too.
        for (const i of reaching) facts[i]!.reach.push(cell);
        continue;
      }
      const reachingHere: number[] = [];
      cellsDone.set(cellKey, reachingHere);
      const kind = segment.kind as Kind;
      if (isEmptySet(u.validSources(kind, p))) continue;
      work.push({ cell, kind, protocol: p });
      // What the rules after each position (and the fallback) permit: the cell's suffix folds.
      const after = gate.suffixFolds(kind, p, cell.rules);
      // What the own rules before the current position match (rule indices only grow along a
      // cell, so the defaults come after every own rule).
      let earlier: AddressSet = { v4: [], v6: [], opaque: [] };
      const defaults: number[] = [];
      const last = cell.rules.length - 1;
      cell.rules.forEach((i, k) => {
        const f = facts[i]!;
        const m = gate.validSources(i, kind, p);
        if (isEmptySet(m)) return;
        f.matches = true;
        if (i >= own) {
          // It reaches unless the earlier rules cover it: m ⊆ earlier ∪ D ⇔ m \ D ⊆ earlier,
          // with D what the earlier defaults match.
          defaults.push(i);
          if (!isSubsetOf(defaultResidue(kind, p, defaults, defaults.length - 1), earlier)) {
            f.reaches = true;
            f.reach.push(cell);
            reachingHere.push(i);
          }
          return;
        }
        const reach = subtractSets(m, earlier);
        if (!isEmptySet(reach)) {
          f.reaches = true;
          f.reach.push(cell);
          reachingHere.push(i);
          const allow = rules[i]!.action === 'allow';
          const otherwise = allow ? subtractSets(reach, after[k + 1]!) : intersectSets(reach, after[k + 1]!);
          if (!isEmptySet(otherwise)) f.matters = true;
        }
        if (k < last) earlier = unionSets(earlier, m);
      });
    }
  }
  // Shadowed rules: the earlier rules that cover them, largest overlap first (Batfish's choice).
  // Redundant rules: the later rules that decide their packets instead.
  const flagged = (i: number): boolean => i < own && facts[i]!.matches && !(facts[i]!.reaches && facts[i]!.matters);
  for (const { cell, kind, protocol } of work) {
    if (!cell.rules.some(flagged)) continue;
    const matched = cell.rules.map((i) => gate.validSources(i, kind, protocol));
    let lastFlagged = cell.rules.length - 1;
    while (!flagged(cell.rules[lastFlagged]!)) lastFlagged--;
    // What the rules before the current position match.
    let earlier: AddressSet = { v4: [], v6: [], opaque: [] };
    cell.rules.forEach((i, k) => {
      const f = facts[i]!;
      const m = matched[k]!;
      const before = earlier;
      if (k < lastFlagged) earlier = unionSets(earlier, m);
      if (isEmptySet(m) || !flagged(i)) return;
      if (!f.reaches) {
        const candidates = cell.rules
          .slice(0, k)
          .map((j, n) => ({ j, overlap: intersectSets(m, matched[n]!) }))
          .filter((c) => !isEmptySet(c.overlap))
          .map((c) => ({ ...c, size: size(c.overlap) }))
          .sort((x, y) => (x.size > y.size ? -1 : x.size < y.size ? 1 : x.j - y.j));
        let left = m;
        for (const c of candidates) {
          if (isEmptySet(left)) break;
          if (isEmptySet(intersectSets(left, c.overlap))) continue;
          f.coveredBy.add(c.j);
          left = subtractSets(left, c.overlap);
        }
      } else {
        let left = subtractSets(m, before);
        for (let n = k + 1; n < cell.rules.length && !isEmptySet(left); n++) {
          if (isEmptySet(intersectSets(left, matched[n]!))) continue;
          f.takenOverBy.add(cell.rules[n]!);
          left = subtractSets(left, matched[n]!);
        }
        if (!isEmptySet(left)) f.takenOverBy.add(-1);
      }
    });
  }
  return facts;
}

/** The protocol a cell's valid sources depend on: ICMP, ICMPv6, or any other (0). */
function protocolClass(cell: Cell): number {
  const p = cell.protocols.length === 1 && cell.protocols[0]![0] === cell.protocols[0]![1] ? cell.protocols[0]![0] : 0;
  return p === 1 || p === 58 ? p : 0;
}
