/**
 * Which rule decides each packet of a region: the region split by deciding rule (or fallback),
 * gate by gate. Exact: each part is the set of packets of the region that this rule decides.
 * Only the segments and cells the region touches are visited; inside a cell it is a walk down
 * the cell's rules, taking each rule's sources off what is left.
 */
import { intersectSets, isEmptySet, subtractSets, type Action, type AddressSet } from '../ir/index.js';
import type { GateAnalysis, PolicyAnalysis } from './gates.js';
import type { Origin } from './policy.js';
import { pushDst, pushPort, pushProto, type DstPiece, type Kind, type PortPiece, type ProtoPiece } from './sets.js';
import type { PacketSet, PacketUniverse } from './universe.js';

export interface Decided {
  readonly origin: Origin;
  readonly gate: string;
  readonly region: PacketSet;
}

/**
 * Splits `region` by the rule that decides its packets with `verdict`. For `allow` the region
 * must be permitted (every gate in scope allows it; the first such gate is named); for `deny` it
 * must be denied (the first gate that denies is named).
 */
export function splitByDecider(pa: PolicyAnalysis, region: PacketSet, verdict: 'allow' | 'deny'): Decided[] {
  const out: Decided[] = [];
  let remaining = region;
  for (const gate of pa.gates) {
    if (remaining.isEmpty()) break;
    const inScope = gate.gate.scope.kind === 'all' ? remaining : remaining.intersect(gate.scope());
    if (inScope.isEmpty()) continue;
    // Allowed: the whole region passes this gate, split by the rules that pass it. Denied: the
    // parts this gate's rules (or fallback) deny, found by the same walk, so the gate's whole
    // permitted set is never built for a small region; what the gate allows goes on.
    const parts = splitGate(gate, inScope).filter((p) => verdict === 'allow' || p.action === 'deny');
    if (parts.length === 0) continue;
    out.push(...parts.map(({ origin, gate: name, region: r }) => ({ origin, gate: name, region: r })));
    const mine = verdict === 'allow' ? inScope : parts.reduce((acc, p) => acc.union(p.region), parts[0]!.region);
    remaining = remaining.minus(mine);
  }
  return out;
}

/** A disjoint piece of a region: destinations × protocols × ports × sources. */
interface Tuple {
  readonly kind: Kind;
  readonly lo: bigint;
  readonly hi: bigint;
  readonly plo: number;
  readonly phi: number;
  readonly qlo: number;
  readonly qhi: number;
  readonly src: AddressSet;
}

function splitGate(gate: GateAnalysis, region: PacketSet): (Decided & { readonly action: Action })[] {
  const rules = gate.gate.rules;
  const buckets = new Map<number, Tuple[]>();
  const add = (i: number, t: Tuple): void => {
    let list = buckets.get(i);
    if (!list) buckets.set(i, (list = []));
    list.push(t);
  };
  for (const piece of region.pieces) {
    for (const segment of gate.segmentsIn(piece.kind, piece.lo, piece.hi)) {
      const lo = segment.lo > piece.lo ? segment.lo : piece.lo;
      const hi = segment.hi < piece.hi ? segment.hi : piece.hi;
      const cells = gate.cells(segment.rules);
      for (const proto of piece.services) {
        for (const cell of cells) {
          for (const [clo, chi] of cell.protocols) {
            const plo = Math.max(clo, proto.lo);
            const phi = Math.min(chi, proto.hi);
            if (plo > phi) continue;
            for (const port of proto.ports) {
              const qlo = Math.max(port.lo, cell.lo);
              const qhi = Math.min(port.hi, cell.hi);
              if (qlo > qhi) continue;
              let src = port.src;
              for (const i of cell.rules) {
                const hit = intersectSets(src, rules[i]!.source);
                if (isEmptySet(hit)) continue;
                add(i, { kind: piece.kind, lo, hi, plo, phi, qlo, qhi, src: hit });
                src = subtractSets(src, rules[i]!.source);
                if (isEmptySet(src)) break;
              }
              if (!isEmptySet(src)) add(-1, { kind: piece.kind, lo, hi, plo, phi, qlo, qhi, src });
            }
          }
        }
      }
    }
  }
  return [...buckets.entries()]
    .sort((x, y) => (x[0] === -1 ? 1 : y[0] === -1 ? -1 : x[0] - y[0]))
    .map(([i, tuples]) => ({
      origin: i === -1 ? gate.gate.fallbackOrigin : rules[i]!.origin,
      action: i === -1 ? gate.gate.fallback : rules[i]!.action,
      gate: gate.gate.name,
      region: fromTuples(gate.universe, tuples),
    }));
}

/** A set from disjoint tuples (destinations, protocols and ports either equal or disjoint). */
function fromTuples(u: PacketUniverse, tuples: readonly Tuple[]): PacketSet {
  const sorted = [...tuples].sort(
    (a, b) => a.kind - b.kind || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0) || a.plo - b.plo || a.qlo - b.qlo,
  );
  const pieces: DstPiece[] = [];
  let i = 0;
  while (i < sorted.length) {
    const d = sorted[i]!;
    const protos: ProtoPiece[] = [];
    while (i < sorted.length && sorted[i]!.kind === d.kind && sorted[i]!.lo === d.lo) {
      const p = sorted[i]!;
      const ports: PortPiece[] = [];
      while (i < sorted.length && sorted[i]!.kind === d.kind && sorted[i]!.lo === d.lo && sorted[i]!.plo === p.plo) {
        const t = sorted[i++]!;
        pushPort(ports, { lo: t.qlo, hi: t.qhi, src: t.src });
      }
      pushProto(protos, { lo: p.plo, hi: p.phi, ports });
    }
    pushDst(pieces, { kind: d.kind, lo: d.lo, hi: d.hi, services: protos });
  }
  return u.fromPieces(pieces);
}
