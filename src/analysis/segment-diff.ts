/**
 * The diff of two policies that each apply one ACL, walked segment by segment: no whole
 * permitted set is ever built.
 *
 * A policy whose gates all share one rule list and fallback (a ruleset's single gate; a switch
 * ACL bound in and out, gated on packets to and from the roles) permits, inside the union of its
 * gates' scopes, exactly what that ACL allows, and everything outside it. So within the packets
 * both policies judge, the difference is the difference of the two ACLs, restricted to that
 * common scope. The scope is kept per destination interval as the sources it holds there, so the
 * walk over the common refinement of both ACLs' destination segments restricts each segment's
 * services by one source set, and computes only the segments whose rules differ in content (in
 * them, when the rules line up one to one, only the services of the edited rules).
 */
import { emptySet, intersectSets, isEmptySet, unionSets, type AddressSet } from '../ir/index.js';
import type { GateAnalysis, PolicyAnalysis } from './gates.js';
import { kindMax, KINDS, pushDst, servicesOp, type DstPiece, type Kind, type Services } from './sets.js';
import type { PacketSet, PacketUniverse } from './universe.js';

/** Part of a scope: destinations [lo, hi] of a kind, and the sources in scope there (undefined: all). */
interface ScopePiece {
  readonly kind: Kind;
  readonly lo: bigint;
  readonly hi: bigint;
  readonly src: AddressSet | undefined;
}

/** The one ACL of a policy and the packets its gates judge; undefined when its gates differ. */
function singleAcl(pa: PolicyAnalysis): { gate: GateAnalysis; scope: readonly ScopePiece[] | 'all' } | undefined {
  const first = pa.gates[0];
  if (!first || pa.gates.some((g) => g.gate.rules !== first.gate.rules || g.gate.fallback !== first.gate.fallback)) return undefined;
  if (pa.gates.some((g) => g.gate.scope.kind === 'all')) return { gate: first, scope: 'all' };
  let destinations: AddressSet = emptySet;
  let sources: AddressSet = emptySet;
  for (const { gate } of pa.gates) {
    if (gate.scope.kind === 'destination') destinations = unionSets(destinations, gate.scope.addresses);
    else if (gate.scope.kind === 'source') sources = unionSets(sources, gate.scope.addresses);
  }
  return { gate: first, scope: scopePieces(pa.universe, destinations, sources) };
}

/** Every destination line: the destinations' ranges with all sources, the gaps with `sources`. */
function scopePieces(u: PacketUniverse, destinations: AddressSet, sources: AddressSet): ScopePiece[] {
  const out: ScopePiece[] = [];
  const ranges = u.destinationRanges(destinations);
  const src = isEmptySet(sources) ? undefined : sources;
  for (const kind of KINDS) {
    if (kind === 2 && u.opaqueRoles.length === 0) continue;
    const max = kindMax(kind, u.opaqueRoles.length);
    let from = 0n;
    for (const r of ranges) {
      if (r.kind !== kind) continue;
      if (src && r.lo > from) out.push({ kind, lo: from, hi: r.lo - 1n, src });
      out.push({ kind, lo: r.lo, hi: r.hi, src: undefined });
      from = r.hi + 1n;
    }
    if (src && from <= max) out.push({ kind, lo: from, hi: max, src });
  }
  return out;
}

/** The packets both scopes hold, per destination interval. */
function intersectScopes(a: readonly ScopePiece[] | 'all', b: readonly ScopePiece[] | 'all'): readonly ScopePiece[] | 'all' {
  if (a === 'all') return b;
  if (b === 'all') return a;
  const out: ScopePiece[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x.kind !== y.kind) {
      if (x.kind < y.kind) i++;
      else j++;
      continue;
    }
    const lo = x.lo > y.lo ? x.lo : y.lo;
    const hi = x.hi < y.hi ? x.hi : y.hi;
    if (lo <= hi) {
      const src = x.src === undefined ? y.src : y.src === undefined ? x.src : intersectSets(x.src, y.src);
      if (src === undefined || !isEmptySet(src)) out.push({ kind: x.kind, lo, hi, src });
    }
    if (x.hi === hi) i++;
    if (y.hi === hi) j++;
  }
  return out;
}

