export type * from './types.js';
export { lower, type LowerOptions, type LowerResult } from './lower.js';
export type { Assignment } from './params.js';
export * from './addresses.js';
export * as intervals from './intervals.js';
export * from './protocols.js';
export { evaluate, ruleMatches, serviceMatches, inSet, roleOf, type Packet, type PacketEnd, type Verdict } from './evaluate.js';
