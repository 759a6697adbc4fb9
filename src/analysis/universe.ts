/**
 * The packets of one comparison and sets of them (sets.ts holds the representation).
 *
 * A universe knows the opaque roles (roles without addresses), which become destination indices
 * and source names; sets from two rulesets can only be combined in one universe that knows the
 * opaque roles of both.
 */
import { containsAddress, emptySet, intersectSets, unionSets, universe as everyAddress, V4_MAX, V6_MAX, type AddressSet, type Packet, type PacketEnd, type ServiceSet } from '../ir/index.js';
import { normalize, type Range } from '../ir/intervals.js';
import {
  KIND_OPAQUE,
  KIND_V4,
  KIND_V6,
  KINDS,
  piecesEqual,
  piecesOp,
  portDomain,
  pushDst,
  pushPort,
  pushProto,
  SPECIAL_PROTOCOLS,
  type DstPiece,
  type Kind,
  type PortPiece,
  type ProtoPiece,
  type Services,
} from './sets.js';

/** A product: protocols × ports × sources × destinations (ports empty for protocols without). */
export interface Product {
  readonly protocols: readonly Range<number>[];
  readonly ports: readonly Range<number>[];
  readonly source: AddressSet;
  readonly destination: AddressSet;
}

const V4_ALL: AddressSet = { v4: [[0, V4_MAX]], v6: [], opaque: [] };
const V6_ALL: AddressSet = { v4: [], v6: [[0n, V6_MAX]], opaque: [] };

export class PacketUniverse {
  readonly opaqueRoles: readonly string[];
  readonly #index: ReadonlyMap<string, number>;
  readonly #valid = new Map<string, AddressSet>();
  #all: PacketSet | undefined;

  constructor(opaqueRoles: Iterable<string> = []) {
    this.opaqueRoles = [...new Set(opaqueRoles)].sort();
    this.#index = new Map(this.opaqueRoles.map((name, i) => [name, i]));
  }

  opaqueIndex(name: string): number | undefined {
    return this.#index.get(name);
  }

  /** Every source (every address and opaque role). */
  get everySource(): AddressSet {
    return everyAddress(this.opaqueRoles);
  }

  /**
   * The sources a valid packet to a destination of `kind` with `protocol` can have: both address
   * ends of one family, ICMP only with IPv4 ends, ICMPv6 only with IPv6 ends.
   */
  validSources(kind: Kind, protocol: number): AddressSet {
    const key = `${kind}:${protocol === 1 || protocol === 58 ? protocol : 0}`;
    let v = this.#valid.get(key);
    if (v === undefined) {
      const opaque: AddressSet = { v4: [], v6: [], opaque: this.opaqueRoles };
      if (kind === KIND_V4) v = protocol === 58 ? emptySet : unionSets(V4_ALL, opaque);
      else if (kind === KIND_V6) v = protocol === 1 ? emptySet : unionSets(V6_ALL, opaque);
      else v = protocol === 1 ? unionSets(V4_ALL, opaque) : protocol === 58 ? unionSets(V6_ALL, opaque) : this.everySource;
      this.#valid.set(key, v);
    }
    return v;
  }

