/**
 * The segment walk of `diff` (src/analysis/segment-diff.ts) agrees with the set algebra: for
 * random policies that each apply one ACL under random scopes (a ruleset's single gate over all
 * packets; an artifact's gates on packets to and from some roles, sharing one rule list), the
 * added and removed sets equal (B's permitted − A's permitted) and the reverse, within both
 * domains, as computed from the whole permitted sets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffPolicies, permittedSet, type AclRule, type Gate, type Policy } from '../../src/analysis/index.js';
import { cidrSet, emptySet, unionSets, type AddressSet, type ServiceSet } from '../../src/ir/index.js';

const v4 = (third: number, len: number): AddressSet => cidrSet(`10.0.${third}.0/${len}`);
const v6 = (n: number, len: number): AddressSet => cidrSet(`fd00:${n.toString(16)}::/${len}`);

const address: fc.Arbitrary<AddressSet> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom(21, 22, 23, 24)).map(([t, l]) => v4(t * 4, l)),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(30, 32)).map(([n, l]) => v6(n, l)),
  fc.constantFrom<AddressSet>({ v4: [], v6: [], opaque: ['db'] }, { v4: [], v6: [], opaque: ['db', 'web'] }),
  fc.constant<AddressSet>({ v4: [[0, 0xffffffff]], v6: [], opaque: [] }),
);

const addresses: fc.Arbitrary<AddressSet> = fc.array(address, { minLength: 1, maxLength: 2 }).map((xs) => xs.reduce((a, b) => unionSets(a, b), emptySet));

const services: fc.Arbitrary<ServiceSet> = fc.oneof(
  fc.constant<ServiceSet>({ any: true, entries: [] }),
  fc.tuple(fc.constantFrom(6, 17), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 30 })).map(([protocol, lo, n]): ServiceSet => ({
    any: false,
    entries: [{ protocol, ports: [[lo, Math.min(65535, lo + n)]] }],
  })),
  fc.constantFrom<ServiceSet>({ any: false, entries: [{ protocol: 1 }] }, { any: false, entries: [{ protocol: 58, ports: [[128, 128]] }] }, { any: false, entries: [{ protocol: 47 }] }),
);

const rule: fc.Arbitrary<AclRule> = fc.record({ action: fc.constantFrom('allow', 'deny'), source: addresses, destination: addresses, services }).map((r) => ({
  ...r,
  origin: { label: 'r', text: 'r' },
}));

type ScopeSpec = 'all' | { to?: AddressSet; from?: AddressSet };
const scope: fc.Arbitrary<ScopeSpec> = fc.oneof(
  fc.constant<ScopeSpec>('all'),
  fc.record({ to: addresses, from: addresses }, { requiredKeys: [] }).filter((s) => s.to !== undefined || s.from !== undefined),
);

/** One ACL under a scope: gates sharing the rule list, as the switch and firewall readers build them. */
const policy: fc.Arbitrary<Policy> = fc.record({ rules: fc.array(rule, { maxLength: 6 }), fallback: fc.constantFrom('allow', 'deny'), scope }).map(({ rules, fallback, scope: s }) => {
  const gate = (name: string, gs: Gate['scope']): Gate => ({ name, scope: gs, rules, fallback, fallbackOrigin: { label: 'fallback', text: 'fallback' } });
  const gates =
    s === 'all'
      ? [gate('all', { kind: 'all' })]
      : [...(s.to ? [gate('to', { kind: 'destination', addresses: s.to })] : []), ...(s.from ? [gate('from', { kind: 'source', addresses: s.from })] : [])];
  return { label: 'p', gates, opaqueRoles: ['db', 'web'] };
});

describe('diff by segments', () => {
  it('equals the set algebra on random single-ACL policies under random scopes', () => {
    fc.assert(
      fc.property(policy, policy, (a, b) => {
        const result = diffPolicies(a, b);
        const pa = permittedSet(result.universe, a);
        const pb = permittedSet(result.universe, b);
        const domain = pa.domain.intersect(pb.domain);
        const inA = pa.permitted.intersect(domain);
        const inB = pb.permitted.intersect(domain);
        expect(result.addedSet.equals(inB.minus(inA))).toBe(true);
        expect(result.removedSet.equals(inA.minus(inB))).toBe(true);
        expect(result.equivalent).toBe(inA.equals(inB));
      }),
      { numRuns: 400, seed: 20261125 },
    );
  });
});
