/**
 * Talos round trip (fast-check): for random rulesets that the talos target compiles without an
 * error, the patches read back by the talos reader, and Talos's own rendering (talos-nft) read
 * back by the nftables reader, are each equivalent to the ruleset on every role's ingress (the
 * packets Talos judges), exactly, by the analysis engine.
 *
 * Random rulesets come from test/properties/model.ts, with every role given addresses, and are
 * then brought closer to what Talos can express, so that most compile: ICMP to the roles is made
 * Talos's built-in ICMP (first two rules), services are kept to TCP, UDP and ICMP (`any` becomes
 * all of TCP and UDP), and egress defaults to allow. Deny rules keep only
 * their destinations in roles, and an ingress default of allow becomes "allow TCP and UDP".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffPolicies, jsonDifferences, rulesetPolicy, type Policy } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { builtinIcmpServices, ICMP_DROPPED } from '../../src/backends/talos/implicit.js';
import { defaultTalosOptions, type TalosOptions } from '../../src/backends/talos/options.js';
import { analyze } from '../../src/compile.js';
import { formatDiagnostic } from '../../src/diagnostics/index.js';
import { emptySet, intersectSets, unionSets, universe, type Endpoint, type Rule, type Ruleset, type ServiceSet } from '../../src/ir/index.js';
import { memoryReader } from '../helpers.js';
import { cidrArb, modelArb, predictNeverMatches, printModel, type Model } from './model.js';

const SCALE = Number(process.env['PALISADE_PROP_SCALE'] ?? '1');
const RUNS = Math.max(10, Math.round(200 * SCALE));

const OPTIONS: TalosOptions = { ...defaultTalosOptions, 'pod-subnets': '198.18.0.0/32', 'service-subnets': '198.18.0.1/32' };

const modelWithAddresses: fc.Arbitrary<Model> = fc.tuple(modelArb, fc.array(cidrArb, { minLength: 7, maxLength: 7 })).map(([m, cidrs]) => {
  let addrs = m.addrs.map((d, i) => (d.kind === 'role' && !d.expr ? { ...d, expr: { inc: [{ t: 'cidr' as const, c: cidrs[i]! }], exc: [] } } : d));
  if (!addrs.some((d) => d.kind === 'role')) addrs = addrs.map((d, i) => (i === 0 ? { ...d, kind: 'role' as const } : d));
  return { ...m, addrs };
});

const TCP_UDP: ServiceSet = { any: false, entries: [{ protocol: 6 }, { protocol: 17 }] };

/** Services kept to what Talos can express; undefined when nothing is left. */
function talosServices(s: ServiceSet): ServiceSet | undefined {
  if (s.any) return TCP_UDP;
  const entries = s.entries.filter((e) => [1, 6, 17, 58].includes(e.protocol));
  return entries.length === 0 ? undefined : { any: false, entries };
}

function talosShaped(ir: Ruleset): Ruleset {
  const span = ir.roles[0]!.span;
  const roles = ir.roles.reduce((acc, r) => unionSets(acc, r.addresses ?? emptySet), emptySet);
  const end = (addresses: typeof roles, text: string): Endpoint => ({ terms: [], except: [], addresses, text, span });
  const rule = (name: string, action: 'allow' | 'deny', services: ServiceSet): Rule => ({
    name,
    named: true,
    action,
    source: end(universe([]), 'any'),
    destination: end(roles, 'roles'),
    services,
    servicesText: name,
    span,
  });
  const rules = ir.rules.flatMap((r) => {
    const services = talosServices(r.services);
    if (!services) return [];
    // Deny rules only towards the roles: what they deny on the way out, Talos cannot.
    if (r.action === 'deny') return [{ ...r, services, destination: { ...r.destination, addresses: intersectSets(r.destination.addresses, roles) } }];
    return [{ ...r, services }];
  });
  // An ingress default of allow: all of TCP and UDP, and nothing else.
  const tail = ir.defaults.ingress.action === 'allow' ? [rule('tcp-udp', 'allow', TCP_UDP), rule('rest', 'deny', { any: true, entries: [] })] : [];
  return {
    ...ir,
    rules: [rule('talos-icmp-drop', 'deny', { any: false, entries: [{ protocol: 1, ports: ICMP_DROPPED.map((t) => [t, t] as const) }] }), rule('talos-icmp', 'allow', builtinIcmpServices), ...rules, ...tail],
    defaults: { ...ir.defaults, egress: { action: 'allow' } },
  };
}

function equivalent(ir: Ruleset, read: { policy?: Policy; diagnostics: readonly { message: string }[] }, context: string): void {
  expect(read.diagnostics.map((d) => d.message), context).toEqual([]);
  const diff = diffPolicies(rulesetPolicy(ir, 'ruleset'), { ...read.policy!, label: 'artifact' });
  expect(jsonDifferences(diff), context).toEqual({ equivalent: true, differences: [] });
}

describe('talos: compile, read back, diff', () => {
  it('read(emit(ruleset)) is equivalent to the ruleset on every role ingress, for the patch and the rendering', () => {
    const stats = { rulesets: 0, compiled: 0, documents: 0, blockedByDiagnostics: {} as Record<string, number> };
    const talos = getBackend('talos');
    const nft = getBackend('talos-nft');
    fc.assert(
      fc.property(modelWithAddresses, (m) => {
        const { files } = printModel(m, predictNeverMatches(m));
        const analyzed = analyze({ entry: 'main.pal', read: memoryReader(files) });
        if (!analyzed.ir) return;
        stats.rulesets++;
        const ir = talosShaped(analyzed.ir);
        const errors = talos.check(ir, OPTIONS).filter((d) => d.severity === 'error');
        if (errors.length > 0) {
          for (const e of errors) {
            const why = e.message.replace(/"[^"]*"/g, '_').replace(/\(e\.g\..*$/, '').slice(0, 140);
            stats.blockedByDiagnostics[why] = (stats.blockedByDiagnostics[why] ?? 0) + 1;
          }
          return;
        }
        stats.compiled++;
        const patches = talos.emit(ir, OPTIONS);
        stats.documents += patches.reduce((n, a) => n + (a.contents.match(/kind: NetworkRuleConfig/g)?.length ?? 0), 0);
        const context = `${files['main.pal']}\n${patches.map((a) => `--- ${a.path}\n${a.contents}`).join('')}`;
        equivalent(ir, talos.read!(patches.map((a) => ({ path: a.path, text: a.contents })), { roles: ir.roles }), context);
        expect(nft.check(ir, OPTIONS).map(formatDiagnostic)).toEqual([]);
        const rendered = nft.emit(ir, OPTIONS);
        equivalent(ir, getBackend('nftables').read!(rendered.map((a) => ({ path: a.path, text: a.contents })), { roles: ir.roles }), `${context}\n${rendered.map((a) => a.contents).join('')}`);
      }),
      { numRuns: RUNS },
    );
    console.log(`talos round trip: ${JSON.stringify(stats)}`);
    expect(stats.compiled).toBeGreaterThan(RUNS / 4);
    expect(stats.documents).toBeGreaterThan(RUNS / 2);
  }, 120_000);
});
