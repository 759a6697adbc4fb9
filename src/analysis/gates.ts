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
import { intersectSets, isEmptySet, subtractSets, unionSets, type AddressSet } from '../ir/index.js';
import type { Range } from '../ir/intervals.js';
import type { Gate, Policy } from './policy.js';
import { KINDS, kindMax, portDomain, pushDst, pushPort, pushProto, SPECIAL_PROTOCOLS, type DstPiece, type Kind, type PortPiece, type ProtoPiece, type Services } from './sets.js';
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
  /** Created on the first child: most nodes are the first rules of one cell and have none. */
  next: Map<number, FoldNode> | undefined;
}

/** Per-universe memo tables shared by every policy analysed in it. */
class Memo {
  readonly sourceIds = new Map<string, number>();
  readonly sources: AddressSet[] = [];
  /** Ids of what a segment's services depend on per rule: action, sources and services. */
  readonly contentIds = new Map<string, number>();
  readonly foldRoots = new Map<string, FoldNode>();
  readonly services = new Map<string, Services>();
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
  readonly #valid = new Map<number, AddressSet>();
  #acl: PacketSet | undefined;

  constructor(
    readonly universe: PacketUniverse,
    readonly gate: Gate,
  ) {
    const memo = memoOf(universe);
    this.#sourceId = gate.rules.map((r) => {
      const key = setKey(r.source);
      let id = memo.sourceIds.get(key);
      if (id === undefined) {
        memo.sourceIds.set(key, (id = memo.sources.length));
        memo.sources.push(r.source);
      }
      return id;
    });
    this.#contentId = gate.rules.map((r, i) => {
      const key = `${r.action}${this.#sourceId[i]}:${serviceKey(r.services)}`;
      let id = memo.contentIds.get(key);
      if (id === undefined) memo.contentIds.set(key, (id = memo.contentIds.size));
      return id;
    });
    this.segments = this.#segment();
  }

  #segment(): Segment[] {
    const u = this.universe;
    const out: Segment[] = [];
    const perRule = this.gate.rules.map((r) => u.destinationRanges(r.destination));
    for (const kind of KINDS) {
      const max = kindMax(kind, u.opaqueRoles.length);
      if (kind === 2 && u.opaqueRoles.length === 0) continue;
      // Sorted and deduplicated by hand: V8 hashes BigInts by their low bits, so a Set of IPv6
      // network boundaries (all zero below the prefix) degrades to a linear scan per insert.
      const cuts: bigint[] = [0n];
      for (const ranges of perRule) {
        for (const r of ranges) {
          if (r.kind !== kind) continue;
          cuts.push(r.lo);
          if (r.hi < max) cuts.push(r.hi + 1n);
        }
      }
      cuts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const starts = cuts.filter((c, i) => i === 0 || c !== cuts[i - 1]);
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
        for (const r of ranges) {
          if (r.kind !== kind) continue;
          for (let i = find(r.lo), last = find(r.hi); i <= last; i++) lists[i]!.push(rule);
        }
      });
      starts.forEach((lo, i) => out.push({ kind, lo, hi: i + 1 < starts.length ? starts[i + 1]! - 1n : max, rules: lists[i]! }));
    }
    return out;
  }

  /** The cells of a list of rules: every protocol and port boundary they name. */
  cells(rules: readonly number[]): readonly Cell[] {
    const key = rules.join(',');
    const known = this.#cells.get(key);
    if (known) return known;
    const all = this.gate.rules;
    const named = new Set<number>(SPECIAL_PROTOCOLS);
    for (const i of rules) for (const e of all[i]!.services.entries) named.add(e.protocol);
    const out: Cell[] = [];
    for (const p of [...named].sort((a, b) => a - b)) {
      const [dlo, dhi] = portDomain(p);
      const cuts = new Set<number>([dlo]);
      for (const i of rules) {
        for (const e of all[i]!.services.entries) {
          if (e.protocol !== p || e.ports === undefined) continue;
          for (const [lo, hi] of e.ports) {
            if (lo > dlo && lo <= dhi) cuts.add(lo);
            if (hi < dhi) cuts.add(hi + 1);
          }
        }
      }
      const starts = [...cuts].sort((a, b) => a - b);
      const lists: number[][] = starts.map(() => []);
      // The cell holding port x: the last start at or below it.
      const cellOf = (x: number): number => {
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (starts[mid]! <= x) lo = mid;
          else hi = mid - 1;
        }
        return lo;
      };
      for (const i of rules) {
        const s = all[i]!.services;
        const entry = s.any ? undefined : s.entries.find((e) => e.protocol === p);
        if (s.any || entry?.ports === undefined) {
          if (s.any || entry) for (const list of lists) list.push(i);
          continue;
        }
        for (const [lo, hi] of entry.ports) {
          if (hi < dlo || lo > dhi) continue;
          for (let k = cellOf(Math.max(lo, dlo)), last = cellOf(Math.min(hi, dhi)); k <= last; k++) lists[k]!.push(i);
        }
      }
      starts.forEach((lo, k) => out.push({ protocols: [[p, p]], lo, hi: k + 1 < starts.length ? starts[k + 1]! - 1 : dhi, rules: lists[k]! }));
    }
    // Every protocol no rule names, and no special one: only `any` rules hold them.
    const rest: Range<number>[] = [];
    let from = 0;
    for (const p of [...named].sort((a, b) => a - b)) {
      if (p > from) rest.push([from, p - 1]);
      from = p + 1;
    }
    if (from <= 255) rest.push([from, 255]);
    if (rest.length > 0) out.push({ protocols: rest, lo: 0, hi: 0, rules: rules.filter((i) => all[i]!.services.any) });
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
    let node = memo.foldRoots.get(rootKey);
    if (!node) {
      node = { set: this.gate.fallback === 'allow' ? valid : { v4: [], v6: [], opaque: [] }, next: undefined };
      memo.foldRoots.set(rootKey, node);
    }
    return node;
  }

  /** The node of rule `i` in front of `node`'s rules. */
  #foldStep(node: FoldNode, i: number, kind: Kind, protocol: number): FoldNode {
    const r = this.gate.rules[i]!;
    const id = this.#sourceId[i]! * 2 + (r.action === 'allow' ? 1 : 0);
    let child = node.next?.get(id);
    if (!child) {
      const set: AddressSet = r.action === 'allow' ? unionSets(this.validSources(i, kind, protocol), node.set) : subtractSets(node.set, r.source);
      child = { set, next: undefined };
      (node.next ??= new Map()).set(id, child);
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
    const key = rule * 9 + kind * 3 + (protocol === 1 ? 1 : protocol === 58 ? 2 : 0);
    let set = this.#valid.get(key);
    if (!set) this.#valid.set(key, (set = intersectSets(this.gate.rules[rule]!.source, this.universe.validSources(kind, protocol))));
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
    memo.set(key, out);
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
    let a = 0;
    let z = segs.length;
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
    return (this.#domain ??= this.gates.reduce((acc, g) => acc.union(g.scope()), this.universe.empty()));
  }

  /** The valid packets the policy permits (those outside every gate's scope included). */
  permitted(): PacketSet {
    if (!this.#permitted) {
      const all = this.universe.all();
      this.#permitted = this.gates.reduce((acc, g) => {
        // A gate's ACL holds only valid packets, so its intersection with every packet is itself.
        if (g.gate.scope.kind === 'all') return acc === all ? g.acl() : acc.intersect(g.acl());
        // Outside its scope a gate lets everything through.
        const scope = g.scope();
        return acc.intersect(g.acl().intersect(scope).union(all.minus(scope)));
      }, all);
    }
    return this.#permitted;
  }
}
