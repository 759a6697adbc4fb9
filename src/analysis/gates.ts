/**
 * Policy → the exact set of permitted packets, by cells.
 *
 * A gate's destinations are cut at every rule's destination boundaries into segments; inside a
 * segment every rule's destination holds all of it or none. A segment's services are cut at every
 * protocol and port its rules name into cells; inside a cell every rule's services hold all of
 * it or none. So inside a cell, first match is a fold over source sets alone:
 *
 *     permitted = fallback;  for each rule, last to first: allow → src ∪ permitted, deny → permitted \ src
 *
 * which is interval arithmetic, not bit-level work. Folds are memoised by their rules' content,
 * so two policies that differ in a few rules (a diff against a 1% edit) share all the rest.
 */
import { intersectSets, isEmptySet, subtractSets, unionSets, V4_MAX, V6_MAX, type AddressSet } from '../ir/index.js';
import { normalize, type Range } from '../ir/intervals.js';
import type { AclRule, Gate, Policy } from './policy.js';
import { firstReaching, KIND_OPAQUE, KIND_V4, KIND_V6, portDomain, pushDst, pushPort, pushProto, SPECIAL_PROTOCOLS, type DstPiece, type Kind, type PortPiece, type ProtoPiece, type Services } from './sets.js';
import { setKey, type PacketSet, type PacketUniverse } from './universe.js';

export interface Segment {
  readonly kind: Kind;
  readonly lo: bigint;
  readonly hi: bigint;
  /** The rules whose destination holds the segment, in order. */
  readonly rules: readonly number[];
}

/** A cell of a segment's services: some protocols, a port range, and the rules that hold it. */
export interface Cell {
  readonly protocols: readonly Range<number>[];
  readonly lo: number;
  readonly hi: number;
  readonly rules: readonly number[];
}

/**
 * A fold memoised as a trie of rule suffixes: a node is "these rules, in this order, over this
 * start", and its children extend it by one rule at the front. Cells share long suffixes (every
 * cell of a ruleset ends with its defaults), so each distinct suffix is folded once.
 */
interface FoldNode {
  readonly set: AddressSet;
  /** The first child and its key: most nodes have at most one, so a map only holds the others. */
  firstKey: number;
  first: FoldNode | undefined;
  more: Map<number, FoldNode> | undefined;
}

function foldNode(set: AddressSet): FoldNode {
  return { set, firstKey: -1, first: undefined, more: undefined };
}

/** What a gate's analysis derives from its rules alone (gates that share rules share it). */
interface Shape {
  readonly sourceId: readonly number[];
  readonly contentId: readonly number[];
  readonly segments: readonly Segment[];
}

/**
 * How much the memo tables may hold before they are dropped and rebuilt as needed. Dropping
 * never changes an answer, only what is recomputed: walks visit neighbouring segments in turn,
 * and those share most rules, so a bounded memo keeps most of its hits while memory stays
 * proportional to the limit, not to the whole policy (a 100k-rule ruleset's switch ACL has
 * millions of fold nodes, each holding a set of up to hundreds of source ranges).
 */
const FOLD_WEIGHT_LIMIT = 4_000_000;
/** Cells memoised per gate, weighted by the rules they list (a segment of L rules and C cells: up to L × C). */
const CELL_WEIGHT_LIMIT = 2_000_000;
/** Segment services memoised per universe, weighted by their port pieces. */
const SERVICES_WEIGHT_LIMIT = 1_000_000;

/** Per-universe memo tables shared by every policy analysed in it. */
class Memo {
  /** An artifact's gates often share one rule list (an ACL bound in and out): segmented once. */
  readonly shapes = new WeakMap<readonly AclRule[], Shape>();
  readonly sourceIds = new Map<string, number>();
  readonly sources: AddressSet[] = [];
  /** Ids of what a segment's services depend on per rule: action, sources and services. */
  readonly contentIds = new Map<string, number>();
  readonly foldRoots = new Map<string, FoldNode>();
  /** Fold nodes, weighted by the ranges their sets hold, since the trie was last dropped. */
  foldWeight = 0;
  readonly services = new Map<string, Services>();
  servicesWeight = 0;
  /** A source set (by id) intersected with the sources valid for a kind and protocol. */
  readonly validSources = new Map<number, AddressSet>();
}
const memos = new WeakMap<PacketUniverse, Memo>();
function memoOf(u: PacketUniverse): Memo {
  let m = memos.get(u);
  if (!m) memos.set(u, (m = new Memo()));
  return m;
}

