/**
 * Fail-closed matrix (issue 9, item 3): every registered target × every language feature
 * (test/security/features.ts). Each cell either
 *
 * - compiles, and the artifact read back by the target's reader is equivalent to the ruleset
 *   under `diffPolicies` (switch ACLs: the exact check of their property test,
 *   test/backends/switch-acl-check.ts: nothing lost, extras only the documented reply gaps,
 *   every reply passes), and every packet the target must enforce (to each role; from each
 *   role where it filters egress) that the read-back does not judge at all, so lets through
 *   unfiltered, is one the ruleset permits; or
 * - is refused with errors only, each with a code and a position inside the feature's files.
 *
 * Never a success whose read-back permits a packet the ruleset does not. Targets come from the
 * registry, so a new target is covered automatically; it must have a reading below (its own
 * reader, or one named in READBACK). The matrix is printed at the end (docs/reliability.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffPolicies, jsonDifferences, PacketUniverse, permittedSet, rulesetPolicy, type PacketSet, type Policy } from '../../src/analysis/index.js';
import { aclPolicy, parseAcls, type DialectId } from '../../src/backends/acl/index.js';
import { backends, getBackend, type Artifact, type TargetId } from '../../src/backends/index.js';
import { builtinIcmpServices, ICMP_DROPPED } from '../../src/backends/talos/implicit.js';
import { analyze, compile } from '../../src/compile.js';
import { formatDiagnostic, type Diagnostic } from '../../src/diagnostics/index.js';
import type { AddressSet, Ruleset, ServiceSet } from '../../src/ir/index.js';
import { fromCloudFormation, fromTerraform, groupsJson } from '../backends/aws-artifacts.js';
import { checkSwitch } from '../backends/switch-acl-check.js';
import { assignments, memoryReader } from '../helpers.js';
import { makeSim, runScript, seedState, writeState, type Sim } from '../proxmox/sim-harness.js';
import { features, type Feature } from './features.js';

const TARGETS = Object.keys(backends) as TargetId[];
const SWITCHES: readonly string[] = ['cisco', 'arista', 'nxos'];

/**
 * A column of the matrix: a target with its defaults, or with the options that accept its
 * documented gaps. Such a column is held to exactly those gaps, in their documented direction:
 *
 * - switch ACLs with `narrow-replies`: their property test's check with narrow = true (replies
 *   of protocols other than TCP, UDP and ICMP are not promised);
 * - Talos with `icmp = "talos"`, `egress = "elsewhere"`, `protocols = "tcp-udp"`: the artifact
 *   may permit more only by Talos's built-in ICMP accepts (ICMP but the dropped types, all
 *   ICMPv6), and less only by those dropped types and by protocols other than TCP, UDP, ICMP
 *   and ICMPv6; egress is not its to judge (capabilities.egress is false).
 */
interface Column {
  readonly name: string;
  readonly target: TargetId;
  readonly set: readonly string[];
  readonly gaps?: 'narrow-replies' | 'talos';
}

const TALOS_GAPS = ['icmp=talos', 'egress=elsewhere', 'protocols=tcp-udp'];
const COLUMNS: readonly Column[] = [
  ...TARGETS.map((target) => ({ name: target, target, set: [] })),
  ...TARGETS.filter((t) => SWITCHES.includes(t)).map((target) => ({ name: `${target}+narrow`, target, set: [`${target}.narrow-replies=true`], gaps: 'narrow-replies' as const })),
  ...(['talos', 'talos-nft'] as const).map((target) => ({ name: `${target}+gaps`, target, set: TALOS_GAPS.map((o) => `${target}.${o}`), gaps: 'talos' as const })),
];

/** A role's VMs for the Proxmox targets: 100+i and 200+i. */
const vmIds = (ir: Ruleset): number[][] => ir.roles.map((_, i) => [100 + i, 200 + i]);

/** Target options a feature needs to mean anything on a target (the rest keep their defaults). */
function targetOptions(target: TargetId, ir: Ruleset | undefined): string[] {
  if (!ir || (target !== 'proxmox' && target !== 'proxmox-fw')) return [];
  const vms = vmIds(ir).map((ids, i) => `${target}.vms.${ir.roles[i]!.name}=${ids.join(',')}`);
  return [...vms, `${target}.enable_datacenter=true`, ...(target === 'proxmox' ? ['proxmox.nic_firewall=true'] : [])];
}

interface ReadBack {
  readonly policy?: Policy;
  readonly diagnostics: readonly Diagnostic[];
}

const files = (artifacts: readonly Artifact[]) => artifacts.map((a) => ({ path: a.path, text: a.contents }));

let sim: Sim | undefined;

/**
 * How each target's artifact is read back. Targets with a `read` use it; the two without one
 * (terraform, cloudformation) are turned into security groups by the test-only reading of
 * test/backends/aws-artifacts.ts and read by the aws reader; proxmox's script is run by bash
 * against the simulated pvesh and the resulting firewall state read by its reader.
 */
