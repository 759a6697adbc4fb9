/**
 * Which rule decides each packet of a region: the region split by deciding rule (or fallback),
 * gate by gate. Exact: each part is the set of packets of the region that this rule decides.
 */
import { FALSE, type Node } from './bdd.js';
import { decomposeDestinations } from './decompose.js';
import type { GateAnalysis, PolicyAnalysis } from './permitted.js';
import type { Origin } from './policy.js';

export interface Decided {
  readonly origin: Origin;
  readonly gate: string;
  readonly region: Node;
}

/**
 * Splits `region` by the rule that decides its packets with `verdict`. For `allow` the region
 * must be permitted (every gate in scope allows it: the first such gate is named); for `deny` it
 * must be denied (the first gate that denies is named).
 */
export function splitByDecider(pa: PolicyAnalysis, region: Node, verdict: 'allow' | 'deny'): Decided[] {
  const b = pa.space.bdd;
  const out: Decided[] = [];
  let remaining = region;
  for (const gate of pa.gates) {
    if (remaining === FALSE) break;
    const inScope = b.and(remaining, gate.scope());
    const mine = verdict === 'allow' ? inScope : b.diff(inScope, gate.acl());
    if (mine === FALSE) continue;
    out.push(...splitGate(gate, mine));
    remaining = b.diff(remaining, mine);
  }
  return out;
}

/**
 * The gate's first-match split of a region. The region's destinations are read off the top of
 * its diagram (decomposeDestinations), so only the segments it touches are visited, and inside a
 * segment everything is over protocol, port and source.
 */
function splitGate(gate: GateAnalysis, region: Node): Decided[] {
  const space = gate.space;
  const b = space.bdd;
  const parts = new Map<number, Node>();
  const add = (i: number, n: Node): void => {
    parts.set(i, b.or(parts.get(i) ?? FALSE, n));
  };
  for (const { node, destinations } of decomposeDestinations(space, region)) {
    for (const [kind, lo, hi] of destinations) {
      for (const segment of gate.segmentsIn(kind, lo, hi)) {
        const from = segment.lo > lo ? segment.lo : lo;
        const to = segment.hi < hi ? segment.hi : hi;
        const where = space.interval('dst', kind, from, to);
        let r = node;
        for (const i of segment.rules) {
          const hit = b.and(r, gate.local[i]!);
          if (hit === FALSE) continue;
          add(i, b.and(where, hit));
          r = b.diff(r, gate.local[i]!);
          if (r === FALSE) break;
        }
        if (r !== FALSE) add(-1, b.and(where, r));
      }
    }
  }
  return [...parts.entries()]
    .sort((x, y) => (x[0] === -1 ? 1 : y[0] === -1 ? -1 : x[0] - y[0]))
    .map(([i, region]) => ({
      origin: i === -1 ? gate.gate.fallbackOrigin : gate.gate.rules[i]!.origin,
      gate: gate.gate.name,
      region,
    }));
}