export class GateAnalysis {
  readonly segments: readonly Segment[];
  /** Per rule: an id for its source set (equal sets, equal ids) and its services by protocol. */
  readonly #sourceId: readonly number[];
  /** Per rule: an id for its action, sources and services (equal content, equal ids). */
  readonly #contentId: readonly number[];
  readonly #cells = new Map<string, readonly Cell[]>();
  #cellsWeight = 0;
  #acl: PacketSet | undefined;

  constructor(
    readonly universe: PacketUniverse,
    readonly gate: Gate,
  ) {
    const memo = memoOf(universe);
    const shape = memo.shapes.get(gate.rules);
    if (shape) {
      this.#sourceId = shape.sourceId;
      this.#contentId = shape.contentId;
      this.segments = shape.segments;
      return;
    }
    // Rules share set objects (a role's addresses, a named service): each is keyed once.
    const sourceOf = new Map<AddressSet, number>();
    this.#sourceId = gate.rules.map((r) => {
      const known = sourceOf.get(r.source);
      if (known !== undefined) return known;
      const key = setKey(r.source);
      let id = memo.sourceIds.get(key);
      if (id === undefined) {
        memo.sourceIds.set(key, (id = memo.sources.length));
        memo.sources.push(r.source);
      }
      sourceOf.set(r.source, id);
      return id;
    });
    const serviceKeys = new Map<AclRule['services'], string>();
    this.#contentId = gate.rules.map((r, i) => {
      let services = serviceKeys.get(r.services);
      if (services === undefined) serviceKeys.set(r.services, (services = serviceKey(r.services)));
      const key = `${r.action}${this.#sourceId[i]}:${services}`;
      let id = memo.contentIds.get(key);
      if (id === undefined) memo.contentIds.set(key, (id = memo.contentIds.size));
      return id;
    });
    this.segments = this.#segment();
    memo.shapes.set(gate.rules, { sourceId: this.#sourceId, contentId: this.#contentId, segments: this.segments });
  }

  #segment(): Segment[] {
    const u = this.universe;
    const out: Segment[] = [];
    const dests = this.gate.rules.map((r) => r.destination);
    // IPv4 addresses and opaque role indices are numbers (sorted as doubles); IPv6 are BigInts.
    const asBig = (s: { kind: Kind; lo: number; hi: number; rules: number[] }): Segment => ({ ...s, lo: BigInt(s.lo), hi: BigInt(s.hi) });
    for (const s of segmentLine(KIND_V4, V4_MAX, (x) => x + 1, dests.map((d) => d.v4))) out.push(asBig(s));
    for (const s of segmentLine(KIND_V6, V6_MAX, (x) => x + 1n, dests.map((d) => d.v6))) out.push(s);
    if (u.opaqueRoles.length > 0) {
      const indices = dests.map((d) => {
        if (d.opaque.length === 0) return [];
        const idx = d.opaque.map((n) => u.opaqueIndex(n)).filter((i): i is number => i !== undefined);
        return normalize(idx.map((i) => [i, i] as const));
      });
      const max = u.opaqueRoles.length - 1;
      for (const s of segmentLine(KIND_OPAQUE, max, (x) => x + 1, indices)) out.push(asBig(s));
    }
    return out;
  }

  /** The cells of a list of rules: every protocol and port boundary they name. */
  cells(rules: readonly number[]): readonly Cell[] {
    const key = rules.join(',');
    const known = this.#cells.get(key);
    if (known) return known;
    const all = this.gate.rules;
    // Per protocol: the rules that hold some of it, in order, with their ports (undefined: all).
    const named = new Map<number, { rules: number[]; ports: (readonly Range<number>[] | undefined)[] }>();
    for (const p of SPECIAL_PROTOCOLS) named.set(p, { rules: [], ports: [] });
    for (const i of rules) {
      for (const e of all[i]!.services.entries) if (!named.has(e.protocol)) named.set(e.protocol, { rules: [], ports: [] });
    }
    const protocols = [...named.keys()].sort((a, b) => a - b);
    const anyRules: number[] = [];
    for (const i of rules) {
      const s = all[i]!.services;
      if (s.any) {
        anyRules.push(i);
        for (const p of protocols) {
          const n = named.get(p)!;
          n.rules.push(i);
          n.ports.push(undefined);
        }
        continue;
      }
      for (const e of s.entries) {
        const n = named.get(e.protocol)!;
        // A rule's first entry for a protocol is its entry (one per protocol in the IR).
        if (n.rules[n.rules.length - 1] === i) continue;
        n.rules.push(i);
        n.ports.push(e.ports);
      }
    }
    const out: Cell[] = [];
    for (const p of protocols) {
      const [dlo, dhi] = portDomain(p);
      const { rules: holders, ports } = named.get(p)!;
      const cuts: number[] = [dlo];
      for (const ranges of ports) {
        if (ranges === undefined) continue;
        for (const [lo, hi] of ranges) {
          if (lo > dlo && lo <= dhi) cuts.push(lo);
          if (hi < dhi) cuts.push(hi + 1);
        }
      }
      cuts.sort((a, b) => a - b);
      const starts = cuts.filter((c, k) => k === 0 || c !== cuts[k - 1]);
      const lists: number[][] = starts.map(() => []);
      holders.forEach((i, n) => {
        const ranges = ports[n];
        if (ranges === undefined) {
          for (const list of lists) list.push(i);
          return;
        }
        for (const [lo, hi] of ranges) {
          if (hi < dlo || lo > dhi) continue;
          for (let k = lastAtOrBelow(starts, Math.max(lo, dlo)), last = lastAtOrBelow(starts, Math.min(hi, dhi)); k <= last; k++) lists[k]!.push(i);
        }
      });
      const only: readonly Range<number>[] = [[p, p]];
      starts.forEach((lo, k) => out.push({ protocols: only, lo, hi: k + 1 < starts.length ? starts[k + 1]! - 1 : dhi, rules: lists[k]! }));
    }
    // Every protocol no rule names, and no special one: only `any` rules hold them.
    const rest: Range<number>[] = [];
    let from = 0;
    for (const p of protocols) {
      if (p > from) rest.push([from, p - 1]);
      from = p + 1;
    }
    if (from <= 255) rest.push([from, 255]);
    if (rest.length > 0) out.push({ protocols: rest, lo: 0, hi: 0, rules: anyRules });
    let weight = out.length;
    for (const cell of out) weight += cell.rules.length;
    if (this.#cellsWeight + weight > CELL_WEIGHT_LIMIT) {
      this.#cells.clear();
      this.#cellsWeight = 0;
    }
    this.#cellsWeight += weight;
    this.#cells.set(key, out);
    return out;
  }

  /** The sources permitted inside a cell (valid for `kind` and the cell's protocols). */
  fold(kind: Kind, protocol: number, rules: readonly number[]): AddressSet {
    const valid = this.universe.validSources(kind, protocol);
    if (isEmptySet(valid)) return valid;
    let node = this.#foldRoot(kind, protocol, valid);
    for (let k = rules.length - 1; k >= 0; k--) node = this.#foldStep(node, rules[k]!, kind, protocol);
    return node.set;
  }

  #foldRoot(kind: Kind, protocol: number, valid: AddressSet): FoldNode {
    const memo = memoOf(this.universe);
    const rootKey = `${kind}:${protocol === 1 || protocol === 58 ? protocol : 0}:${this.gate.fallback}`;
    if (memo.foldWeight > FOLD_WEIGHT_LIMIT) {
      memo.foldRoots.clear();
      memo.foldWeight = 0;
    }
    let node = memo.foldRoots.get(rootKey);
    if (!node) {
      node = foldNode(this.gate.fallback === 'allow' ? valid : { v4: [], v6: [], opaque: [] });
      memo.foldRoots.set(rootKey, node);
    }
    return node;
  }

  /** The node of rule `i` in front of `node`'s rules. */
  #foldStep(node: FoldNode, i: number, kind: Kind, protocol: number): FoldNode {
    const r = this.gate.rules[i]!;
    const id = this.#sourceId[i]! * 2 + (r.action === 'allow' ? 1 : 0);
    if (node.firstKey === id) return node.first!;
    let child = node.more?.get(id);
    if (!child) {
      child = foldNode(r.action === 'allow' ? unionSets(this.validSources(i, kind, protocol), node.set) : subtractSets(node.set, r.source));
      memoOf(this.universe).foldWeight += 1 + child.set.v4.length + child.set.v6.length + child.set.opaque.length;
      if (node.first === undefined) {
        node.firstKey = id;
        node.first = child;
      } else {
        (node.more ??= new Map()).set(id, child);
      }
    }
    return child;
  }

  /**
   * The fold of every suffix of `rules`: element k is what rules k.. and the fallback permit
   * (element `rules.length` is the fallback alone). The suffixes are the fold trie's path.
   */
  suffixFolds(kind: Kind, protocol: number, rules: readonly number[]): AddressSet[] {
    const valid = this.universe.validSources(kind, protocol);
    if (isEmptySet(valid)) return rules.map(() => valid).concat([valid]);
    let node = this.#foldRoot(kind, protocol, valid);
    const out = new Array<AddressSet>(rules.length + 1);
    out[rules.length] = node.set;
    for (let k = rules.length - 1; k >= 0; k--) {
      node = this.#foldStep(node, rules[k]!, kind, protocol);
      out[k] = node.set;
    }
    return out;
  }

  /** A rule's sources that can be valid with destinations of `kind` and `protocol`. */
  validSources(rule: number, kind: Kind, protocol: number): AddressSet {
    // Keyed by the rule's source set, not the rule: a million ACL entries have a few thousand sources.
    const key = this.#sourceId[rule]! * 9 + kind * 3 + (protocol === 1 ? 1 : protocol === 58 ? 2 : 0);
    const valid = memoOf(this.universe).validSources;
    let set = valid.get(key);
    if (!set) valid.set(key, (set = intersectSets(this.gate.rules[rule]!.source, this.universe.validSources(kind, protocol))));
    return set;
  }

  /**
   * What a segment's permitted services depend on: its kind, the fallback and its rules' actions,
   * sources and services. Equal keys, in any policy of this universe, mean equal services.
   */
  segmentKey(kind: Kind, rules: readonly number[]): string {
    let key = `${kind}:${this.gate.fallback}:`;
    for (const i of rules) key += `${this.#contentId[i]},`;
    return key;
  }

  /** The permitted services of a segment (memoised by content, so equal segments share them). */
  services(kind: Kind, rules: readonly number[]): Services {
    const key = this.segmentKey(kind, rules);
    const memo = memoOf(this.universe).services;
    const known = memo.get(key);
    if (known) return known;
    const out: ProtoPiece[] = [];
    // Cells come grouped by protocol, in protocol order; the rest of the protocols come last.
    const cells = this.cells(rules);
    const pieces: { lo: number; hi: number; ports: PortPiece[] }[] = [];
    for (const cell of cells) {
      if (cell.protocols.length === 1 && cell.protocols[0]![0] === cell.protocols[0]![1]) {
        const p = cell.protocols[0]![0];
        let last = pieces[pieces.length - 1];
        if (!last || last.lo !== p) pieces.push((last = { lo: p, hi: p, ports: [] }));
        pushPort(last.ports, { lo: cell.lo, hi: cell.hi, src: this.fold(kind, p, cell.rules) });
      } else {
        const src = this.fold(kind, 0, cell.rules);
        for (const [lo, hi] of cell.protocols) pieces.push({ lo, hi, ports: isEmptySet(src) ? [] : [{ lo: 0, hi: 0, src }] });
      }
    }
    pieces.sort((a, b) => a.lo - b.lo);
    for (const piece of pieces) pushProto(out, piece);
    let weight = 1;
    for (const p of out) weight += p.ports.length;
    const m = memoOf(this.universe);
    if (m.servicesWeight + weight > SERVICES_WEIGHT_LIMIT) {
      memo.clear();
      m.servicesWeight = 0;
    }
    m.servicesWeight += weight;
    memo.set(key, out);
    return out;
  }

  /**
   * The services where rules at the same positions of two equally long lists (this gate's
   * `rules`, `other`'s `theirs`) differ in content: outside them the rules that differ match
   * nothing, the others are equal, so both lists permit the same. Per protocol, sorted port
   * ranges; undefined when the lists cannot be compared this way (or a differing rule has `any`).
   */
  editedServices(rules: readonly number[], other: GateAnalysis, theirs: readonly number[]): Map<number, Range<number>[]> | undefined {
    if (rules.length !== theirs.length || this.gate.fallback !== other.gate.fallback || this.universe !== other.universe) return undefined;
    const touched = new Map<number, Range<number>[]>();
    for (let k = 0; k < rules.length; k++) {
      if (this.#contentId[rules[k]!] === other.#contentId[theirs[k]!]) continue;
      for (const s of [this.gate.rules[rules[k]!]!.services, other.gate.rules[theirs[k]!]!.services]) {
        if (s.any) return undefined;
        for (const e of s.entries) {
          const [dlo, dhi] = portDomain(e.protocol);
          const list = touched.get(e.protocol) ?? [];
          touched.set(e.protocol, [...normalize([...list, ...(e.ports ?? [[dlo, dhi]])])]);
        }
      }
    }
    return touched;
  }

  /**
   * The permitted services of a segment, only within `within` (per protocol, sorted port ranges):
   * the cells outside it are not folded.
   */
  servicesWithin(kind: Kind, rules: readonly number[], within: ReadonlyMap<number, readonly Range<number>[]>): Services {
    const out: ProtoPiece[] = [];
    const cells = this.cells(rules);
    for (const p of [...within.keys()].sort((a, b) => a - b)) {
      const [dlo, dhi] = portDomain(p);
      const ranges = within.get(p)!;
      const ports: PortPiece[] = [];
      for (const cell of cells) {
        if (!cell.protocols.some(([lo, hi]) => lo <= p && p <= hi)) continue;
        let src: AddressSet | undefined;
        for (const [lo, hi] of ranges) {
          const a = Math.max(lo, cell.lo, dlo);
          const b = Math.min(hi, cell.hi, dhi);
          if (a <= b) pushPort(ports, { lo: a, hi: b, src: (src ??= this.fold(kind, p, cell.rules)) });
        }
      }
      pushProto(out, { lo: p, hi: p, ports });
    }
    return out;
  }

  /** The packets this gate's ACL allows (whatever its scope). */
  acl(): PacketSet {
    if (!this.#acl) {
      const pieces: DstPiece[] = [];
      for (const s of this.segments) pushDst(pieces, { kind: s.kind, lo: s.lo, hi: s.hi, services: this.services(s.kind, s.rules) });
      this.#acl = this.universe.fromPieces(pieces);
    }
    return this.#acl;
  }

  /** The packets in this gate's scope. */
  scope(): PacketSet {
    const u = this.universe;
    const s = this.gate.scope;
    if (s.kind === 'all') return u.all();
    const any = { any: true, entries: [] };
    return s.kind === 'destination' ? u.product(u.everySource, s.addresses, any) : u.product(s.addresses, u.everySource, any);
  }

  /** The segments overlapping [lo, hi] of a kind (segments are in order). */
  segmentsIn(kind: Kind, lo: bigint, hi: bigint): Segment[] {
    const segs = this.segments;
    const out: Segment[] = [];
    for (let i = firstReaching(segs, kind, lo); i < segs.length && segs[i]!.kind === kind && segs[i]!.lo <= hi; i++) out.push(segs[i]!);
    return out;
  }
}