const READBACK: Partial<Record<TargetId, (artifacts: readonly Artifact[], ir: Ruleset) => Promise<ReadBack>>> = {
  terraform: async (artifacts, ir) => {
    const tf = artifacts.find((a) => a.path.endsWith('.tf'))!;
    return getBackend('aws').read!([{ path: 'groups.json', text: groupsJson(fromTerraform(tf.contents)) }], { roles: ir.roles });
  },
  cloudformation: async (artifacts, ir) => {
    const t = artifacts.find((a) => a.path.endsWith('.json'))!;
    return getBackend('aws').read!([{ path: 'groups.json', text: groupsJson(fromCloudFormation(t.contents)) }], { roles: ir.roles });
  },
  aws: async (artifacts, ir) => getBackend('aws').read!(files(artifacts.filter((a) => a.path === 'security-groups.json')), { roles: ir.roles }),
  pfsense: async (artifacts, ir) => getBackend('pfsense').read!(files(artifacts.filter((a) => a.path.endsWith('.xml'))), { roles: ir.roles }),
  opnsense: async (artifacts, ir) => getBackend('opnsense').read!(files(artifacts.filter((a) => a.path.endsWith('.xml'))), { roles: ir.roles }),
  proxmox: async (artifacts, ir) => {
    const name = `fc-${Math.random().toString(36).slice(2)}`;
    const state = writeState(sim!, `${name}.json`, seedState(vmIds(ir).flat()));
    const run = await runScript(sim!, artifacts[0]!.contents, state, name);
    expect([run.status, run.stderr]).toEqual([0, '']);
    return getBackend('proxmox').read!([{ path: 'state.json', text: run.stateText }], { roles: ir.roles });
  },
};

async function readBack(target: TargetId, artifacts: readonly Artifact[], ir: Ruleset): Promise<ReadBack> {
  const special = READBACK[target];
  if (special) return special(artifacts, ir);
  const backend = getBackend(target);
  expect(backend.read, `${target} has no reader and no reading in READBACK`).toBeDefined();
  return backend.read!(files(artifacts), { roles: ir.roles });
}

const roleSet = (r: Ruleset['roles'][number]): AddressSet => r.addresses ?? { v4: [], v6: [], opaque: [r.name] };

/** The packets the target must judge: to every role, and from every role where it filters egress. */
function enforced(target: TargetId, ir: Ruleset): Policy {
  const kinds = getBackend(target).capabilities.egress ? (['destination', 'source'] as const) : (['destination'] as const);
  return {
    label: 'enforced',
    opaqueRoles: ir.roles.filter((r) => !r.addresses).map((r) => r.name),
    gates: ir.roles.flatMap((r) =>
      kinds.map((kind) => ({
        name: `${r.name} ${kind}`,
        scope: { kind, addresses: roleSet(r) },
        rules: [],
        fallback: 'deny' as const,
        fallbackOrigin: { label: 'x', text: 'x' },
      })),
    ),
  };
}

/**
 * A packet the target must judge that the read-back does not judge passes unfiltered (no chain,
 * no firewall on that path); that is fail-closed only when the ruleset permits it too. Returns
 * such a packet the ruleset denies, if any.
 */
