/**
 * Policy → the exact set of permitted packets, as a BDD.
 *
 * A gate's rules are split by destination: the destination line (IPv4, IPv6, opaque roles) is cut
 * at every rule's destination boundaries into segments, and segments that the same rules cover
 * form an atom. Inside an atom every rule's destination either holds the whole atom or none of
 * it, so the first-match fold there only involves source, protocol and port; the gate is then a
 * trie over the destination bits with each atom's fold at its leaves. Folds are memoised by their
 * rules' content, so two policies that differ in a few rules (a diff against a 1% edit) share
 * all the rest.
 */
import type { AddressSet } from '../ir/index.js';
import { FALSE, TRUE, type Node } from './bdd.js';
import {
  DST_KIND,
  DST_VALUE,
  KIND_OPAQUE,
  KIND_V4,
  KIND_V6,
  KIND_WIDTH,
  type Kind,
  type PacketSpace,
} from './encoding.js';
import type { Gate, Policy } from './policy.js';

/** A run of destinations [lo, hi] of one kind, and the rules (by index) whose destination holds it. */
export interface Segment {
  readonly kind: Kind;
  readonly lo: bigint;
  readonly hi: bigint;
  readonly rules: readonly number[];
}

const KINDS: readonly Kind[] = [KIND_V4, KIND_V6, KIND_OPAQUE];

function setKey(s: AddressSet): string {
  const r = (rs: readonly (readonly [bigint, bigint])[]): string => rs.map(([a, b]) => `${a}-${b}`).join(',');
  return `${r(s.v4)}|${r(s.v6)}|${s.opaque.join(',')}`;
}

/** Per-space caches shared by every policy analysed in it. */
class SpaceCache {
  readonly src = new Map<string, Node>();
  readonly dst = new Map<string, Node>();
  readonly folds = new Map<string, Node>();
}
const caches = new WeakMap<PacketSpace, SpaceCache>();
function cacheOf(space: PacketSpace): SpaceCache {
  let c = caches.get(space);
  if (!c) caches.set(space, (c = new SpaceCache()));
  return c;
}

export function sourceNode(space: PacketSpace, set: AddressSet): Node {
  const cache = cacheOf(space).src;
  const key = setKey(set);
  let n = cache.get(key);
  if (n === undefined) cache.set(key, (n = space.addresses('src', set)));
  return n;
}

export function destinationNode(space: PacketSpace, set: AddressSet): Node {
  const cache = cacheOf(space).dst;
  const key = setKey(set);
  let n = cache.get(key);
  if (n === undefined) cache.set(key, (n = space.addresses('dst', set)));
  return n;
}

/** The ranges of a set for one kind, in that kind's units (opaque roles by index). */
function kindRanges(space: PacketSpace, set: AddressSet, kind: Kind): (readonly [bigint, bigint])[] {
  if (kind === KIND_V4) return [...set.v4];
  if (kind === KIND_V6) return [...set.v6];
  const indices = set.opaque
    .map((n) => space.opaqueIndex(n))
    .filter((i): i is number => i !== undefined)
    .sort((a, b) => a - b);
  return indices.map((i) => [BigInt(i), BigInt(i)] as const);
}

/** The analysis of one gate: its segments, per-rule match nodes and its ACL as a BDD. */
export class GateAnalysis {
  readonly segments: readonly Segment[];
  /** Per rule: source ∧ services (the match inside any atom its destination holds). */
  readonly local: readonly Node[];
  #acl: Node | undefined;

  constructor(
    readonly space: PacketSpace,
    readonly gate: Gate,
  ) {
    const b = space.bdd;
    this.local = gate.rules.map((r) => b.and(space.services(r.services), sourceNode(space, r.source)));
    this.segments = this.#segment();
  }

