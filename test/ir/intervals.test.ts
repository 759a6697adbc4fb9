/**
 * Range-list intersection (src/ir/intervals.ts): a short list against a long one takes a binary
 * search path, lists of similar length a merge; both must give exactly the ranges of the points
 * in both lists, in canonical form, whichever list comes first.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intersect, normalize, type Ranges } from '../../src/ir/intervals.js';

/** A canonical list of up to `max` ranges inside 0..9999. */
const rangesArb = (min: number, max: number): fc.Arbitrary<Ranges<number>> =>
  fc
    .array(
      fc.tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 20 })).map(([lo, w]) => [lo, Math.min(999, lo + w)] as const),
      { minLength: min, maxLength: max },
    )
    .map((rs) => normalize(rs));

const points = (r: Ranges<number>): Set<number> => new Set(r.flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)));

describe('intersect', () => {
  it('is the canonical list of the common points, for short x long and similar lengths', () => {
    const stats = { skewed: 0, merged: 0 };
    fc.assert(
      fc.property(fc.oneof(fc.tuple(rangesArb(0, 3), rangesArb(40, 80)), fc.tuple(rangesArb(0, 60), rangesArb(0, 60))), ([a, b]) => {
        const [short, long] = a.length <= b.length ? [a, b] : [b, a];
        if (long.length > 8 * (short.length + 1)) stats.skewed++;
        else stats.merged++;
        const pa = points(a);
        const want = normalize([...points(b)].filter((x) => pa.has(x)).map((x) => [x, x] as const));
        expect(intersect(a, b)).toEqual(want);
        expect(intersect(b, a)).toEqual(want);
      }),
      { numRuns: 500 },
    );
    expect(stats.skewed).toBeGreaterThan(50);
    expect(stats.merged).toBeGreaterThan(50);
  });
});
