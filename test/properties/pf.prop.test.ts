/**
 * Property: for random rulesets (test/properties/model.ts, every role given addresses),
 * read(emit(ruleset)) is equivalent to the ruleset on the packets that touch a role (first
 * match on the interface, then the explicit default rules), for pfSense and OPNsense; every
 * output is valid for the product's model; emitting twice gives the same bytes. A ruleset the
 * products cannot express must fail with PAL6002 naming a protocol or ICMP type they lack.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffPolicies, jsonDifferences, rulesetPolicy } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { analyze, compile } from '../../src/compile.js';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import { validateOpnsense, validatePfsense } from '../backends/pf-validate.js';
import { cidrArb, modelArb, predictNeverMatches, printModel, type Item, type Model, type PortItem, type Svc } from './model.js';

const SCALE = Number(process.env['PALISADE_PROP_SCALE'] ?? '1');
const RUNS = Math.max(10, Math.round(150 * SCALE));

const memory = (files: Record<string, string>) => (p: string) => (Object.hasOwn(files, p) ? { text: files[p]! } : { error: 'no such file' });

function errorsText(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.span ? `${d.span.source.name}:${d.span.line}:${d.span.column}: ` : ''}${d.code} ${d.message}`)
    .join('\n');
}

/** Models where every role has addresses and there is a role (the targets need both). */
const addressedModelArb: fc.Arbitrary<Model> = fc.tuple(modelArb, fc.array(cidrArb, { minLength: 7, maxLength: 7 })).map(([m, cidrs]) => {
  let addrs = m.addrs.map((d, i) => (d.kind === 'role' && !d.expr ? { ...d, expr: { inc: [{ t: 'cidr' as const, c: cidrs[i]! }], exc: [] } } : d));
  if (!addrs.some((d) => d.kind === 'role')) addrs = addrs.map((d, i) => (i === 0 ? { ...d, kind: 'role' as const } : d));
  return { ...m, addrs };
});

const PF_NUMBERS = [1, 2, 6, 17, 41, 47, 50, 51, 58, 89, 97, 103, 112, 132, 240];
const NAMED_TYPES = { icmp: [0, 3, 8, 11, 5, 13], icmpv6: [1, 2, 128, 129, 135, 136] } as const;

/** The same model with only what the products can express (pf protocols, named ICMP types, no OPNsense SCTP ports). */
function expressible(m: Model, target: string): Model {
  const item = (proto: 'icmp' | 'icmpv6', i: PortItem): PortItem => {
    if (i.t !== 'range') return i;
    const t = NAMED_TYPES[proto][i.from % NAMED_TYPES[proto].length]!;
    return { t: 'range', from: t, to: t, dashed: false };
  };
  const svc = (x: Svc): Svc => {
    if (x.t === 'num' && !PF_NUMBERS.includes(x.n)) return { t: 'num', n: [2, 41, 89, 97, 103, 112, 240][x.n % 7]! };
    if (x.t === 'ports' && (x.proto === 'icmp' || x.proto === 'icmpv6') && x.items) return { ...x, items: x.items.map((i) => item(x.proto as 'icmp' | 'icmpv6', i)) };
    if (x.t === 'ports' && x.proto === 'sctp' && x.items && target === 'opnsense') return { ...x, proto: 'udp' };
    return x;
  };
  const items = (xs: readonly Item[]): Item[] =>
    xs.map((i): Item => (i.t === 'rule' ? { ...i, rule: { ...i.rule, svcs: i.rule.svcs.map(svc) } } : { ...i, then: items(i.then), ...(i.else ? { else: items(i.else) } : {}) }));
  return { ...m, svcs: m.svcs.map((d) => ({ ...d, terms: d.terms.map(svc) })), items: items(m.items) };
}

/** What the products cannot express (lower.ts): protocols outside their list, unnamed ICMP types, SCTP ports on OPNsense. */
const EXPECTED_ERROR = /PAL6002 the (pfsense|opnsense) target cannot express rule "[^"]+": (IP protocol \d+ is not in the protocol list|ICMP(v6)? type [\d, ]+ is not in the product's type list|OPNsense rules take ports only with TCP and UDP)/;

describe.each(['pfsense', 'opnsense'] as const)('%s: compile, read back, diff', (target) => {
  it.each([
    ['random rulesets', (m: Model) => m, 0.2],
    ['random rulesets within what the products express', (m: Model) => expressible(m, target), 0.9],
  ] as const)('is equivalent for %s, and valid for the product', (_, shape, minCompiled) => {
    const stats = { rulesets: 0, compiled: 0, rejected: 0, rules: 0, ipv6: 0, aliases: 0 };
    fc.assert(
      fc.property(addressedModelArb.map(shape), (m) => {
        const { files } = printModel(m, predictNeverMatches(m));
        const text = Object.entries(files).map(([f, t]) => `--- ${f}\n${t}`).join('');
        const analyzed = analyze({ entry: 'main.pal', read: memory(files) });
        expect(errorsText(analyzed.diagnostics), text).toBe('');
        const ir = analyzed.ir!;
        stats.rulesets++;
        const compiled = compile({ entry: 'main.pal', read: memory(files), target });
        const errors = errorsText(compiled.diagnostics);
        if (errors !== '') {
          for (const line of errors.split('\n')) expect(line, text).toMatch(EXPECTED_ERROR);
          stats.rejected++;
          return;
        }
        stats.compiled++;
        const again = compile({ entry: 'main.pal', read: memory(files), target });
        expect(again.artifacts, text).toEqual(compiled.artifacts);
        const xml = compiled.artifacts!.find((a) => a.path.endsWith('.xml'))!;
        const context = `${text}--- ${xml.path}\n${xml.contents}`;
        expect((target === 'pfsense' ? validatePfsense : validateOpnsense)(xml.contents), context).toEqual([]);
        const back = getBackend(target).read!([{ path: xml.path, text: xml.contents }], { roles: ir.roles });
        expect(errorsText(back.diagnostics), context).toBe('');
        const diff = diffPolicies(rulesetPolicy(ir, 'ruleset'), back.policy!);
        expect(diff.equivalent, `${context}\n${JSON.stringify(jsonDifferences(diff), null, 1)}`).toBe(true);
        stats.rules += (xml.contents.match(/<rule[\s>]/g) ?? []).length;
        stats.aliases += (xml.contents.match(/<alias[\s>]/g) ?? []).length;
        if (/inet6|inet46/.test(xml.contents)) stats.ipv6++;
      }),
      { numRuns: RUNS },
    );
    console.log(`${target} round trip: ${JSON.stringify(stats)}`);
    expect(stats.rulesets).toBe(RUNS);
    expect(stats.compiled).toBeGreaterThan(RUNS * minCompiled);
    expect(stats.ipv6).toBeGreaterThan(RUNS / 10);
  }, 120_000);
});