/**
 * Added (permitted by B, not A) and removed sets, within what both policies judge, when each
 * applies one ACL; undefined otherwise (the caller then uses the set algebra).
 */
export function diffSingleAcls(pa: PolicyAnalysis, pb: PolicyAnalysis): { addedSet: PacketSet; removedSet: PacketSet } | undefined {
  const one = singleAcl(pa);
  const other = one && singleAcl(pb);
  if (!one || !other) return undefined;
  const u = pa.universe;
  const scope = intersectScopes(one.scope, other.scope);
  const a = one.gate;
  const b = other.gate;
  const added: DstPiece[] = [];
  const removed: DstPiece[] = [];
  // Every service from given sources, per kind (restricting by it keeps only those sources).
  const everyService = new Map<AddressSet, Services[]>();
  const restrict = (services: Services, kind: Kind, src: AddressSet | undefined): Services => {
    if (src === undefined || services.length === 0) return services;
    let byKind = everyService.get(src);
    if (!byKind) everyService.set(src, (byKind = KINDS.map((k) => u.services(k, src, { any: true, entries: [] }))));
    return servicesOp('intersect', services, byKind[kind]!);
  };
  const sa = a.segments;
  const sb = b.segments;
  let i = 0;
  let j = 0;
  let k = 0;
  // Both lists cover every kind's whole line, in the same order: walk them together.
  while (i < sa.length && j < sb.length) {
    const x = sa[i]!;
    const y = sb[j]!;
    const lo = x.lo > y.lo ? x.lo : y.lo;
    const hi = x.hi < y.hi ? x.hi : y.hi;
    if (a.segmentKey(x.kind, x.rules) !== b.segmentKey(y.kind, y.rules)) {
      const parts = scope === 'all' ? [{ lo, hi, src: undefined }] : scopeWithin(scope, k, x.kind, lo, hi);
      if (parts.length > 0) {
        // Only the services of the edited rules can differ (when the rules line up one to one).
        const edited = a.editedServices(x.rules, b, y.rules);
        const sx = edited ? a.servicesWithin(x.kind, x.rules, edited) : a.services(x.kind, x.rules);
        const sy = edited ? b.servicesWithin(y.kind, y.rules, edited) : b.services(y.kind, y.rules);
        const plus = servicesOp('minus', sy, sx);
        const minus = servicesOp('minus', sx, sy);
        for (const p of parts) {
          pushDst(added, { kind: x.kind, lo: p.lo, hi: p.hi, services: restrict(plus, x.kind, p.src) });
          pushDst(removed, { kind: x.kind, lo: p.lo, hi: p.hi, services: restrict(minus, x.kind, p.src) });
        }
      }
    }
    if (scope !== 'all') k = scopeFrom(scope, k, x.kind, hi + 1n);
    if (x.hi === hi) i++;
    if (y.hi === hi) j++;
  }
  return { addedSet: u.fromPieces(added), removedSet: u.fromPieces(removed) };
}

/** The first scope piece from `k` on that is not wholly before destination `at` of `kind`. */
function scopeFrom(scope: readonly ScopePiece[], k: number, kind: Kind, at: bigint): number {
  while (k < scope.length && (scope[k]!.kind < kind || (scope[k]!.kind === kind && scope[k]!.hi < at))) k++;
  return k;
}

/** The scope's parts within [lo, hi] of a kind, from piece `k` on. */
function scopeWithin(scope: readonly ScopePiece[], k: number, kind: Kind, lo: bigint, hi: bigint): { lo: bigint; hi: bigint; src: AddressSet | undefined }[] {
  const out: { lo: bigint; hi: bigint; src: AddressSet | undefined }[] = [];
  for (let m = scopeFrom(scope, k, kind, lo); m < scope.length && scope[m]!.kind === kind && scope[m]!.lo <= hi; m++) {
    const p = scope[m]!;
    out.push({ lo: p.lo > lo ? p.lo : lo, hi: p.hi < hi ? p.hi : hi, src: p.src });
  }
  return out;
}