  #segment(): Segment[] {
    const out: Segment[] = [];
    for (const kind of KINDS) {
      const max = (1n << BigInt(KIND_WIDTH[kind])) - 1n;
      const perRule = this.gate.rules.map((r) => kindRanges(this.space, r.destination, kind));
      const cuts = new Set<bigint>([0n]);
      for (const ranges of perRule) {
        for (const [lo, hi] of ranges) {
          cuts.add(lo);
          if (hi < max) cuts.add(hi + 1n);
        }
      }
      const starts = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const lists: number[][] = starts.map(() => []);
      const find = (x: bigint): number => {
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (starts[mid]! <= x) lo = mid;
          else hi = mid - 1;
        }
        return lo;
      };
      perRule.forEach((ranges, rule) => {
        for (const [lo, hi] of ranges) {
          for (let i = find(lo), last = find(hi); i <= last; i++) lists[i]!.push(rule);
        }
      });
      starts.forEach((lo, i) => {
        const hi = i + 1 < starts.length ? starts[i + 1]! - 1n : max;
        out.push({ kind, lo, hi, rules: lists[i]! });
      });
    }
    return out;
  }

  /** The first-match verdicts (allowed packets) for the given rules, over source, protocol and port. */
  fold(rules: readonly number[]): Node {
    const key = `${this.gate.fallback}:${rules.map((i) => `${this.gate.rules[i]!.action === 'allow' ? 'a' : 'd'}${this.local[i]}`).join(',')}`;
    const folds = cacheOf(this.space).folds;
    const known = folds.get(key);
    if (known !== undefined) return known;
    const b = this.space.bdd;
    let p = this.gate.fallback === 'allow' ? TRUE : FALSE;
    for (let k = rules.length - 1; k >= 0; k--) {
      const i = rules[k]!;
      p = this.gate.rules[i]!.action === 'allow' ? b.or(this.local[i]!, p) : b.diff(p, this.local[i]!);
    }
    folds.set(key, p);
    return p;
  }

  /** The packets this gate's ACL allows (whatever its scope). */
  acl(): Node {
    if (this.#acl === undefined) this.#acl = destinationTrie(this.space, this.segments.map((s) => ({ ...s, node: this.fold(s.rules) })));
    return this.#acl;
  }

  /** The packets in this gate's scope. */
  scope(): Node {
    const s = this.gate.scope;
    if (s.kind === 'all') return TRUE;
    return s.kind === 'destination' ? destinationNode(this.space, s.addresses) : sourceNode(this.space, s.addresses);
  }

  /** The segments whose destinations overlap [lo, hi] of a kind (binary search: segments are in order). */
  segmentsIn(kind: Kind, lo: bigint, hi: bigint): Segment[] {
    const segs = this.segments;
    let a = 0;
    let z = segs.length - 1;
    while (a < z) {
      const mid = (a + z) >> 1;
      const s = segs[mid]!;
      if (s.kind < kind || (s.kind === kind && s.hi < lo)) a = mid + 1;
      else z = mid;
    }
    const out: Segment[] = [];
    for (let i = a; i < segs.length && segs[i]!.kind === kind && segs[i]!.lo <= hi; i++) out.push(segs[i]!);
    return out;
  }
}

/**
 * A BDD over the destination that is `node` of the segment holding the destination. The
 * segments of each kind must cover that kind's whole line, in order.
 */
export function destinationTrie(space: PacketSpace, segments: readonly (Segment & { readonly node: Node })[]): Node {
  const b = space.bdd;
  const perKind = (kind: Kind): Node => {
    const segs = segments.filter((s) => s.kind === kind);
    if (segs.length === 0) return FALSE;
    const width = KIND_WIDTH[kind];
    const rec = (depth: number, base: bigint, i0: number, i1: number): Node => {
      if (i0 === i1) return segs[i0]!.node;
      const mid = base + (1n << BigInt(width - depth - 1));
      // The last segment starting below mid ends the left half; the first ending at or past mid starts the right.
      let iL = i0;
      while (iL < i1 && segs[iL + 1]!.lo < mid) iL++;
      let iR = iL;
      if (segs[iR]!.hi < mid) iR++;
      return b.mk(DST_VALUE + depth, rec(depth + 1, base, i0, iL), rec(depth + 1, mid, iR, i1));
    };
    return rec(0, 0n, 0, segs.length - 1);
  };
  return b.mk(DST_KIND, b.mk(DST_KIND + 1, perKind(KIND_V4), perKind(KIND_V6)), b.mk(DST_KIND + 1, perKind(KIND_OPAQUE), FALSE));
}

/** The analysis of a whole policy: its gates, its domain and the packets it permits. */
export class PolicyAnalysis {
  readonly gates: readonly GateAnalysis[];
  #permitted: Node | undefined;

  constructor(
    readonly space: PacketSpace,
    readonly policy: Policy,
  ) {
    this.gates = policy.gates.map((g) => new GateAnalysis(space, g));
  }

  /** The packets the policy judges: every packet for a ruleset; for an artifact, its gates' scopes. */
  domain(): Node {
    return this.gates.reduce((acc, g) => this.space.bdd.or(acc, g.scope()), FALSE);
  }

  /** The valid packets the policy permits (those outside every gate's scope included). */
  permitted(): Node {
    if (this.#permitted === undefined) {
      const b = this.space.bdd;
      this.#permitted = this.gates.reduce((acc, g) => b.and(acc, b.ite(g.scope(), g.acl(), TRUE)), this.space.valid);
    }
    return this.#permitted;
  }
}
