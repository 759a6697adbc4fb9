/**
 * Dataplane test: the nftables ruleset palisade writes for the control plane of
 * rulesets/talos-aws.pal is loaded into a real network namespace, and real TCP connections from
 * several source addresses must be accepted or dropped exactly as `palisade explain` predicts.
 *
 *   client netns (veth1)                          server netns (veth0)
 *     10.0.2.20/16     worker                       10.0.1.10/16  controlplane host
 *     10.0.5.5/16      VPC, in no role                 + on-link 192.0.2.0/24, 198.51.100.0/24
 *     10.0.1.20/16     another control-plane node      controlplane.nft loaded (nft -f)
 *     192.0.2.7/24     admin (--set allowed_admin_cidrs=192.0.2.0/24)
 *     198.51.100.9/24  outside
 *
 * Needs root (CAP_NET_ADMIN), `ip` (iproute2) and `nft` (nftables). When they are missing the
 * test fails with a message saying so; it is never skipped. Every namespace, process and file it
 * creates is removed in afterAll (and, should the worker die first, on process exit).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, compile, type RulesetInput } from '../../src/compile.js';
import { CommandLine } from '../../src/diagnostics/index.js';
import type { Assignment, Ruleset } from '../../src/ir/index.js';
import { findTool, LISTENER, noErrors, predict, PROBE, readSource, requireTools, run, waitFor, type ProbeResult } from './netns.js';

const RULESET = fileURLToPath(new URL('../../rulesets/talos-aws.pal', import.meta.url));
const ADMIN_CIDRS = '192.0.2.0/24';

const SERVER = '10.0.1.10';
const SERVER_PREFIX = 16;
/** Source networks of the client that are not on the server's own /16: on-link routes there. */
const EXTRA_NETS = ['192.0.2.0/24', '198.51.100.0/24'];

const SOURCES = [
  { label: 'worker', address: '10.0.2.20', prefix: 16 },
  { label: 'vpc (no role)', address: '10.0.5.5', prefix: 16 },
  { label: 'controlplane peer', address: '10.0.1.20', prefix: 16 },
  { label: 'admin', address: '192.0.2.7', prefix: 24 },
  { label: 'outside', address: '198.51.100.9', prefix: 24 },
] as const;

const PORTS = [6443, 50000, 50001, 2379, 10250, 10257, 4240, 22] as const;

const CONNECT_TIMEOUT_MS = 1500;

const id = `${process.pid}-${randomBytes(3).toString('hex')}`;
const SRV_NS = `pal-srv-${id}`;
const CLI_NS = `pal-cli-${id}`;

// --- palisade -------------------------------------------------------------------------------


/** The input `palisade … rulesets/talos-aws.pal --set allowed_admin_cidrs=…` gives compile/analyze. */
function rulesetInput(): RulesetInput {
  const text = `allowed_admin_cidrs=${ADMIN_CIDRS}`;
  const line = new CommandLine(['compile', RULESET, '--set', text]);
  const eq = text.indexOf('=');
  const set: Assignment = {
    key: text.slice(0, eq),
    keySpan: line.span(3, 0, eq),
    value: text.slice(eq + 1),
    valueSpan: line.span(3, eq + 1),
  };
  return { entry: RULESET, read: readSource, set: [set] };
}

// --- processes inside the namespaces --------------------------------------------------------

// --- the test -------------------------------------------------------------------------------

