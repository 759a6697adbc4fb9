/**
 * Sets of packets as canonical interval cubes, three levels deep (an interval decision diagram,
 * like IBM network-config-analyzer's CanonicalHyperCubeSet, reference/switch-acl-and-analysis.md
 * B.4):
 *
 *     destination intervals  →  protocol ranges  →  port (or ICMP type) ranges  →  source address set
 *
 * Destinations are IPv4 addresses, IPv6 addresses and opaque roles (by index in the universe),
 * each kind its own line. Every level is sorted, holds no empty piece, and merges neighbours
 * whose contents are equal, so equal sets have equal structure. Only valid packets are ever
 * represented (see `validSources`).
 */
import {
  emptySet,
  intersectSets,
  isEmptySet,
  setsEqual,
  subtractSets,
  unionSets,
  V4_MAX,
  V6_MAX,
  type AddressSet,
} from '../ir/index.js';

export const KIND_V4 = 0;
export const KIND_V6 = 1;
export const KIND_OPAQUE = 2;
export type Kind = 0 | 1 | 2;
export const KINDS: readonly Kind[] = [KIND_V4, KIND_V6, KIND_OPAQUE];

export interface PortPiece {
  readonly lo: number;
  readonly hi: number;
  readonly src: AddressSet;
}

export interface ProtoPiece {
  readonly lo: number;
  readonly hi: number;
  readonly ports: readonly PortPiece[];
}

/** Protocol ranges with their ports and sources; the services of one destination piece. */
export type Services = readonly ProtoPiece[];

export interface DstPiece {
  readonly kind: Kind;
  readonly lo: bigint;
  readonly hi: bigint;
  readonly services: Services;
}

/** The port (or type) numbers a protocol's packets carry: none is [0, 0]. */
export function portDomain(protocol: number): readonly [number, number] {
  if (protocol === 6 || protocol === 17 || protocol === 132) return [1, 65535];
  if (protocol === 1 || protocol === 58) return [0, 255];
  return [0, 0];
}

/** The protocols whose port domain or validity differ from plain "no port" protocols. */
export const SPECIAL_PROTOCOLS: readonly number[] = [1, 6, 17, 58, 132];

export function kindMax(kind: Kind, opaqueCount: number): bigint {
  return kind === KIND_V4 ? BigInt(V4_MAX) : kind === KIND_V6 ? V6_MAX : BigInt(Math.max(0, opaqueCount - 1));
}

/**
 * In a list of destination intervals sorted by kind and bounds (pieces, segments), the index of
 * the first at or after `from` of `kind` that ends at or after `lo`, by binary search; the ones
 * overlapping [lo, hi] follow it while their `lo` is at most `hi`.
 */
export function firstReaching(items: readonly { readonly kind: Kind; readonly hi: bigint }[], kind: Kind, lo: bigint, from = 0): number {
  let a = from;
  let z = items.length;
  while (a < z) {
    const mid = (a + z) >> 1;
    const it = items[mid]!;
    if (it.kind < kind || (it.kind === kind && it.hi < lo)) a = mid + 1;
    else z = mid;
  }
  return a;
}

// ------------------------------------------------------------------ equality

export function servicesEqual(a: Services, b: Services): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.lo !== y.lo || x.hi !== y.hi || !portsEqual(x.ports, y.ports)) return false;
  }
  return true;
}

export function portsEqual(a: readonly PortPiece[], b: readonly PortPiece[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.lo !== y.lo || x.hi !== y.hi || (x.src !== y.src && !setsEqual(x.src, y.src))) return false;
  }
  return true;
}

// ------------------------------------------------------------------ canonical builders

/** Appends a piece, merging it into the previous one when adjacent with equal contents. */
export function pushPort(out: PortPiece[], p: PortPiece): void {
  if (isEmptySet(p.src)) return;
  const last = out[out.length - 1];
  if (last && last.hi + 1 === p.lo && (last.src === p.src || setsEqual(last.src, p.src))) {
    out[out.length - 1] = { lo: last.lo, hi: p.hi, src: last.src };
  } else {
    out.push(p);
  }
}

export function pushProto(out: ProtoPiece[], p: ProtoPiece): void {
  if (p.ports.length === 0) return;
  const last = out[out.length - 1];
  if (last && last.hi + 1 === p.lo && portsEqual(last.ports, p.ports)) {
    out[out.length - 1] = { lo: last.lo, hi: p.hi, ports: last.ports };
  } else {
    out.push(p);
  }
}