function unfilteredDenied(target: TargetId, ir: Ruleset, domainOf: (u: PacketUniverse) => PacketSet, opaque: readonly string[]): string | undefined {
  const u = new PacketUniverse([...opaque, ...ir.roles.filter((r) => !r.addresses).map((r) => r.name)]);
  const want = permittedSet(u, enforced(target, ir)).domain;
  const permitted = permittedSet(u, rulesetPolicy(ir, 'ruleset')).permitted;
  const missing = want.minus(domainOf(u)).minus(permitted).witness();
  return missing === undefined ? undefined : JSON.stringify(missing, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}

const svc = (entries: ServiceSet['entries']): ServiceSet => ({ any: false, entries });
/** Talos's built-in accepts: ICMP but the dropped types, and all ICMPv6. */
const TALOS_ACCEPTS: ServiceSet = builtinIcmpServices;
/** What the accepting options may remove: the dropped ICMP types, and protocols Talos documents do not get. */
const TALOS_DROPS: ServiceSet = svc([
  { protocol: 1, ports: ICMP_DROPPED.map((t) => [t, t] as const) },
  ...Array.from({ length: 256 }, (_, p) => p)
    .filter((p) => ![1, 6, 17, 58].includes(p))
    .map((protocol) => ({ protocol })),
]);

/** The packets of these services between any two ends, in a universe. */
function everywhere(u: PacketUniverse, services: ServiceSet): PacketSet {
  const all: AddressSet = { v4: [[0, 0xffffffff]], v6: [[0n, (1n << 128n) - 1n]], opaque: u.opaqueRoles };
  const origin = { label: 'gap', text: 'gap' };
  return permittedSet(u, {
    label: 'gap',
    opaqueRoles: [],
    gates: [{ name: 'gap', scope: { kind: 'all' }, rules: [{ action: 'allow', source: all, destination: all, services, origin }], fallback: 'deny', fallbackOrigin: origin }],
  }).permitted;
}

const where = (d: Diagnostic): string => (d.span ? `${d.span.source.name}:${d.span.line}:${d.span.column}` : '(no position)');

/** A refusal: errors only, each with a PAL code and a position inside one of the feature's files. */
function expectPositionedRefusal(feature: Feature, diagnostics: readonly Diagnostic[]): string[] {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const context = diagnostics.map(formatDiagnostic).join('\n');
  expect(errors.length, context).toBeGreaterThan(0);
  for (const e of errors) {
    expect(e.code, context).toMatch(/^PAL\d{4}$/);
    expect(e.span, context).toBeDefined();
    const text = feature.files[e.span!.source.name];
    expect(text, `${where(e)} is not in the feature's files\n${context}`).toBeDefined();
    const lines = text!.split('\n');
    expect(e.span!.line, context).toBeGreaterThanOrEqual(1);
    expect(e.span!.line, context).toBeLessThanOrEqual(lines.length);
    expect(e.span!.column, context).toBeGreaterThanOrEqual(1);
    expect(e.span!.column, context).toBeLessThanOrEqual(lines[e.span!.line - 1]!.length + 1);
  }
  return [...new Set(errors.map((e) => e.code))].sort();
}

/** The result of one cell: `ok`, or `refused:` and the error codes. */
async function judge(column: Column, feature: Feature): Promise<string> {
  const target = column.target;
  const read = memoryReader(feature.files);
  const own = assignments(...(feature.set ?? []));
  const analyzed = analyze({ entry: 'main.pal', read, set: own });
  const ir = analyzed.ir;
  const set = assignments(...(feature.set ?? []), ...targetOptions(target, ir), ...column.set);
  const compiled = compile({ entry: 'main.pal', read, set, target });
  if (!compiled.artifacts) return `refused:${expectPositionedRefusal(feature, compiled.diagnostics).join(',')}`;
  expect(ir, 'a ruleset that compiles analyzes').toBeDefined();
  expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const text = Object.entries(feature.files).map(([n, t]) => `--- ${n}\n${t}`).join('');
  const context = `${text}${compiled.artifacts.map((a) => `--- ${a.path}\n${a.contents}`).join('')}`;

  if (SWITCHES.includes(target)) {
    const id = target as DialectId;
    const out = files(compiled.artifacts);
    const check = checkSwitch(ir!, out, id, column.gaps === 'narrow-replies');
    expect({ ...check, gapUsed: undefined }, context).toEqual({ errors: '', gapUsed: undefined });
    const acls = parseAcls(out, id).acls!;
    const missing = unfilteredDenied(target, ir!, (u) => permittedSet(u, aclPolicy(acls, ir!.roles, 'opening', id)).domain, []);
    expect(missing, `${context}\na packet the ruleset denies is not filtered by the ACL`).toBeUndefined();
    return 'ok';
  }

  const back = await readBack(target, compiled.artifacts, ir!);
  expect(back.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), context).toEqual([]);
  const diff = diffPolicies(rulesetPolicy(ir!, 'ruleset'), { ...back.policy!, label: 'artifact' });
  if (column.gaps === 'talos') {
    const added = diff.addedSet.minus(everywhere(diff.universe, TALOS_ACCEPTS));
    const removed = diff.removedSet.minus(everywhere(diff.universe, TALOS_DROPS));
    expect(jsonDifferences({ ...diff, addedSet: added, removedSet: removed, equivalent: added.isEmpty() && removed.isEmpty() }), context).toEqual({ equivalent: true, differences: [] });
  } else {
    expect(jsonDifferences(diff), context).toEqual({ equivalent: true, differences: [] });
  }
  const missing = unfilteredDenied(target, ir!, (u) => permittedSet(u, back.policy!).domain, back.policy!.opaqueRoles);
  expect(missing, `${context}\na packet the ruleset denies is not filtered by the artifact`).toBeUndefined();
  return 'ok';
}

const matrix = new Map<string, string>();

describe('fail-closed matrix: every target × every language feature', () => {
  beforeAll(async () => {
    sim = await makeSim();
  });
  afterAll(async () => {
    await sim?.close();
    const width = Math.max(...features.map((f) => f.id.length));
    const names = COLUMNS.map((c) => c.name);
    const lines = [`| feature | ${names.join(' | ')} |`, `|---|${names.map(() => '---').join('|')}|`];
    for (const f of features) lines.push(`| ${f.id.padEnd(width)} | ${names.map((c) => matrix.get(`${c} ${f.id}`) ?? 'FAILED').join(' | ')} |`);
    const ok = [...matrix.values()].filter((v) => v === 'ok').length;
    const cells = COLUMNS.length * features.length;
    console.log(`fail-closed matrix (${COLUMNS.length} columns (${TARGETS.length} targets) × ${features.length} features: ${ok} ok, ${matrix.size - ok} refused, ${cells - matrix.size} failed)\n${lines.join('\n')}`);
  });

  it('covers every registered target', () => {
    expect(TARGETS.length).toBeGreaterThanOrEqual(13);
  });

  describe.each(COLUMNS.map((c) => [c.name, c] as const))('%s', (name, column) => {
    it.each(features.map((f) => [f.id, f] as const))('%s', async (id, feature) => {
      matrix.set(`${name} ${id}`, await judge(column, feature));
    });
  });
});