  /** The destination line of an address set: per kind, sorted ranges (opaque roles by index). */
  destinationRanges(set: AddressSet): { kind: Kind; lo: bigint; hi: bigint }[] {
    const out: { kind: Kind; lo: bigint; hi: bigint }[] = [];
    for (const [lo, hi] of set.v4) out.push({ kind: KIND_V4, lo: BigInt(lo), hi: BigInt(hi) });
    for (const [lo, hi] of set.v6) out.push({ kind: KIND_V6, lo, hi });
    const idx = set.opaque.map((n) => this.#index.get(n)).filter((i): i is number => i !== undefined);
    for (const [lo, hi] of normalize(idx.map((i) => [BigInt(i), BigInt(i)] as const))) out.push({ kind: KIND_OPAQUE, lo, hi });
    return out;
  }

  /** The opaque roles of destination indices [lo, hi]. */
  opaqueNames(lo: bigint, hi: bigint): string[] {
    const out: string[] = [];
    for (let i = Number(lo); i <= Number(hi) && i < this.opaqueRoles.length; i++) out.push(this.opaqueRoles[i]!);
    return out;
  }

  /** The services (with valid sources) of packets to destinations of `kind` from `source`. */
  services(kind: Kind, source: AddressSet, services: ServiceSet): Services {
    const out: ProtoPiece[] = [];
    const ports = (p: number, ranges: readonly Range<number>[] | undefined): PortPiece[] => {
      const [dlo, dhi] = portDomain(p);
      const src = intersectSets(source, this.validSources(kind, p));
      const list: PortPiece[] = [];
      for (const [lo, hi] of ranges ?? [[dlo, dhi]]) {
        const a = Math.max(lo, dlo);
        const b = Math.min(hi, dhi);
        if (a <= b) pushPort(list, { lo: a, hi: b, src });
      }
      return list;
    };
    if (services.any) {
      let p = 0;
      for (const special of [...SPECIAL_PROTOCOLS, 256]) {
        if (p < special) pushProto(out, { lo: p, hi: special - 1, ports: ports(p, undefined) });
        if (special < 256) pushProto(out, { lo: special, hi: special, ports: ports(special, undefined) });
        p = special + 1;
      }
      return out;
    }
    for (const e of services.entries) pushProto(out, { lo: e.protocol, hi: e.protocol, ports: ports(e.protocol, e.ports) });
    return out;
  }

  empty(): PacketSet {
    return new PacketSet(this, []);
  }

  /** Every valid packet. */
  all(): PacketSet {
    return (this.#all ??= this.product(this.everySource, this.everySource, { any: true, entries: [] }));
  }

  /** The valid packets from `source` to `destination` with one of the services. */
  product(source: AddressSet, destination: AddressSet, services: ServiceSet): PacketSet {
    const byKind = KINDS.map((k) => this.services(k, source, services));
    const out: DstPiece[] = [];
    for (const r of this.destinationRanges(destination)) pushDst(out, { ...r, services: byKind[r.kind]! });
    return new PacketSet(this, out);
  }

  /** A set from canonical pieces of this universe. */
  fromPieces(pieces: readonly DstPiece[]): PacketSet {
    return new PacketSet(this, pieces);
  }
}

export class PacketSet {
  constructor(
    readonly universe: PacketUniverse,
    readonly pieces: readonly DstPiece[],
  ) {}

  #same(other: PacketSet): void {
    if (other.universe !== this.universe) throw new Error('packet sets of different universes cannot be combined');
  }

  union(other: PacketSet): PacketSet {
    this.#same(other);
    return new PacketSet(this.universe, piecesOp('union', this.pieces, other.pieces));
  }

  intersect(other: PacketSet): PacketSet {
    this.#same(other);
    return new PacketSet(this.universe, piecesOp('intersect', this.pieces, other.pieces));
  }

  minus(other: PacketSet): PacketSet {
    this.#same(other);
    return new PacketSet(this.universe, piecesOp('minus', this.pieces, other.pieces));
  }

  /** Every valid packet not in this set. */
  complement(): PacketSet {
    return this.universe.all().minus(this);
  }

  isEmpty(): boolean {
    return this.pieces.length === 0;
  }

  /** Whether this is every valid packet. */
  isAll(): boolean {
    return this.equals(this.universe.all());
  }

  equals(other: PacketSet): boolean {
    this.#same(other);
    return piecesEqual(this.pieces, other.pieces);
  }

  has(packet: Packet): boolean {
    const dst = this.#end(packet.destination);
    if (!dst) return false;
    const piece = this.pieces.find((p) => p.kind === dst.kind && p.lo <= dst.value && dst.value <= p.hi);
    const proto = piece?.services.find((p) => p.lo <= packet.protocol && packet.protocol <= p.hi);
    const port = packet.port ?? 0;
    const ports = proto?.ports.find((p) => p.lo <= port && port <= p.hi);
    if (!ports) return false;
    const src = packet.source;
    if (src.kind === 'role') return ports.src.opaque.includes(src.role);
    return containsAddress(ports.src, src.family, src.value);
  }

  #end(end: PacketEnd): { kind: Kind; value: bigint } | undefined {
    if (end.kind === 'address') return { kind: end.family === 4 ? KIND_V4 : KIND_V6, value: end.value };
    const i = this.universe.opaqueIndex(end.role);
    return i === undefined ? undefined : { kind: KIND_OPAQUE, value: BigInt(i) };
  }

  /** One packet of the set, or undefined when it is empty. */
  witness(): Packet | undefined {
    const product = this.products()[0];
    return product && examplePacket(product);
  }

