/**
 * Attribution (src/analysis/attribute.ts), which `diff`'s text output uses to say which rule
 * decides each changed packet ("+ allow ...", "was denied by ..."): on random rulesets
 * (./model.ts), the permitted set split by deciding rule, and the denied set likewise, are
 * partitions (disjoint parts whose union is the whole), and every random packet lies in exactly
 * one part, named after the rule (or default) that explain says decides it. The same on
 * policies of several gates (as artifacts read back have: an ACL per direction, a group per
 * role), where a packet is permitted only if every gate in scope permits it, an allowed packet
 * is named by the first gate's rule, and a denied one by the first gate that denies it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacketUniverse, rulesetPolicy, type Gate, type Origin, type PacketSet, type Policy } from '../../src/analysis/index.js';
import { splitByDecider, type Decided } from '../../src/analysis/attribute.js';
import { PolicyAnalysis } from '../../src/analysis/gates.js';
import { analyze } from '../../src/compile.js';
import { evaluate, inSet, serviceMatches, type Packet, type PacketEnd, type Ruleset } from '../../src/ir/index.js';
import { buildPacket, candidates, modelArb, predictNeverMatches, printModel, rawPacketArb, type End, type Pkt } from './model.js';

const SCALE = Number(process.env['PALISADE_PROP_SCALE'] ?? 1);
const RUNS = Math.max(10, Math.round(200 * SCALE));

const toEnd = (e: End): PacketEnd => (e.kind === 'role' ? { kind: 'role', role: e.role } : { kind: 'address', family: e.fam, value: e.value });
function toPacket(p: Pkt): Packet {
  const base = { source: toEnd(p.src), destination: toEnd(p.dst), protocol: p.proto };
  return p.port === undefined ? base : { ...base, port: p.port };
}

/** The origin label of the rule or default that decides `p`, by explain (src/ir/evaluate.ts). */
function decidingLabel(ir: Ruleset, p: Packet): string {
  const v = evaluate(ir, p);
  if (v.by === 'rule') return v.rule.name;
  const applied = new Set(v.defaults.map((d) => d.direction));
  if (applied.size === 0) return 'outside the policy';
  // The policy lists denying defaults first, ingress before egress (src/analysis/policy.ts).
  for (const action of ['deny', 'allow'] as const) {
    for (const direction of ['ingress', 'egress'] as const) {
      if (applied.has(direction) && ir.defaults[direction].action === action) return `default ${direction} ${action}`;
    }
  }
  throw new Error('a default applied but none matched');
}

/** A model printed and read into the IR (no errors allowed). */
function load(m: Parameters<typeof printModel>[0]): { ir: Ruleset; text: string } {
  const { files } = printModel(m, predictNeverMatches(m));
  const text = Object.entries(files).map(([name, t]) => `--- ${name}\n${t}`).join('');
  const analyzed = analyze({ entry: 'main.pal', read: (p) => (Object.hasOwn(files, p) ? { text: files[p]! } : { error: 'no such file' }) });
  expect(analyzed.ir, text).toBeDefined();
  return { ir: analyzed.ir!, text };
}

/** A gate's own decision on `p` (first match, then its fallback), or undefined when `p` is out of its scope. */
function gateDecision(g: Gate, p: Packet): { action: 'allow' | 'deny'; origin: Origin } | undefined {
  if (g.scope.kind === 'source' && !inSet(g.scope.addresses, p.source)) return undefined;
  if (g.scope.kind === 'destination' && !inSet(g.scope.addresses, p.destination)) return undefined;
  const r = g.rules.find((x) => inSet(x.source, p.source) && inSet(x.destination, p.destination) && serviceMatches(x.services, p.protocol, p.port));
  return r ? { action: r.action, origin: r.origin } : { action: g.fallback, origin: g.fallbackOrigin };
}

/** The parts are disjoint and their union is `whole`. */
function expectPartition(parts: readonly Decided[], whole: PacketSet, context: string): void {
  let union = whole.universe.empty();
  for (const part of parts) {
    expect(part.region.isEmpty(), context).toBe(false);
    expect(union.intersect(part.region).isEmpty(), `${context}\noverlapping part ${part.origin.label}`).toBe(true);
    union = union.union(part.region);
  }
  expect(union.equals(whole), context).toBe(true);
}

/** The permitted and denied sets split by deciding rule, each checked to be a partition. */
function splitBoth(pa: PolicyAnalysis, text: string): { permitted: PacketSet; allowParts: Decided[]; denyParts: Decided[] } {
  const permitted = pa.permitted();
  const denied = permitted.complement();
  const allowParts = splitByDecider(pa, permitted, 'allow');
  const denyParts = splitByDecider(pa, denied, 'deny');
  expectPartition(allowParts, permitted, `allowed parts\n${text}`);
  expectPartition(denyParts, denied, `denied parts\n${text}`);
  return { permitted, allowParts, denyParts };
}