describe('dataplane: talos-aws controlplane.nft in a network namespace', () => {
  let ip = 'ip';
  let nft = 'nft';
  let workDir: string | undefined;
  let listener: ChildProcess | undefined;
  const namespaces: string[] = [];
  let ir: Ruleset;
  let nftFile: string;
  let probeScript: string;

  function probeAll(): ProbeResult[] {
    const probes = SOURCES.flatMap((s) => PORTS.map((port) => ({ source: s.address, port })));
    const request = JSON.stringify({ host: SERVER, timeoutMs: CONNECT_TIMEOUT_MS, probes });
    const out = run(ip, ['netns', 'exec', CLI_NS, process.execPath, probeScript, request], 20_000);
    const results = JSON.parse(out) as ProbeResult[];
    expect(results).toHaveLength(probes.length);
    return results;
  }

  /** Synchronous and idempotent, so it can also run from a process 'exit' handler. */
  function cleanup(): string[] {
    const problems: string[] = [];
    if (listener && listener.exitCode === null && listener.signalCode === null) {
      try {
        listener.stdin?.destroy();
        listener.kill('SIGKILL');
      } catch (e) {
        problems.push(`kill listener: ${(e as Error).message}`);
      }
    }
    // Deleting a namespace also removes the veth pair (both ends live in the namespaces).
    for (const ns of namespaces.splice(0).reverse()) {
      try {
        execFileSync(ip, ['netns', 'delete', ns], { stdio: 'pipe', timeout: 10_000 });
      } catch (e) {
        problems.push(`ip netns delete ${ns}: ${(e as Error).message}`);
      }
    }
    if (workDir) {
      rmSync(workDir, { recursive: true, force: true });
      workDir = undefined;
    }
    return problems;
  }
  const onExit = () => void cleanup();

  beforeAll(async () => {
    process.once('exit', onExit);
    ({ ip, nft } = requireTools());

    // Compile exactly what `palisade compile … --target nftables --set …` would write.
    const compiled = compile({ ...rulesetInput(), target: 'nftables' });
    noErrors('palisade compile', compiled.diagnostics);
    const artifact = compiled.artifacts?.find((a) => a.path === 'controlplane.nft');
    if (!artifact) throw new Error('palisade compile wrote no controlplane.nft');
    expect(artifact.contents).toContain(`allowed_admin_cidrs=[${ADMIN_CIDRS}]`);
    const analyzed = analyze(rulesetInput());
    noErrors('palisade analyze', analyzed.diagnostics);
    ir = analyzed.ir!;

    workDir = mkdtempSync(path.join(tmpdir(), 'palisade-dataplane-'));
    nftFile = path.join(workDir, 'controlplane.nft');
    writeFileSync(nftFile, artifact.contents);
    probeScript = path.join(workDir, 'probe.mjs');
    writeFileSync(probeScript, PROBE);

    // Two namespaces joined by a veth pair created directly inside them.
    for (const ns of [SRV_NS, CLI_NS]) {
      run(ip, ['netns', 'add', ns]);
      namespaces.push(ns);
    }
    run(ip, ['-n', SRV_NS, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1', 'netns', CLI_NS]);
    run(ip, ['-n', SRV_NS, 'addr', 'add', `${SERVER}/${SERVER_PREFIX}`, 'dev', 'veth0']);
    for (const s of SOURCES) run(ip, ['-n', CLI_NS, 'addr', 'add', `${s.address}/${s.prefix}`, 'dev', 'veth1']);
    for (const [ns, dev] of [
      [SRV_NS, 'veth0'],
      [CLI_NS, 'veth1'],
    ] as const) {
      run(ip, ['-n', ns, 'link', 'set', 'lo', 'up']);
      run(ip, ['-n', ns, 'link', 'set', dev, 'up']);
    }
    // Replies to the sources outside the server's /16 leave on the veth too.
    for (const net of EXTRA_NETS) run(ip, ['-n', SRV_NS, 'route', 'add', net, 'dev', 'veth0']);

    // Listeners on every port in the server namespace (started before the firewall exists).
    const child = spawn(ip, ['netns', 'exec', SRV_NS, process.execPath, '-e', LISTENER, ...PORTS.map(String)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    listener = child;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => (stderr += `spawn: ${e.message}`));

    const operUp = (ns: string, dev: string) => {
      const links = JSON.parse(run(ip, ['-j', '-n', ns, 'link', 'show', 'dev', dev])) as { operstate?: string }[];
      return links[0]?.operstate === 'UP';
    };
    await waitFor('both veth ends to be UP', () => operUp(SRV_NS, 'veth0') && operUp(CLI_NS, 'veth1'));
    await waitFor('the listeners in the server namespace', () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`dataplane test: the listener exited (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`);
      }
      return stdout.includes('ready');
    });
    const listening = run(ip, ['netns', 'exec', SRV_NS, findTool('ss') ?? 'ss', '-Hltn']);
    for (const port of PORTS) expect(listening).toMatch(new RegExp(`:${port}\\s`));

    // Baseline without a firewall: every probe must connect, or the test setup itself is broken
    // and a timeout later would prove nothing about the ruleset.
    const baseline = probeAll().filter((r) => r.outcome !== 'connected');
    if (baseline.length > 0) {
      throw new Error(
        `dataplane test: without a firewall these probes did not connect (network setup broken):\n` +
          baseline.map((r) => `  ${r.source} -> ${SERVER}:${r.port} ${r.outcome} ${r.detail ?? ''}`).join('\n'),
      );
    }

    run(ip, ['netns', 'exec', SRV_NS, nft, '-f', nftFile]);
    const table = run(ip, ['netns', 'exec', SRV_NS, nft, 'list', 'table', 'inet', 'palisade']);
    expect(table).toMatch(/hook input priority filter; policy drop;/);
  });

  afterAll(async () => {
    process.removeListener('exit', onExit);
    const child = listener;
    const problems = cleanup();
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        setTimeout(resolve, 5_000).unref();
      });
    }
    const left = run(ip, ['netns', 'list']);
    for (const ns of [SRV_NS, CLI_NS]) if (left.includes(ns)) problems.push(`namespace ${ns} still exists`);
    if (problems.length > 0) throw new Error(`dataplane test cleanup:\n  ${problems.join('\n  ')}`);
  });

  it('accepts and drops real TCP connections exactly as palisade explain predicts', () => {
    const started = Date.now();
    const results = probeAll();
    const rows = results.map((r) => {
      const predicted = predict(ir, RULESET, r.source, SERVER, r.port);
      const label = SOURCES.find((s) => s.address === r.source)?.label ?? '?';
      return { ...r, label, predicted };
    });

    const table = rows.map(
      (r) =>
        `${`${r.label} ${r.source}`.padEnd(32)} :${String(r.port).padEnd(6)} ` +
        `${(r.predicted.permitted ? 'permitted' : 'denied').padEnd(10)} ${r.outcome.padEnd(10)}` +
        `${`${r.ms} ms`.padStart(8)}  ${r.predicted.by}`,
    );
    console.log(`probe matrix (tcp SRC -> ${SERVER}:PORT, ${Date.now() - started} ms):\n${table.join('\n')}`);

    // A refused or failed connect is neither a proof of accept nor of drop.
    expect(rows.filter((r) => r.outcome === 'error').map((r) => `${r.source}:${r.port} ${r.detail}`)).toEqual([]);

    const mismatches = rows
      .filter((r) => r.predicted.permitted !== (r.outcome === 'connected'))
      .map((r) => `${r.source} -> ${SERVER}:${r.port}: predicted ${r.predicted.permitted ? 'permitted' : 'denied'} (${r.predicted.by}), got ${r.outcome}`);
    expect(mismatches).toEqual([]);

    // The matrix must exercise both verdicts, or the test could not fail.
    const permitted = rows.filter((r) => r.predicted.permitted).length;
    const denied = rows.length - permitted;
    expect(permitted).toBeGreaterThanOrEqual(5);
    expect(denied).toBeGreaterThanOrEqual(5);
    expect(rows.filter((r) => r.outcome === 'connected')).toHaveLength(permitted);
    expect(rows.filter((r) => r.outcome === 'timeout')).toHaveLength(denied);
  });
});