function serviceKey(s: { any: boolean; entries: readonly { protocol: number; ports?: readonly Range<number>[] }[] }): string {
  if (s.any) return '*';
  return s.entries.map((e) => `${e.protocol}${e.ports ? `/${e.ports.map(([a, b]) => `${a}-${b}`).join(',')}` : ''}`).join('+');
}

/** A whole policy: its gates, the packets it judges and the packets it permits. */
export class PolicyAnalysis {
  readonly gates: readonly GateAnalysis[];
  #permitted: PacketSet | undefined;
  #domain: PacketSet | undefined;

  constructor(
    readonly universe: PacketUniverse,
    readonly policy: Policy,
  ) {
    this.gates = policy.gates.map((g) => new GateAnalysis(universe, g));
  }

  /** The packets the policy judges: every packet for a ruleset; for an artifact, its gates' scopes. */
  domain(): PacketSet {
    return (this.#domain ??= pairwise(this.gates.map((g) => g.scope()), (x, y) => x.union(y)) ?? this.universe.empty());
  }

  /** The valid packets the policy permits (those outside every gate's scope included). */
  permitted(): PacketSet {
    if (!this.#permitted) {
      const all = this.universe.all();
      const passes = this.gates.map((g) => {
        // A gate's ACL holds only valid packets, so its intersection with every packet is itself.
        if (g.gate.scope.kind === 'all') return g.acl();
        // Outside its scope a gate lets everything through.
        const scope = g.scope();
        return g.acl().intersect(scope).union(all.minus(scope));
      });
      this.#permitted = pairwise(passes, (x, y) => x.intersect(y)) ?? all;
    }
    return this.#permitted;
  }
}

/**
 * Combines sets pairwise, as a balanced tree: with many gates (an nftables ruleset has two per
 * role) each set takes part in log2(n) operations, not up to n as in a left fold.
 */
function pairwise(sets: readonly PacketSet[], op: (x: PacketSet, y: PacketSet) => PacketSet): PacketSet | undefined {
  let level = sets;
  while (level.length > 1) {
    const next: PacketSet[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(op(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0];
}

/** The index of the last element of a sorted list at or below x (the list starts at or below it). */
function lastAtOrBelow<T extends number | bigint>(starts: readonly T[], x: T): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * One kind's line [0, max] cut at every boundary of the rules' ranges: segments in order, each
 * with the rules whose ranges hold it (in rule order). `after(x)` is x + 1 in T.
 */
function segmentLine<T extends number | bigint>(
  kind: Kind,
  max: T,
  after: (x: T) => T,
  perRule: readonly (readonly Range<T>[])[],
): { kind: Kind; lo: T; hi: T; rules: number[] }[] {
  const cuts: T[] = [];
  // Rules share range lists (a role's addresses): each list's boundaries are cut once.
  const seen = new Set<readonly Range<T>[]>();
  for (const ranges of perRule) {
    if (seen.has(ranges)) continue;
    seen.add(ranges);
    for (const [lo, hi] of ranges) {
      cuts.push(lo);
      if (hi < max) cuts.push(after(hi));
    }
  }
  // Numbers sort as doubles in a typed array, BigInts by comparison (not through a Set: V8 hashes
  // BigInts by their low bits, all zero below an IPv6 prefix).
  const sorted = typeof max === 'bigint' ? cuts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : ([...Float64Array.from(cuts as number[]).sort()] as T[]);
  const starts: T[] = [(typeof max === 'bigint' ? 0n : 0) as T];
  for (const c of sorted) if (c !== starts[starts.length - 1]) starts.push(c);
  const lists: number[][] = starts.map(() => []);
  perRule.forEach((ranges, rule) => {
    for (const [lo, hi] of ranges) for (let i = lastAtOrBelow(starts, lo), last = lastAtOrBelow(starts, hi); i <= last; i++) lists[i]!.push(rule);
  });
  return starts.map((lo, i) => ({ kind, lo, hi: i + 1 < starts.length ? pred(starts[i + 1]!) : max, rules: lists[i]! }));
}

function pred<T extends number | bigint>(x: T): T {
  return (typeof x === 'bigint' ? x - 1n : (x as number) - 1) as T;
}
