/**
 * The AWS round trip: for random rulesets (test/properties/model.ts), the security groups the aws
 * target writes, read back by its reader (roles by membership or their declared addresses,
 * zones by address), permit exactly what the ruleset permits to and from every role; where the
 * target refuses a ruleset, every error is positioned and is one of the target's documented
 * refusals. Point-wise too: sampled packets the groups judge are judged as `evaluate` does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffPolicies, permittedSet, rulesetPolicy } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { analyze, compile } from '../../src/compile.js';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import { evaluate, type Packet, type PacketEnd } from '../../src/ir/index.js';
import { buildPacket, candidates, modelArb, predictNeverMatches, printModel, rawPacketArb, type End, type Item, type Model, type Pkt } from './model.js';

const SCALE = Number(process.env['PALISADE_PROP_SCALE'] ?? 1);
const RUNS = Math.max(10, Math.round(200 * SCALE));
const TIMEOUT = 120_000 * Math.max(1, SCALE);

const memory = (files: Record<string, string>) => (p: string) => (Object.hasOwn(files, p) ? { text: files[p]! } : { error: 'no such file' });
const errorsText = (ds: readonly Diagnostic[]): string =>
  ds
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.span ? `${d.span.source.name}:${d.span.line}:${d.span.column}: ` : ''}${d.code} ${d.message}`)
    .join('\n');

const toEnd = (e: End): PacketEnd => (e.kind === 'role' ? { kind: 'role', role: e.role } : { kind: 'address', family: e.fam, value: e.value });
const toPacket = (p: Pkt): Packet => {
  const base = { source: toEnd(p.src), destination: toEnd(p.dst), protocol: p.proto };
  return p.port === undefined ? base : { ...base, port: p.port };
};

/**
 * Models as they come, and models closer to AWS practice: roles without addresses (membership
 * only, so no rule can cover part of one), and descriptions left out half of the time (the
 * generator's descriptions use characters AWS refuses).
 */
const withoutDescriptions = (items: readonly Item[]): Item[] =>
  items.map((i) =>
    i.t === 'rule'
      ? { ...i, rule: (({ desc: _, ...rest }) => rest)(i.rule) }
      : { ...i, then: withoutDescriptions(i.then), ...(i.else ? { else: withoutDescriptions(i.else) } : {}) },
  );
const awsModelArb: fc.Arbitrary<Model> = fc.tuple(modelArb, fc.boolean(), fc.boolean()).map(([m, opaque, plain]) => ({
  ...m,
  addrs: opaque ? m.addrs.map((d) => (d.kind === 'role' ? { kind: d.kind, name: d.name } : d)) : m.addrs,
  items: plain ? withoutDescriptions(m.items) : m.items,
}));

/** The refusals the AWS targets document (docs/targets/aws.md). */
const REFUSALS = new Set(['PAL6002', 'PAL6003', 'PAL6101', 'PAL6102', 'PAL6103']);

describe('aws: compile, read back, diff', () => {
  it('is equivalent for random rulesets, or refuses with positioned errors', () => {
    const aws = getBackend('aws');
    const stats = { rulesets: 0, compiled: 0, refused: 0, opaqueRoles: 0, groupRefs: 0, judged: 0, judgedPermitted: 0, judgedDenied: 0 };
    const codes: Record<string, number> = {};
    fc.assert(
      fc.property(awsModelArb, fc.array(rawPacketArb, { minLength: 20, maxLength: 20 }), (m, raws) => {
        const { files } = printModel(m, predictNeverMatches(m));
        const text = Object.entries(files).map(([n, t]) => `--- ${n}\n${t}`).join('');
        const analyzed = analyze({ entry: 'main.pal', read: memory(files) });
        expect(errorsText(analyzed.diagnostics), text).toBe('');
        const ir = analyzed.ir!;
        stats.rulesets++;
        const compiled = compile({ entry: 'main.pal', read: memory(files), target: 'aws' });
        const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) {
          stats.refused++;
          for (const e of errors) {
            codes[e.code] = (codes[e.code] ?? 0) + 1;
            expect(REFUSALS.has(e.code), `${text}\n${errorsText(errors)}`).toBe(true);
            if (e.code !== 'PAL6003') expect(e.span, `${text}\n${errorsText(errors)}`).toBeDefined();
          }
          return;
        }
        stats.compiled++;
        if (ir.roles.some((r) => r.addresses === undefined)) stats.opaqueRoles++;
        const json = compiled.artifacts!.find((a) => a.path === 'security-groups.json')!.contents;
        if (json.includes('"GroupName": "') && json.includes('UserIdGroupPairs": [\n')) stats.groupRefs++;
        const read = aws.read!([{ path: 'security-groups.json', text: json }], { roles: ir.roles });
        const context = `${text}--- security-groups.json\n${json}`;
        expect(errorsText(read.diagnostics), context).toBe('');
        const result = diffPolicies(rulesetPolicy(ir, 'ruleset'), read.policy!);
        expect(result.equivalent, context).toBe(true);
        const { permitted, domain } = permittedSet(result.universe, read.policy!);
        const c = candidates(m);
        for (const raw of raws) {
          const p = toPacket(buildPacket(c, raw).pkt);
          if (!domain.has(p)) continue;
          const want = evaluate(ir, p).permitted;
          expect(permitted.has(p), `${context}\n${JSON.stringify(p, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`).toBe(want);
          stats.judged++;
          if (want) stats.judgedPermitted++;
          else stats.judgedDenied++;
        }
      }),
      { numRuns: RUNS },
    );
    console.log(`aws round trip: ${JSON.stringify(stats)} refusals: ${JSON.stringify(codes)}`);
    expect(stats.rulesets).toBe(RUNS);
    expect(stats.compiled).toBeGreaterThan(RUNS / 5);
    expect(stats.refused).toBeGreaterThan(0);
    expect(stats.opaqueRoles).toBeGreaterThan(RUNS / 20);
    expect(stats.judgedPermitted).toBeGreaterThan(RUNS / 4);
    expect(stats.judgedDenied).toBeGreaterThan(RUNS / 4);
  }, TIMEOUT);
});
