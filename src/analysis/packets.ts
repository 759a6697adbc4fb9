/**
 * Concrete packets in the BDD encoding: membership of one packet in a set, and a packet out of
 * a satisfying assignment (a witness).
 */
import type { Packet, PacketEnd } from '../ir/index.js';
import { TRUE, type Node } from './bdd.js';
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

function endBits(space: PacketSpace, end: PacketEnd): { kind: Kind; value: bigint } {
  if (end.kind === 'role') {
    const i = space.opaqueIndex(end.role);
    if (i === undefined) throw new Error(`role ${end.role} is not an opaque role of this packet space`);
    return { kind: KIND_OPAQUE, value: BigInt(i) << BigInt(VALUE_BITS - KIND_WIDTH[KIND_OPAQUE]) };
  }
  const kind = end.family === 4 ? KIND_V4 : KIND_V6;
  return { kind, value: end.value << BigInt(VALUE_BITS - KIND_WIDTH[kind]) };
}

/** The value of variable v for a packet. */
export function packetBit(space: PacketSpace, packet: Packet): (v: number) => 0 | 1 {
  const dst = endBits(space, packet.destination);
  const src = endBits(space, packet.source);
  const port = BigInt(packet.port ?? 0);
  const bit = (x: bigint, width: number, i: number): 0 | 1 => Number((x >> BigInt(width - 1 - i)) & 1n) as 0 | 1;
  return (v) => {
    if (v < DST_VALUE) return bit(BigInt(dst.kind), 2, v - DST_KIND);
    if (v < PROTO) return bit(dst.value, VALUE_BITS, v - DST_VALUE);
    if (v < PORT) return bit(BigInt(packet.protocol), PROTO_BITS, v - PROTO);
    if (v < SRC_KIND) return bit(port, PORT_BITS, v - PORT);
    if (v < SRC_VALUE) return bit(BigInt(src.kind), 2, v - SRC_KIND);
    return bit(src.value, VALUE_BITS, v - SRC_VALUE);
  };
}

/** Whether the packet is in the set. */
export function containsPacket(space: PacketSpace, node: Node, packet: Packet): boolean {
  const bit = packetBit(space, packet);
  const b = space.bdd;
  while (node > TRUE) node = bit(b.varOf(node)) ? b.high(node) : b.low(node);
  return node === TRUE;
}

function read(assignment: ReadonlyMap<number, 0 | 1>, first: number, width: number): bigint {
  let x = 0n;
  for (let i = 0; i < width; i++) x = (x << 1n) | BigInt(assignment.get(first + i) ?? 0);
  return x;
}

function decodeEnd(space: PacketSpace, assignment: ReadonlyMap<number, 0 | 1>, kindVar: number, valueVar: number): PacketEnd {
  const kind = Number(read(assignment, kindVar, 2)) as Kind;
  const value = read(assignment, valueVar, VALUE_BITS) >> BigInt(VALUE_BITS - KIND_WIDTH[kind]);
  if (kind === KIND_OPAQUE) return { kind: 'role', role: space.opaque[Number(value)]! };
  return { kind: 'address', family: kind === KIND_V4 ? 4 : 6, value };
}

/** The packet of a satisfying assignment (unassigned variables read as 0). */
export function decodePacket(space: PacketSpace, assignment: ReadonlyMap<number, 0 | 1>): Packet {
  const protocol = Number(read(assignment, PROTO, PROTO_BITS));
  const port = Number(read(assignment, PORT, PORT_BITS));
  const withPort = [1, 6, 17, 58, 132].includes(protocol);
  const packet = {
    destination: decodeEnd(space, assignment, DST_KIND, DST_VALUE),
    source: decodeEnd(space, assignment, SRC_KIND, SRC_VALUE),
    protocol,
  };
  return withPort ? { ...packet, port } : packet;
}

/** One packet of a non-empty set. */
export function witness(space: PacketSpace, node: Node): Packet | undefined {
  const assignment = space.bdd.anySat(node);
  return assignment && decodePacket(space, assignment);
}
