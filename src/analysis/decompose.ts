/**
 * A set of packets (a BDD) as a list of disjoint-enough products
 * `protocol × ports × sources × destinations` whose union is exactly the set. The variable
 * order makes this a walk in three layers: destinations (grouping the sub-diagrams they lead
 * to), then protocol and port, then sources. Products with the same protocol, ports and sources
 * are merged across destinations.
 */
import { normalize, type Range } from '../ir/intervals.js';
import { emptySet, unionSets, type AddressSet } from '../ir/index.js';
import { FALSE, TRUE, type Node } from './bdd.js';
import {
  DST_KIND,
  DST_VALUE,
  KIND_OPAQUE,
  KIND_V4,
  KIND_V6,
  KIND_WIDTH,
  PORT,
  PORT_BITS,
  PROTO,
  PROTO_BITS,
  SRC_KIND,
  SRC_VALUE,
  VALUE_BITS,
  type Kind,
  type PacketSpace,
} from './encoding.js';

export interface Product {
  /** Protocol numbers, as ranges (a single protocol is [p, p]). */
  readonly protocols: readonly Range<number>[];
  /** Ports or ICMP types; empty for protocols without either. */
  readonly ports: readonly Range<number>[];
  readonly source: AddressSet;
  readonly destination: AddressSet;
}

/** Above this many intervals a set is reported as too fragmented to list (it is still exact). */
const MAX_INTERVALS = 200_000;

export class TooFragmented extends Error {}

/**
 * The intervals of a `width`-bit field (variables first..first+width-1) that lead from `node`
 * to each sub-diagram below the field, as a map sub-diagram → sorted ranges.
 */
function fieldIntervals(space: PacketSpace, node: Node, first: number, width: number, skipTo: number): Map<Node, [bigint, bigint][]> {
  const b = space.bdd;
  const out = new Map<Node, [bigint, bigint][]>();
  let count = 0;
  const leaf = (n: Node, lo: bigint, hi: bigint): void => {
    // Variables between the field's end and `skipTo` are not part of the value (the IPv4 and
    // opaque cylinders): their bits read as 0.
    while (n > TRUE && b.varOf(n) < skipTo) n = b.low(n);
    if (n === FALSE) return;
    if (++count > MAX_INTERVALS) throw new TooFragmented();
    let list = out.get(n);
    if (!list) out.set(n, (list = []));
    const last = list[list.length - 1];
    if (last && last[1] + 1n === lo) last[1] = hi;
    else list.push([lo, hi]);
  };
  const walk = (n: Node, depth: number, prefix: bigint): void => {
    if (n === FALSE) return;
    const v = n <= TRUE ? Infinity : b.varOf(n);
    const rest = BigInt(width - depth);
    if (v >= first + width) {
      leaf(n, prefix << rest, ((prefix + 1n) << rest) - 1n);
      return;
    }
    if (v > first + depth) {
      // This bit is not tested: both values lead to the same node.
      walk(n, depth + 1, prefix << 1n);
      walk(n, depth + 1, (prefix << 1n) | 1n);
      return;
    }
    walk(b.low(n), depth + 1, prefix << 1n);
    walk(b.high(n), depth + 1, (prefix << 1n) | 1n);
  };
  walk(node, 0, 0n);
  return out;
}

/** The ends (kind and value) that lead from `node` to each sub-diagram after the end's fields. */
function endLayer(space: PacketSpace, node: Node, kindVar: number, valueVar: number): Map<Node, AddressSet> {
  const b = space.bdd;
  const out = new Map<Node, AddressSet>();
  const kinds = fieldIntervals(space, node, kindVar, 2, kindVar + 2);
  for (const [sub, kindRanges] of kinds) {
    for (const [lo, hi] of kindRanges) {
      for (let k = Number(lo); k <= Number(hi); k++) {
        if (k > KIND_OPAQUE) continue;
        const kind = k as Kind;
        const width = KIND_WIDTH[kind];
        const values = fieldIntervals(space, sub, valueVar, width, valueVar + VALUE_BITS);
        for (const [leaf, ranges] of values) {
          let set: AddressSet;
          if (kind === KIND_V4) set = { v4: ranges, v6: [], opaque: [] };
          else if (kind === KIND_V6) set = { v4: [], v6: ranges, opaque: [] };
          else {
            const names = ranges.flatMap(([a, z]) => {
              const r: string[] = [];
              for (let i = a; i <= z && i < BigInt(space.opaque.length); i++) r.push(space.opaque[Number(i)]!);
              return r;
            });
            set = { v4: [], v6: [], opaque: names };
          }
          out.set(leaf, unionSets(out.get(leaf) ?? emptySet, set));
        }
      }
    }
  }
  void b;
  return out;
}

