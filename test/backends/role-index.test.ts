/** The role index gives each role exactly the rules that meet it, in rule order. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoleIndex } from '../../src/backends/role-index.js';
import { intersectSets, isEmptySet, opaqueSet } from '../../src/ir/index.js';
import { analyzeText } from '../helpers.js';
import { modelArb, predictNeverMatches, printModel } from '../properties/model.js';

describe('RoleIndex', () => {
  it('agrees with intersecting every rule with every role', () => {
    let checked = 0;
    fc.assert(
      fc.property(modelArb, (m) => {
        const { files } = printModel(m, predictNeverMatches(m));
        const ir = analyzeText(files['main.pal']!, { files }).ir;
        if (!ir) return;
        const index = new RoleIndex(ir);
        for (const role of ir.roles) {
          const own = role.addresses ?? opaqueSet(role.name);
          const meets = (set: Parameters<typeof intersectSets>[0]) => !isEmptySet(intersectSets(set, own));
          expect(index.to(role).map((r) => r.name)).toEqual(ir.rules.filter((r) => meets(r.destination.addresses)).map((r) => r.name));
          expect(index.from(role).map((r) => r.name)).toEqual(ir.rules.filter((r) => meets(r.source.addresses)).map((r) => r.name));
          checked++;
        }
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(300);
  });
});
