/**
 * The switch ACLs' reply coverage (src/backends/acl/coverage.ts) answers "does the policy permit
 * every one of these packets?" from the rules near each question. Property: on random rulesets
 * (and a two-gate policy with scopes built from them), its answer equals the whole-set answer,
 * wanted \ permittedSet(policy) = ∅, for questions built from the rulesets' own addresses and
 * for services the reply entries ask about (UDP, echo replies, other protocols) and more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacketUniverse, permittedSet, rulesetPolicy, type Policy } from '../../src/analysis/index.js';
import { Coverage } from '../../src/backends/acl/coverage.js';
import { analyze } from '../../src/compile.js';
import { cidrSet, emptySet, unionSets, type AddressSet, type ServiceSet } from '../../src/ir/index.js';
import { memoryReader } from '../helpers.js';
import { modelArb, predictNeverMatches, printModel } from '../properties/model.js';

const SEED = Number(process.env['PROP_SEED'] ?? 20261125);

const SERVICES: readonly ServiceSet[] = [
  { any: false, entries: [{ protocol: 17 }] },
  { any: false, entries: [{ protocol: 1, ports: [[0, 0]] }] },
  { any: false, entries: [{ protocol: 58, ports: [[129, 129]] }] },
  { any: false, entries: [{ protocol: 47 }, { protocol: 50 }, { protocol: 132 }] },
  { any: false, entries: [{ protocol: 6, ports: [[80, 80], [443, 443]] }, { protocol: 17, ports: [[53, 53]] }] },
  { any: true, entries: [] },
];

/** The whole-set answer: the question's packets minus everything the policy permits. */
function reference(policy: Policy, source: AddressSet, destination: AddressSet, services: ServiceSet): boolean {
  const u = new PacketUniverse(policy.opaqueRoles);
  return u.product(source, destination, services).minus(permittedSet(u, policy).permitted).isEmpty();
}

/** A second gate judging packets to one rule's destination, with the rules reversed and a denying fallback. */
function twoGates(policy: Policy): Policy {
  const gate = policy.gates[0]!;
  const scope = gate.rules[0]?.destination ?? cidrSet('10.0.0.0/8');
  return {
    ...policy,
    gates: [gate, { name: 'scoped', scope: { kind: 'destination', addresses: scope }, rules: [...gate.rules].reverse(), fallback: 'deny', fallbackOrigin: gate.fallbackOrigin }],
  };
}

describe('switch ACL reply coverage', () => {
  it('equals the whole permitted set answer on random rulesets and questions', () => {
    const stats = { questions: 0, covered: 0 };
    fc.assert(
      fc.property(modelArb, fc.boolean(), (m, scoped) => {
        const { files } = printModel(m, predictNeverMatches(m));
        const ir = analyze({ entry: 'main.pal', read: memoryReader(files) }).ir;
        if (!ir) return;
        const base = rulesetPolicy(ir, 'ruleset');
        const policy = scoped ? twoGates(base) : base;
        const coverage = new Coverage(policy);
        const sides: AddressSet[] = [...new Set(ir.rules.flatMap((r) => [r.source.addresses, r.destination.addresses]))];
        sides.push(ir.roles.reduce<AddressSet>((acc, r) => unionSets(acc, r.addresses ?? { v4: [], v6: [], opaque: [r.name] }), emptySet));
        for (const source of sides.slice(0, 4)) {
          for (const destination of sides.slice(0, 4)) {
            for (const services of SERVICES) {
              const expected = reference(policy, source, destination, services);
              expect(coverage.covers(source, destination, services), JSON.stringify({ source, destination, services }, (_, v) => (typeof v === 'bigint' ? v.toString() : v))).toBe(expected);
              stats.questions++;
              if (expected) stats.covered++;
            }
          }
        }
      }),
      { numRuns: 60, seed: SEED },
    );
    // Both answers occur, so the property is not vacuous.
    expect(stats.covered).toBeGreaterThan(0);
    expect(stats.questions - stats.covered).toBeGreaterThan(0);
  }, 120_000);
});
