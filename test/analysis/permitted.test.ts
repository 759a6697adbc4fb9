/**
 * The permitted set of a ruleset holds exactly the packets `explain` permits: checked on every
 * ruleset of rulesets/ with parameter variants, at boundary and random packets.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PacketUniverse, permittedSet, rulesetPolicy } from '../../src/analysis/index.js';
import { analyze } from '../../src/compile.js';
import { evaluate, type Packet, type PacketEnd, type Ruleset } from '../../src/ir/index.js';
import { assignments } from '../helpers.js';
import { goldenCases } from '../golden/rulesets.js';

const read = (p: string) => ({ text: readFileSync(p, 'utf8') });

/** Addresses near every boundary the ruleset mentions, and a few elsewhere. */
function interesting(ir: Ruleset): { v4: bigint[]; v6: bigint[] } {
  const v4 = new Set<bigint>([0n, 1n, 0xffffffffn]);
  const v6 = new Set<bigint>([0n, 1n]);
  const add = (set: Set<bigint>, lo: bigint, hi: bigint, max: bigint) => {
    for (const x of [lo - 1n, lo, lo + 1n, hi - 1n, hi, hi + 1n]) if (x >= 0n && x <= max) set.add(x);
  };
  for (const r of ir.rules) {
    for (const s of [r.source.addresses, r.destination.addresses]) {
      for (const [lo, hi] of s.v4) add(v4, BigInt(lo), BigInt(hi), 0xffffffffn);
      for (const [lo, hi] of s.v6) add(v6, lo, hi, (1n << 128n) - 1n);
    }
  }
  return { v4: [...v4], v6: [...v6] };
}

describe.each(goldenCases)('permitted set of $name', ({ file, set }) => {
  const ir = analyze({ entry: file, read, set: assignments(...set) }).ir!;
  const { permitted } = permittedSet(new PacketUniverse(), rulesetPolicy(ir, file));
  const points = interesting(ir);

  it('agrees with explain on every packet', () => {
    const end = (family: 4 | 6) =>
      fc.constantFrom(...(family === 4 ? points.v4 : points.v6)).map((value): PacketEnd => ({ kind: 'address', family, value }));
    const packet = fc.constantFrom<4 | 6>(4, 6).chain((family) =>
      fc.record({
        source: end(family),
        destination: end(family),
        proto: fc.constantFrom(6, 17, 132, family === 4 ? 1 : 58, 47, 50),
        port: fc.oneof(fc.constantFrom(1, 22, 53, 123, 443, 4240, 6081, 6443, 10250, 30000, 32767, 50000, 65535), fc.integer({ min: 1, max: 65535 })),
        type: fc.integer({ min: 0, max: 255 }),
      }),
    );
    let permittedCount = 0;
    fc.assert(
      fc.property(packet, ({ source, destination, proto, port, type }) => {
        const p: Packet = [6, 17, 132].includes(proto)
          ? { source, destination, protocol: proto, port }
          : [1, 58].includes(proto)
            ? { source, destination, protocol: proto, port: type }
            : { source, destination, protocol: proto };
        const expected = evaluate(ir, p).permitted;
        if (expected) permittedCount++;
        expect(permitted.has(p)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
    expect(permittedCount).toBeGreaterThan(10);
  });
});