describe('diff attribution: the deciding rule of every packet', () => {
  it('splits the permitted and the denied set exactly as explain decides', () => {
    const stats = { rulesets: 0, packets: 0, allowParts: 0, denyParts: 0, byRule: 0, byDefault: 0 };
    fc.assert(
      fc.property(modelArb, fc.array(rawPacketArb, { minLength: 16, maxLength: 16 }), (m, raws) => {
        const { ir, text } = load(m);
        const policy = rulesetPolicy(ir, 'main.pal');
        const { permitted, allowParts, denyParts } = splitBoth(new PolicyAnalysis(new PacketUniverse(policy.opaqueRoles), policy), text);
        stats.rulesets++;
        stats.allowParts += allowParts.length;
        stats.denyParts += denyParts.length;
        const c = candidates(m);
        for (const raw of raws) {
          const p = toPacket(buildPacket(c, raw).pkt);
          const parts = permitted.has(p) ? allowParts : denyParts;
          const holding = parts.filter((part) => part.region.has(p));
          const where = `${text}\npacket ${JSON.stringify(p, (_, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))}`;
          expect(holding.length, where).toBe(1);
          const want = decidingLabel(ir, p);
          expect(holding[0]!.origin.label, where).toBe(want);
          stats.packets++;
          if (want.startsWith('default ') || want === 'outside the policy') stats.byDefault++;
          else stats.byRule++;
        }
      }),
      { numRuns: RUNS },
    );
    console.log(`attribution = explain: ${JSON.stringify(stats)}`);
    expect(stats.rulesets).toBe(RUNS);
    expect(stats.byRule).toBeGreaterThan(RUNS);
    expect(stats.byDefault).toBeGreaterThan(RUNS);
    expect(stats.denyParts).toBeGreaterThan(RUNS);
  }, 120_000);
});

describe('diff attribution on policies of several gates', () => {
  it('names the first gate for an allowed packet and the first denying gate for a denied one', () => {
    const stats = { policies: 0, packets: 0, permitted: 0, deniedBySecond: 0 };
    fc.assert(
      fc.property(modelArb, modelArb, fc.array(rawPacketArb, { minLength: 16, maxLength: 16 }), (ma, mb, raws) => {
        const a = load(ma);
        const b = load(mb);
        const text = `=== gate 1\n${a.text}=== gate 2 (scope: destination in the first role of B, or all)\n${b.text}`;
        const ga = rulesetPolicy(a.ir, 'a.pal').gates[0]!;
        const gb = rulesetPolicy(b.ir, 'b.pal').gates[0]!;
        const scoped = b.ir.roles.find((r) => r.addresses !== undefined)?.addresses;
        const opaqueRoles = [...new Set([...a.ir.roles, ...b.ir.roles].filter((r) => r.addresses === undefined).map((r) => r.name))].sort();
        const policy: Policy = {
          label: 'two gates',
          opaqueRoles,
          gates: [
            { ...ga, name: 'a' },
            { ...gb, name: 'b', scope: scoped ? { kind: 'destination', addresses: scoped } : { kind: 'all' } },
          ],
        };
        const { permitted, allowParts, denyParts } = splitBoth(new PolicyAnalysis(new PacketUniverse(opaqueRoles), policy), text);
        stats.policies++;
        const c = candidates(ma);
        for (const raw of raws) {
          const p = toPacket(buildPacket(c, raw).pkt);
          const decisions = policy.gates.map((g) => gateDecision(g, p)).filter((d) => d !== undefined);
          const allowed = decisions.every((d) => d.action === 'allow');
          const where = `${text}\npacket ${JSON.stringify(p, (_, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))}`;
          expect(permitted.has(p), where).toBe(allowed);
          const want = allowed ? decisions[0]?.origin : decisions.find((d) => d.action === 'deny')!.origin;
          const holding = (allowed ? allowParts : denyParts).filter((part) => part.region.has(p));
          if (want === undefined) {
            // In no gate's scope: permitted, and no rule decides it.
            expect(holding, where).toEqual([]);
            continue;
          }
          expect(holding.length, where).toBe(1);
          expect(holding[0]!.origin, `${where}\nwant ${want.label}, got ${holding[0]!.origin.label}`).toBe(want);
          stats.packets++;
          if (allowed) stats.permitted++;
          else if (decisions[0]!.action === 'allow') stats.deniedBySecond++;
        }
      }),
      { numRuns: RUNS },
    );
    console.log(`attribution over two gates: ${JSON.stringify(stats)}`);
    expect(stats.policies).toBe(RUNS);
    expect(stats.permitted).toBeGreaterThan(RUNS / 2);
    // Denied by the second gate after the first allowed: where keeping only denying parts matters.
    expect(stats.deniedBySecond).toBeGreaterThan(RUNS / 4);
  }, 180_000);
});
