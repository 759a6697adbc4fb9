/** Sets of packets: see universe.ts (the API) and sets.ts (the representation). */
export { PacketUniverse, PacketSet, examplePacket, type Product } from './universe.js';
