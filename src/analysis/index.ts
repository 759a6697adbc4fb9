/**
 * The analysis stage: exact answers about what a ruleset (or a deployed artifact) permits.
 *
 *   rulesetPolicy(ir) / a reader → Policy → permittedSet, diffPolicies, lint
 */
export { PacketUniverse, PacketSet, type Product } from './packet-set.js';
export { rulesetPolicy, type Policy, type Gate, type AclRule, type Origin, type GateScope } from './policy.js';
export { diffPolicies, jsonDifferences, textDifferences, namerOf, type DiffResult, type JsonDifference } from './diff.js';
export { examplePacket } from './universe.js';
export { lint } from './lint/index.js';
export { sarifLog } from './sarif.js';
export { explain, parsePacket, packetText, ruleText, explanation } from './explain.js';

import { PolicyAnalysis } from './gates.js';
import type { PacketSet, PacketUniverse } from './universe.js';
import type { Policy } from './policy.js';

/** The packets a policy permits, and those it judges (its domain), in a universe. */
export function permittedSet(universe: PacketUniverse, policy: Policy): { permitted: PacketSet; domain: PacketSet } {
  const analysis = new PolicyAnalysis(universe, policy);
  return { permitted: analysis.permitted(), domain: analysis.domain() };
}
