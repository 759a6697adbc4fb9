/**
 * Per-rule facts for lint, exact: for every destination atom a rule's destination holds, which
 * of its packets it matches at all, which it decides (reach: matched by no earlier rule), and
 * whether deciding them differently would change anything (the rules after it, and the
 * defaults, decide the same way).
 */
import { FALSE, TRUE, type Node } from '../bdd.js';
import { DST_VALUE, KIND_WIDTH, PROTO, VALUE_BITS, type Kind, type PacketSpace } from '../encoding.js';
import type { GateAnalysis } from '../permitted.js';

export interface RuleFacts {
  /** Some valid packet matches the rule (rules that match none are reported by PAL5001/PAL5002). */
  matches: boolean;
  /** The rule decides some packet (it is not shadowed). */
  reaches: boolean;
  /** Removing the rule changes the verdict of some packet. */
  matters: boolean;
  /** For a shadowed rule: the earlier rules that cover it (indices into the gate's rules). */
  coveredBy: Set<number>;
  /** For a redundant rule: the later rules (or -1, the fallback) that decide its packets instead. */
  takenOverBy: Set<number>;
  /** The packets the rule decides, over protocol, port and source, per destination kind and segment. */
  readonly reach: { readonly kind: Kind; readonly lo: bigint; readonly hi: bigint; readonly node: Node }[];
}

/** `node` with the destination fixed to the first address of [kind, lo]: a walk down the top of the order. */
export function atDestination(space: PacketSpace, node: Node, kind: Kind, lo: bigint): Node {
  const b = space.bdd;
  const value = lo << BigInt(VALUE_BITS - KIND_WIDTH[kind]);
  while (node > TRUE && b.varOf(node) < PROTO) {
    const v = b.varOf(node);
    const bit = v < DST_VALUE ? (kind >> (1 - v)) & 1 : Number((value >> BigInt(VALUE_BITS - 1 - (v - DST_VALUE))) & 1n);
    node = bit ? b.high(node) : b.low(node);
  }
  return node;
}

export function ruleFacts(gate: GateAnalysis): RuleFacts[] {
  const space = gate.space;
  const b = space.bdd;
  const rules = gate.gate.rules;
  const facts: RuleFacts[] = rules.map(() => ({
    matches: false,
    reaches: false,
    matters: false,
    coveredBy: new Set(),
    takenOverBy: new Set(),
    reach: [],
  }));
  const done = new Set<string>();
  for (const segment of gate.segments) {
    if (segment.rules.length === 0) continue;
    const valid = atDestination(space, space.valid, segment.kind, segment.lo);
    const key = `${segment.kind}:${valid}:${segment.rules.join(',')}`;
    // The same rules over the same valid packets give the same facts.
    if (done.has(key)) continue;
    done.add(key);
    const list = segment.rules;
    const matched = list.map((i) => b.and(gate.local[i]!, valid));
    // Suffix folds: what the rules after position k (and the fallback) permit.
    const after: Node[] = new Array<Node>(list.length + 1);
    after[list.length] = gate.gate.fallback === 'allow' ? valid : FALSE;
    for (let k = list.length - 1; k >= 0; k--) {
      const allow = rules[list[k]!]!.action === 'allow';
      after[k] = allow ? b.or(matched[k]!, after[k + 1]!) : b.diff(after[k + 1]!, matched[k]!);
    }
    let earlier = FALSE;
    list.forEach((i, k) => {
      const f = facts[i]!;
      const m = matched[k]!;
      const reach = b.diff(m, earlier);
      f.reach.push({ kind: segment.kind, lo: segment.lo, hi: segment.hi, node: reach });
      if (m !== FALSE) f.matches = true;
      if (reach !== FALSE) {
        f.reaches = true;
        const allow = rules[i]!.action === 'allow';
        const otherwise = allow ? b.diff(reach, after[k + 1]!) : b.and(reach, after[k + 1]!);
        if (otherwise !== FALSE) f.matters = true;
      }
      earlier = b.or(earlier, m);
    });
  }
  // Which earlier rules cover each shadowed rule (only those: the search weighs overlaps).
  const coverDone = new Set<string>();
  for (const segment of gate.segments) {
    const list = segment.rules;
    const positions = list.flatMap((i, k) => (facts[i]!.matches && !facts[i]!.reaches ? [k] : []));
    if (positions.length === 0) continue;
    const valid = atDestination(space, space.valid, segment.kind, segment.lo);
    const key = `${segment.kind}:${valid}:${list.join(',')}`;
    if (coverDone.has(key)) continue;
    coverDone.add(key);
    const matched = list.map((i) => b.and(gate.local[i]!, valid));
    for (const k of positions) {
      if (matched[k] === FALSE) continue;
      for (const j of cover(space, matched[k]!, list.slice(0, k), matched.slice(0, k))) facts[list[k]!]!.coveredBy.add(j);
    }
  }
  // Second pass, only where a redundant rule is: which later rules take its packets over.
  for (const segment of gate.segments) {
    const list = segment.rules;
    const positions = list.flatMap((i, k) => (facts[i]!.reaches && !facts[i]!.matters ? [k] : []));
    if (positions.length === 0) continue;
    const valid = atDestination(space, space.valid, segment.kind, segment.lo);
    const matched = list.map((i) => b.and(gate.local[i]!, valid));
    for (const k of positions) {
      // The rule's reach in this segment: its first pass entry for these same rules.
      let left = facts[list[k]!]!.reach.find((r) => r.kind === segment.kind && r.lo === segment.lo)?.node;
      if (left === undefined) continue;
      for (let j = k + 1; j < list.length && left !== FALSE; j++) {
        if (b.and(left, matched[j]!) === FALSE) continue;
        facts[list[k]!]!.takenOverBy.add(list[j]!);
        left = b.diff(left, matched[j]!);
      }
      if (left !== FALSE) facts[list[k]!]!.takenOverBy.add(-1);
    }
  }
  return facts;
}

/** Earlier rules that together cover `m`, largest overlap first (Batfish's blocking-line choice). */
function cover(space: PacketSpace, m: Node, rules: readonly number[], matched: readonly Node[]): number[] {
  const b = space.bdd;
  const candidates = rules
    .map((i, k) => ({ i, overlap: b.and(m, matched[k]!) }))
    .filter((c) => c.overlap !== FALSE)
    .map((c) => ({ ...c, size: b.satCount(c.overlap) }))
    .sort((x, y) => (x.size > y.size ? -1 : x.size < y.size ? 1 : x.i - y.i));
  const out: number[] = [];
  let left = m;
  for (const c of candidates) {
    if (left === FALSE) break;
    if (b.and(left, c.overlap) === FALSE) continue;
    out.push(c.i);
    left = b.diff(left, c.overlap);
  }
  return out;
}