/**
 * The destination layer of a set: each sub-diagram below the destination (over protocol, port
 * and source) with the destination intervals (kind, lo, hi) that lead to it.
 */
export function decomposeDestinations(space: PacketSpace, node: Node): { node: Node; destinations: [Kind, bigint, bigint][] }[] {
  const out: { node: Node; destinations: [Kind, bigint, bigint][] }[] = [];
  for (const [sub, kindRanges] of fieldIntervals(space, node, DST_KIND, 2, DST_VALUE)) {
    for (const [klo, khi] of kindRanges) {
      for (let k = Number(klo); k <= Number(khi) && k <= KIND_OPAQUE; k++) {
        const kind = k as Kind;
        for (const [leaf, ranges] of fieldIntervals(space, sub, DST_VALUE, KIND_WIDTH[kind], DST_VALUE + VALUE_BITS)) {
          out.push({ node: leaf, destinations: ranges.map(([lo, hi]) => [kind, lo, hi]) });
        }
      }
    }
  }
  return out;
}

const rangeKey = (rs: readonly Range<number>[]): string => rs.map(([a, b]) => `${a}-${b}`).join(',');

/** The products whose union is exactly `node`. */
export function decompose(space: PacketSpace, node: Node): Product[] {
  const byKey = new Map<string, { protocols: Range<number>[]; ports: Range<number>[]; source: AddressSet; destination: AddressSet }>();
  const sources = new Map<Node, AddressSet>();
  const sourceOf = (n: Node): AddressSet => {
    let s = sources.get(n);
    if (!s) {
      s = endLayer(space, n, SRC_KIND, SRC_VALUE).get(TRUE) ?? emptySet;
      sources.set(n, s);
    }
    return s;
  };
  for (const [afterDst, destination] of endLayer(space, node, DST_KIND, DST_VALUE)) {
    // Protocol, then port, then the source sub-diagram: group protocols by (ports, source).
    const perSource = new Map<Node, Map<number, Range<number>[]>>();
    for (const [afterProto, protoRanges] of fieldIntervals(space, afterDst, PROTO, PROTO_BITS, PROTO + PROTO_BITS)) {
      const portsBySource = fieldIntervals(space, afterProto, PORT, PORT_BITS, PORT + PORT_BITS);
      for (const [srcNode, portRanges] of portsBySource) {
        let protos = perSource.get(srcNode);
        if (!protos) perSource.set(srcNode, (protos = new Map()));
        for (const [lo, hi] of protoRanges) {
          for (let p = Number(lo); p <= Number(hi); p++) {
            protos.set(p, [...(protos.get(p) ?? []), ...portRanges.map(([a, z]) => [Number(a), Number(z)] as const)]);
          }
        }
      }
    }
    for (const [srcNode, protos] of perSource) {
      const source = sourceOf(srcNode);
      // Protocols with the same ports, as ranges of protocol numbers.
      const byPorts = new Map<string, { ports: Range<number>[]; protocols: number[] }>();
      for (const [p, ports] of [...protos.entries()].sort((a, z) => a[0] - z[0])) {
        const norm = normalize(ports);
        const shown = isPortless(p) ? [] : [...norm];
        const key = rangeKey(shown);
        let g = byPorts.get(key);
        if (!g) byPorts.set(key, (g = { ports: shown, protocols: [] }));
        g.protocols.push(p);
      }
      for (const { ports, protocols } of byPorts.values()) {
        const protoRanges = normalize(protocols.map((p) => [p, p] as const));
        const key = `${rangeKey(protoRanges)}|${rangeKey(ports)}|${srcNode}`;
        const existing = byKey.get(key);
        if (existing) existing.destination = unionSets(existing.destination, destination);
        else byKey.set(key, { protocols: [...protoRanges], ports, source, destination });
      }
    }
  }
  return [...byKey.values()].sort(compareProducts);
}

/** Protocols whose packets carry neither a port nor an ICMP type. */
function isPortless(p: number): boolean {
  return ![1, 6, 17, 58, 132].includes(p);
}

function compareProducts(a: Product, b: Product): number {
  const pa = a.protocols[0]![0];
  const pb = b.protocols[0]![0];
  if (pa !== pb) return pa - pb;
  const qa = a.ports[0]?.[0] ?? -1;
  const qb = b.ports[0]?.[0] ?? -1;
  if (qa !== qb) return qa - qb;
  const key = (s: AddressSet): string => `${s.v4[0]?.[0] ?? ''}|${s.v6[0]?.[0] ?? ''}|${s.opaque[0] ?? ''}`;
  const ka = `${key(a.destination)}#${key(a.source)}`;
  const kb = `${key(b.destination)}#${key(b.source)}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
