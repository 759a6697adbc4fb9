/**
 * The packet space as BDD variables, in this order (the destination first: it is the field
 * rules constrain most consistently, which keeps the diagrams small; reference/
 * switch-acl-and-analysis.md B.3 measured a 40x difference):
 *
 *     dst kind (2) · dst value (128) · protocol (8) · port or ICMP type (16) · src kind (2) · src value (128)
 *
 * An end's kind is IPv4, IPv6 or an opaque role (a role without addresses, LANGUAGE.md
 * "Meaning"). An IPv4 address sits in the top 32 value bits, an opaque role's index in the top
 * 16; the bits below are never tested, so every set is a cylinder over them.
 *
 * Only valid packets exist (`valid`): both address ends of one family, ICMP between IPv4 ends
 * and ICMPv6 between IPv6 ends, a port 1-65535 for TCP/UDP/SCTP, a type 0-255 for ICMP and
 * ICMPv6, and no port for other protocols.
 */
import type { AddressSet, Family, ServiceSet } from '../ir/index.js';
import { Bdd, FALSE, TRUE, type Node } from './bdd.js';

export const KIND_BITS = 2;
export const VALUE_BITS = 128;
export const PROTO_BITS = 8;
export const PORT_BITS = 16;

export const DST_KIND = 0;
export const DST_VALUE = DST_KIND + KIND_BITS;
export const PROTO = DST_VALUE + VALUE_BITS;
export const PORT = PROTO + PROTO_BITS;
export const SRC_KIND = PORT + PORT_BITS;
export const SRC_VALUE = SRC_KIND + KIND_BITS;
export const NUM_VARS = SRC_VALUE + VALUE_BITS;

export const KIND_V4 = 0;
export const KIND_V6 = 1;
export const KIND_OPAQUE = 2;
export type Kind = typeof KIND_V4 | typeof KIND_V6 | typeof KIND_OPAQUE;

/** Value bits that carry information for each kind. */
export const KIND_WIDTH: Record<Kind, number> = { [KIND_V4]: 32, [KIND_V6]: 128, [KIND_OPAQUE]: 16 };

export type Side = 'src' | 'dst';

const kindVar = (side: Side): number => (side === 'src' ? SRC_KIND : DST_KIND);
const valueVar = (side: Side): number => (side === 'src' ? SRC_VALUE : DST_VALUE);

/**
 * The BDD manager and what every set in it shares: the opaque roles, by index. Sets from two
 * rulesets can only be compared in one context that knows the opaque roles of both.
 */
export class PacketSpace {
  readonly bdd: Bdd;
  readonly opaque: readonly string[];
  readonly #opaqueIndex: ReadonlyMap<string, number>;
  readonly valid: Node;
  readonly #ports = new Map<string, Node>();
  readonly #kinds = new Map<string, Node>();
  readonly #protocols = new Map<number, Node>();
  readonly #intervals = new Map<string, Node>();

  constructor(opaqueRoles: Iterable<string>) {
    this.bdd = new Bdd(NUM_VARS, 1 << 20);
    this.opaque = [...new Set(opaqueRoles)].sort();
    this.#opaqueIndex = new Map(this.opaque.map((name, i) => [name, i]));
    this.valid = this.#valid();
  }

  opaqueIndex(name: string): number | undefined {
    return this.#opaqueIndex.get(name);
  }

  /** kind(side) = k */
  kind(side: Side, k: Kind): Node {
    const key = `${side}${k}`;
    let n = this.#kinds.get(key);
    if (n === undefined) this.#kinds.set(key, (n = this.bdd.equal(kindVar(side), KIND_BITS, BigInt(k))));
    return n;
  }

  /** The end on `side` lies in [lo, hi] of kind k (values in the kind's own units). */
  interval(side: Side, k: Kind, lo: bigint, hi: bigint): Node {
    const key = `${side}${k}:${lo}-${hi}`;
    const known = this.#intervals.get(key);
    if (known !== undefined) return known;
    // Only the kind's own (top) bits are constrained: the bits below are left free.
    const value = this.bdd.range(valueVar(side), KIND_WIDTH[k], lo, hi);
    const n = this.bdd.and(this.kind(side, k), value);
    this.#intervals.set(key, n);
    return n;
  }

  /** The end on `side` lies in the address set. */
  addresses(side: Side, set: AddressSet): Node {
    let n = FALSE;
    for (const [lo, hi] of set.v4) n = this.bdd.or(n, this.interval(side, KIND_V4, lo, hi));
    for (const [lo, hi] of set.v6) n = this.bdd.or(n, this.interval(side, KIND_V6, lo, hi));
    for (const name of set.opaque) {
      const i = this.#opaqueIndex.get(name);
      if (i !== undefined) n = this.bdd.or(n, this.interval(side, KIND_OPAQUE, BigInt(i), BigInt(i)));
    }
    return n;
  }

  /** The end on `side` is an address of the family. */
  family(side: Side, f: Family): Node {
    return this.kind(side, f === 4 ? KIND_V4 : KIND_V6);
  }

  protocol(p: number): Node {
    let n = this.#protocols.get(p);
    if (n === undefined) this.#protocols.set(p, (n = this.bdd.equal(PROTO, PROTO_BITS, BigInt(p))));
    return n;
  }

  ports(lo: number, hi: number): Node {
    const key = `${lo}-${hi}`;
    let n = this.#ports.get(key);
    if (n === undefined) {
      n = this.bdd.range(PORT, PORT_BITS, BigInt(lo), BigInt(hi));
      this.#ports.set(key, n);
    }
    return n;
  }

  /** The packets a service set matches (over protocol and port). */
  services(s: ServiceSet): Node {
    if (s.any) return TRUE;
    let n = FALSE;
    for (const e of s.entries) {
      let ports = TRUE;
      if (e.ports !== undefined) {
        ports = FALSE;
        for (const [lo, hi] of e.ports) ports = this.bdd.or(ports, this.ports(lo, hi));
      }
      n = this.bdd.or(n, this.bdd.and(this.protocol(e.protocol), ports));
    }
    return n;
  }

  #valid(): Node {
    const b = this.bdd;
    const endValid = (side: Side): Node => {
      const opaque =
        this.opaque.length === 0
          ? FALSE
          : this.interval(side, KIND_OPAQUE, 0n, BigInt(this.opaque.length - 1));
      return b.or(b.or(this.kind(side, KIND_V4), this.kind(side, KIND_V6)), opaque);
    };
    const anyV4 = b.or(this.kind('src', KIND_V4), this.kind('dst', KIND_V4));
    const anyV6 = b.or(this.kind('src', KIND_V6), this.kind('dst', KIND_V6));
    const mixed = b.or(
      b.and(this.kind('src', KIND_V4), this.kind('dst', KIND_V6)),
      b.and(this.kind('src', KIND_V6), this.kind('dst', KIND_V4)),
    );
    const portProtocols = [6, 17, 132].reduce((acc, p) => b.or(acc, this.protocol(p)), FALSE);
    const icmp = this.protocol(1);
    const icmpv6 = this.protocol(58);
    const ports = b.or(
      b.and(portProtocols, this.ports(1, 65535)),
      b.or(
        b.and(b.or(icmp, icmpv6), this.ports(0, 255)),
        b.and(b.not(b.or(portProtocols, b.or(icmp, icmpv6))), this.ports(0, 0)),
      ),
    );
    let v = b.and(endValid('src'), endValid('dst'));
    v = b.diff(v, mixed);
    v = b.diff(v, b.and(icmp, anyV6));
    v = b.diff(v, b.and(icmpv6, anyV4));
    return b.and(v, ports);
  }
}
