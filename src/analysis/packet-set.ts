/**
 * Sets of packets (LANGUAGE.md "Meaning": source, destination, protocol, destination port or
 * ICMP type; ends are addresses or members of roles without addresses), exact, with the
 * operations the analysis needs: union, intersection, difference, emptiness, equality, a
 * witness packet, membership, and a listing as products.
 *
 * All sets of one comparison live in one `PacketUniverse`, which knows the opaque roles.
 */
import type { AddressSet, Packet, ServiceSet } from '../ir/index.js';
import { FALSE, TRUE, type Node } from './bdd.js';
import { decompose, type Product } from './decompose.js';
import { PacketSpace } from './encoding.js';
import { containsPacket, witness } from './packets.js';

export type { Product };

export class PacketUniverse {
  readonly space: PacketSpace;

  constructor(opaqueRoles: Iterable<string> = []) {
    this.space = new PacketSpace(opaqueRoles);
  }

  get opaqueRoles(): readonly string[] {
    return this.space.opaque;
  }

  empty(): PacketSet {
    return new PacketSet(this, FALSE);
  }

  /** Every valid packet. */
  all(): PacketSet {
    return new PacketSet(this, this.space.valid);
  }

  /** The valid packets from `source` to `destination` with one of the services. */
  product(source: AddressSet, destination: AddressSet, services: ServiceSet): PacketSet {
    const s = this.space;
    const b = s.bdd;
    const n = b.and(b.and(s.addresses('src', source), s.addresses('dst', destination)), b.and(s.services(services), s.valid));
    return new PacketSet(this, n);
  }

  /** A set from an engine node of this universe. */
  wrap(node: Node): PacketSet {
    return new PacketSet(this, node);
  }
}

export class PacketSet {
  constructor(
    readonly universe: PacketUniverse,
    readonly node: Node,
  ) {}

  #same(other: PacketSet): void {
    if (other.universe !== this.universe) throw new Error('packet sets of different universes cannot be combined');
  }

  union(other: PacketSet): PacketSet {
    this.#same(other);
    return new PacketSet(this.universe, this.universe.space.bdd.or(this.node, other.node));
  }

  intersect(other: PacketSet): PacketSet {
    this.#same(other);
    return new PacketSet(this.universe, this.universe.space.bdd.and(this.node, other.node));
  }

  minus(other: PacketSet): PacketSet {
    this.#same(other);
    return new PacketSet(this.universe, this.universe.space.bdd.diff(this.node, other.node));
  }

  /** Every valid packet not in this set. */
  complement(): PacketSet {
    return this.universe.all().minus(this);
  }

  isEmpty(): boolean {
    return this.node === FALSE;
  }

  /** Whether this is every valid packet. */
  isAll(): boolean {
    return this.node === this.universe.space.valid || this.node === TRUE;
  }

  equals(other: PacketSet): boolean {
    this.#same(other);
    return this.node === other.node;
  }

  has(packet: Packet): boolean {
    return containsPacket(this.universe.space, this.node, packet);
  }

  /** One packet of the set, or undefined when it is empty. */
  witness(): Packet | undefined {
    return witness(this.universe.space, this.node);
  }

  /** The set as products (protocol × ports × sources × destinations) whose union it is. */
  products(): Product[] {
    return decompose(this.universe.space, this.node);
  }
}