export function pushDst(out: DstPiece[], p: DstPiece): void {
  if (p.services.length === 0) return;
  const last = out[out.length - 1];
  if (last && last.kind === p.kind && last.hi + 1n === p.lo && servicesEqual(last.services, p.services)) {
    out[out.length - 1] = { kind: last.kind, lo: last.lo, hi: p.hi, services: last.services };
  } else {
    out.push(p);
  }
}

// ------------------------------------------------------------------ set operations

export type Op = 'union' | 'intersect' | 'minus';

function srcOp(op: Op, a: AddressSet | undefined, b: AddressSet | undefined): AddressSet {
  if (op === 'union') return a === undefined ? (b ?? emptySet) : b === undefined ? a : a === b ? a : unionSets(a, b);
  if (op === 'intersect') return a === undefined || b === undefined ? emptySet : a === b ? a : intersectSets(a, b);
  return a === undefined ? emptySet : b === undefined ? a : a === b ? emptySet : subtractSets(a, b);
}

/**
 * Walks two sorted lists of disjoint [lo, hi] pieces over their common refinement, calling
 * `visit(lo, hi, a, b)` for every elementary interval covered by either (the other undefined).
 */
function walk<P extends { readonly lo: T; readonly hi: T }, T extends number | bigint>(
  a: readonly P[],
  b: readonly P[],
  visit: (lo: T, hi: T, x: P | undefined, y: P | undefined) => void,
): void {
  const succ = (x: T): T => (typeof x === 'bigint' ? x + 1n : (x as number) + 1) as T;
  const pred = (x: T): T => (typeof x === 'bigint' ? x - 1n : (x as number) - 1) as T;
  const cuts: T[] = [];
  for (const p of a) cuts.push(p.lo, succ(p.hi));
  for (const p of b) cuts.push(p.lo, succ(p.hi));
  cuts.sort((u, v) => (u < v ? -1 : u > v ? 1 : 0));
  let i = 0;
  let j = 0;
  for (let k = 0; k + 1 < cuts.length; k++) {
    const lo = cuts[k]!;
    if (lo === cuts[k + 1]) continue;
    const hi = pred(cuts[k + 1]!);
    while (i < a.length && a[i]!.hi < lo) i++;
    while (j < b.length && b[j]!.hi < lo) j++;
    const x = i < a.length && a[i]!.lo <= lo ? a[i] : undefined;
    const y = j < b.length && b[j]!.lo <= lo ? b[j] : undefined;
    if (x !== undefined || y !== undefined) visit(lo, hi, x, y);
  }
}

export function portsOp(op: Op, a: readonly PortPiece[], b: readonly PortPiece[]): readonly PortPiece[] {
  if (a === b) return op === 'minus' ? [] : a;
  if (op === 'intersect' && (a.length === 0 || b.length === 0)) return [];
  if (op === 'minus' && b.length === 0) return a;
  if (op === 'union' && (a.length === 0 || b.length === 0)) return a.length === 0 ? b : a;
  const out: PortPiece[] = [];
  walk<PortPiece, number>(a, b, (lo, hi, x, y) => pushPort(out, { lo, hi, src: srcOp(op, x?.src, y?.src) }));
  return out;
}

export function servicesOp(op: Op, a: Services, b: Services): Services {
  if (a === b) return op === 'minus' ? [] : a;
  if (op === 'intersect' && (a.length === 0 || b.length === 0)) return [];
  if (op === 'minus' && b.length === 0) return a;
  if (op === 'union' && (a.length === 0 || b.length === 0)) return a.length === 0 ? b : a;
  const out: ProtoPiece[] = [];
  walk<ProtoPiece, number>(a, b, (lo, hi, x, y) => {
    const ports = portsOp(op, x?.ports ?? [], y?.ports ?? []);
    pushProto(out, { lo, hi, ports });
  });
  return out;
}

export function piecesOp(op: Op, a: readonly DstPiece[], b: readonly DstPiece[]): DstPiece[] {
  const out: DstPiece[] = [];
  for (const kind of KINDS) {
    const xa = a.filter((p) => p.kind === kind);
    const xb = b.filter((p) => p.kind === kind);
    walk<DstPiece, bigint>(xa, xb, (lo, hi, x, y) => pushDst(out, { kind, lo, hi, services: servicesOp(op, x?.services ?? [], y?.services ?? []) }));
  }
  return out;
}

export function piecesEqual(a: readonly DstPiece[], b: readonly DstPiece[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.kind !== y.kind || x.lo !== y.lo || x.hi !== y.hi || !servicesEqual(x.services, y.services)) return false;
  }
  return true;
}