  /** The set as products whose union it is: equal ports and sources grouped across destinations. */
  products(): Product[] {
    const u = this.universe;
    const byKey = new Map<string, { protocols: Range<number>[]; ports: Range<number>[]; source: AddressSet; destination: AddressSet }>();
    for (const piece of this.pieces) {
      const destination: AddressSet =
        piece.kind === KIND_V4
          ? { v4: [[Number(piece.lo), Number(piece.hi)]], v6: [], opaque: [] }
          : piece.kind === KIND_V6
            ? { v4: [], v6: [[piece.lo, piece.hi]], opaque: [] }
            : { v4: [], v6: [], opaque: u.opaqueNames(piece.lo, piece.hi) };
      // Within a destination piece: the ports of each source, then the protocols sharing them.
      const perPiece = new Map<string, { protocols: Range<number>[]; ports: Range<number>[]; source: AddressSet }>();
      for (const proto of piece.services) {
        const bySource = new Map<string, { source: AddressSet; ports: Range<number>[] }>();
        for (const port of proto.ports) {
          const k = setKey(port.src);
          const g = bySource.get(k);
          if (g) g.ports.push([port.lo, port.hi]);
          else bySource.set(k, { source: port.src, ports: [[port.lo, port.hi]] });
        }
        for (const [k, g] of bySource) {
          const shown = portDomain(proto.lo)[1] === 0 ? [] : g.ports;
          const key = `${rangesKey(shown)}|${k}`;
          const e = perPiece.get(key);
          if (e) e.protocols.push([proto.lo, proto.hi]);
          else perPiece.set(key, { protocols: [[proto.lo, proto.hi]], ports: shown, source: g.source });
        }
      }
      for (const e of perPiece.values()) {
        const protocols = [...normalize(e.protocols)];
        const key = `${rangesKey(protocols)}|${rangesKey(e.ports)}|${setKey(e.source)}`;
        const g = byKey.get(key);
        if (g) g.destination = unionSets(g.destination, destination);
        else byKey.set(key, { protocols, ports: e.ports, source: e.source, destination });
      }
    }
    return [...byKey.values()].sort(compareProducts);
  }
}

function rangesKey(rs: readonly (readonly [number | bigint, number | bigint])[]): string {
  return rs.map(([a, b]) => `${a}-${b}`).join(',');
}

export function setKey(s: AddressSet): string {
  return `${rangesKey(s.v4)}|${rangesKey(s.v6)}|${s.opaque.join(',')}`;
}

function compareProducts(a: Product, b: Product): number {
  const pa = a.protocols[0]![0];
  const pb = b.protocols[0]![0];
  if (pa !== pb) return pa - pb;
  const qa = a.ports[0]?.[0] ?? -1;
  const qb = b.ports[0]?.[0] ?? -1;
  if (qa !== qb) return qa - qb;
  const first = (s: AddressSet): string => `${s.v4.length > 0 ? 0 : s.v6.length > 0 ? 1 : 2}:${(s.v4[0]?.[0] ?? s.v6[0]?.[0] ?? 0n).toString(16).padStart(32, '0')}:${s.opaque[0] ?? ''}`;
  const ka = `${first(a.destination)}#${first(a.source)}`;
  const kb = `${first(b.destination)}#${first(b.source)}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A representative end of a set, of a family compatible with `family` when given. */
function pick(set: AddressSet, family?: 4 | 6): PacketEnd | undefined {
  const inRange = ([lo, hi]: readonly [bigint, bigint]): bigint => (hi - lo >= 3n ? lo + 1n : lo);
  const v4 = set.v4[0];
  if (family !== 6 && v4) return { kind: 'address', family: 4, value: inRange([BigInt(v4[0]), BigInt(v4[1])]) };
  if (family !== 4 && set.v6.length > 0) return { kind: 'address', family: 6, value: inRange(set.v6[0]!) };
  if (set.opaque.length > 0) return { kind: 'role', role: set.opaque[0]! };
  return undefined;
}

/** A real packet of a product (every product of a set is a set of valid packets). */
export function examplePacket(product: Product): Packet {
  const protocol = product.protocols[0]![0];
  const port = product.ports[0]?.[0];
  // Prefer an address destination, then a source of its family (or an opaque role).
  for (const destination of [pick(product.destination, 4), pick(product.destination, 6), pick(product.destination)]) {
    if (!destination) continue;
    const family = destination.kind === 'address' ? destination.family : undefined;
    const source = pick(product.source, family);
    if (!source) continue;
    const packet = { source, destination, protocol };
    return port === undefined ? packet : { ...packet, port };
  }
  throw new Error('a product without a valid packet');
}

