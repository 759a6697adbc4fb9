/**
 * Property: `palisade explain` (analyze → parsePacket → explain/evaluate) agrees with a
 * deliberately naive reference evaluator that works only from the tests' own model of a
 * ruleset (LANGUAGE.md, "Meaning"):
 *
 * - addresses are BigInts, CIDR membership is a mask comparison, zones and roles are expanded
 *   by name on every lookup, `except` is a set difference evaluated point-wise;
 * - the first rule whose source, destination and services contain the packet decides;
 * - otherwise the ingress default applies if the destination lies in a role, the egress default
 *   if the source does; permitted only if every applicable default permits; a packet touching
 *   no role is permitted;
 * - `any` is every IPv4 and IPv6 address and every role without addresses; such a role is an
 *   opaque set of endpoints, disjoint from every literal address.
 *
 * The model is printed to .pal text by the tests' own printer, so palisade's parser, loader
 * (an import), parameter binding, `if` expansion, name resolution, set algebra and service
 * resolution are all on the path. Rules whose families can never meet (PAL5001) are predicted
 * by the model; palisade must report exactly those, and they are then dropped.
 *
 * The model, its naive evaluator, its printer and the generators live in ./model.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explain, parsePacket, type Arg } from '../../src/analysis/explain.js';
import { analyze } from '../../src/compile.js';
import { SourceFile, type Diagnostic } from '../../src/diagnostics/index.js';
import type { Packet, PacketEnd } from '../../src/ir/index.js';
import {
  buildPacket,
  candidates,
  inExpr,
  liveRules,
  modelArb,
  naiveVerdict,
  predictNeverMatches,
  printModel,
  rawPacketArb,
  type End,
  type Model,
  type RawPacket,
} from './model.js';

// =====================================================================================
// The property
// =====================================================================================

const stats = {
  rulesets: 0,
  packets: 0,
  permitted: 0,
  denied: 0,
  byRule: 0,
  byDefaults: 0,
  outsidePolicy: 0,
  bothDefaults: 0,
  opaqueEnds: 0,
  ipv6: 0,
  neverMatchPredicted: 0,
  importUsed: 0,
};

const commandLine = new SourceFile('<command line>', 'palisade explain main.pal ARGS');
const arg = (text: string): Arg => ({ text, span: commandLine.span(0, 8) });

function errorsOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

function describeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${d.span ? `${d.span.source.name}:${d.span.line}:${d.span.column}: ` : ''}${d.code} ${d.message}`).join('\n');
}

function runAnalyze(files: Record<string, string>) {
  return analyze({ entry: 'main.pal', read: (p) => (Object.hasOwn(files, p) ? { text: files[p]! } : { error: 'no such file' }) });
}

function sameEnd(a: PacketEnd, b: End): boolean {
  if (b.kind === 'role') return a.kind === 'role' && a.role === b.role;
  return a.kind === 'address' && a.family === b.fam && a.value === b.value;
}

function checkRuleset(m: Model, packets: readonly RawPacket[]): void {
  stats.rulesets++;
  if (m.useImport) stats.importUsed++;

  // 1. Rules whose families cannot meet: palisade must report exactly those (PAL5001).
  const never = predictNeverMatches(m);
  const first = printModel(m, new Set());
  const firstResult = runAnalyze(first.files);
  const firstErrors = errorsOf(firstResult.diagnostics);
  let printed = first;
  let result = firstResult;
  if (never.size > 0) {
    stats.neverMatchPredicted += never.size;
    const context = `${first.files['main.pal']}\n${first.files['defs/lib.pal'] ?? ''}\n${describeDiagnostics(firstErrors)}`;
    expect(firstResult.ir, context).toBeUndefined();
    expect(firstErrors.map((d) => d.code), context).toEqual(firstErrors.map(() => 'PAL5001'));
    const expectedLines = [...never].map((id) => first.ruleLines.get(id)!).sort((a, b) => a - b);
    const actualLines = firstErrors.map((d) => d.span?.line ?? -1).sort((a, b) => a - b);
    expect(actualLines, context).toEqual(expectedLines);
    printed = printModel(m, never);
    result = runAnalyze(printed.files);
  }
  const text = `${printed.files['main.pal']}${printed.files['defs/lib.pal'] ? `--- defs/lib.pal\n${printed.files['defs/lib.pal']}` : ''}`;
  expect(describeDiagnostics(errorsOf(result.diagnostics)), text).toBe('');
  const ir = result.ir!;
  expect(ir, text).toBeDefined();

  // 2. The rules in effect are the model's, in order.
  const rules = liveRules(m, never);
  expect(ir.rules.map((r) => r.action), text).toEqual(rules.map((r) => r.action));
  rules.forEach((r, i) => {
    if (r.name !== undefined) expect(ir.rules[i]!.name, text).toBe(r.name);
  });

  // 3. Every packet: palisade's explain agrees with the naive evaluator.
  const cands = candidates(m);
  for (const raw of packets) {
    const { pkt, args } = buildPacket(cands, raw);
    const where = `${text}\npacket: palisade explain main.pal ${args.protocol} ${args.source} ${args.destination} ${args.port ?? ''}`;
    const parsed = parsePacket(ir, {
      protocol: arg(args.protocol),
      source: arg(args.source),
      destination: arg(args.destination),
      port: args.port === undefined ? undefined : arg(args.port),
    });
    expect(describeDiagnostics(parsed.diagnostics), where).toBe('');
    const packet: Packet = parsed.packet!;
    expect(packet.protocol, where).toBe(pkt.proto);
    expect(packet.port, where).toBe(pkt.port);
    expect(sameEnd(packet.source, pkt.src), where).toBe(true);
    expect(sameEnd(packet.destination, pkt.dst), where).toBe(true);

    const expected = naiveVerdict(m, rules, pkt);
    const { verdict, text: explained } = explain(ir, packet);
    const got =
      verdict.by === 'rule'
        ? { permitted: verdict.permitted, by: 'rule', index: ir.rules.indexOf(verdict.rule) }
        : {
            permitted: verdict.permitted,
            by: 'defaults',
            ingress: verdict.defaults.some((d) => d.direction === 'ingress'),
            egress: verdict.defaults.some((d) => d.direction === 'egress'),
          };
    const want =
      expected.by === 'rule'
        ? { permitted: expected.permitted, by: 'rule', index: expected.index }
        : { permitted: expected.permitted, by: 'defaults', ingress: expected.ingress, egress: expected.egress };
    expect(got, `${where}\n${explained}`).toEqual(want);
    expect(explained.split('\n')[0], where).toMatch(expected.permitted ? /^permitted: / : /^denied: /);
    if (verdict.by === 'rule' && expected.by === 'rule') {
      if (expected.rule.name !== undefined) expect(verdict.rule.name, where).toBe(expected.rule.name);
      expect(explained, where).toContain(`by rule ${verdict.rule.name} at main.pal:${printed.ruleLines.get(expected.rule.id)}:`);
    }
    if (verdict.by === 'defaults') {
      // The role each default names really contains that end.
      for (const d of verdict.defaults) {
        const end = d.direction === 'ingress' ? pkt.dst : pkt.src;
        const decl = m.addrs.find((a) => a.name === d.role);
        expect(decl?.kind, where).toBe('role');
        const contains = decl?.expr ? inExpr(m, decl.expr, end) : end.kind === 'role' && end.role === d.role;
        expect(contains, `${where}\n${explained}`).toBe(true);
      }
    }

    stats.packets++;
    if (expected.permitted) stats.permitted++;
    else stats.denied++;
    if (expected.by === 'rule') stats.byRule++;
    else {
      stats.byDefaults++;
      if (!expected.ingress && !expected.egress) stats.outsidePolicy++;
      if (expected.ingress && expected.egress) stats.bothDefaults++;
    }
    if (pkt.src.kind === 'role' || pkt.dst.kind === 'role') stats.opaqueEnds++;
    if ((pkt.src.kind === 'addr' && pkt.src.fam === 6) || (pkt.dst.kind === 'addr' && pkt.dst.fam === 6)) stats.ipv6++;
  }
}

const NUM_RUNS = Number(process.env['PALISADE_PROP_RUNS'] ?? 1000);

describe('explain agrees with a naive reference evaluator', () => {
  it('on random rulesets and boundary packets', () => {
    for (const k of Object.keys(stats) as (keyof typeof stats)[]) stats[k] = 0;
    fc.assert(
      fc.property(modelArb, fc.array(rawPacketArb, { minLength: 16, maxLength: 40 }), (m, packets) => {
        checkRuleset(m, packets);
      }),
      { numRuns: NUM_RUNS },
    );

    // Not vacuous: every kind of verdict occurred, many times.
    const min = Math.max(5, Math.floor(NUM_RUNS / 20));
    expect(stats.rulesets).toBe(NUM_RUNS);
    expect(stats.permitted).toBeGreaterThan(min);
    expect(stats.denied).toBeGreaterThan(min);
    expect(stats.byRule).toBeGreaterThan(min);
    expect(stats.byDefaults).toBeGreaterThan(min);
    expect(stats.outsidePolicy).toBeGreaterThan(0);
    expect(stats.bothDefaults).toBeGreaterThan(0);
    expect(stats.opaqueEnds).toBeGreaterThan(min);
    expect(stats.ipv6).toBeGreaterThan(min);
    expect(stats.neverMatchPredicted).toBeGreaterThan(0);
    expect(stats.importUsed).toBeGreaterThan(0);
    console.log(`explain property: ${JSON.stringify(stats)}`);
  });
});
