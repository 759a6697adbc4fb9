/**
 * Talos dataplane test: the nftables table Talos renders for the control plane of
 * rulesets/proxmox.pal (`--target talos-nft`, gaps accepted: egress elsewhere, Talos's ICMP) is
 * loaded into a real network namespace, and real TCP connections and pings must be accepted or
 * dropped exactly as predicted: by `palisade explain` on the ruleset for TCP, and, for ICMP where
 * the ruleset and Talos differ (the accepted gap), by the talos reader's model of Talos's built-in
 * rules. Both the input-hook ingress chain and the prerouting chain are in force.
 *
 *   client netns (veth1)                          server netns (veth0)
 *     10.40.0.21/24    worker                       10.40.0.11/24  controlplane node
 *     10.40.0.12/24    another control-plane node      + on-link 10.10.0.0/24, 198.51.100.0/24
 *     10.10.0.5/24     admin                           controlplane.nft loaded (nft -f)
 *     198.51.100.9/24  outside
 *
 * Needs root (CAP_NET_ADMIN), `ip`, `nft` and `ping`; it fails (never skips) without them. Every
 * namespace, process and file it creates is removed in afterAll (or on process exit).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../../src/analysis/explain.js';
import { analyze, compile, type RulesetInput } from '../../src/compile.js';
import { CommandLine } from '../../src/diagnostics/index.js';
import { parseAddress, type Assignment, type Packet, type Ruleset } from '../../src/ir/index.js';
import { PacketUniverse, permittedSet, type Policy } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { findTool, LISTENER, noErrors, predict, PROBE, readSource, requireTools, run, waitFor, type ProbeResult } from './netns.js';

const RULESET = fileURLToPath(new URL('../../rulesets/proxmox.pal', import.meta.url));
const ACCEPT = ['talos-nft.egress=elsewhere', 'talos-nft.icmp=talos'];

const SERVER = '10.40.0.11';
const SERVER_PREFIX = 24;
/** Source networks of the client that are not on the server's own /24: on-link routes there. */
const EXTRA_NETS = ['10.10.0.0/24', '198.51.100.0/24'];

const SOURCES = [
  { label: 'worker', address: '10.40.0.21', prefix: 24 },
  { label: 'controlplane peer', address: '10.40.0.12', prefix: 24 },
  { label: 'admin', address: '10.10.0.5', prefix: 24 },
  { label: 'outside', address: '198.51.100.9', prefix: 24 },
] as const;

const PORTS = [6443, 50000, 50001, 2379, 10250, 10257, 4240, 443, 22] as const;

const CONNECT_TIMEOUT_MS = 1500;

const id = `${process.pid}-${randomBytes(3).toString('hex')}`;
const SRV_NS = `pal-tsrv-${id}`;
const CLI_NS = `pal-tcli-${id}`;

// --- palisade -------------------------------------------------------------------------------


/** The input `palisade … rulesets/proxmox.pal [--set …]` gives compile/analyze. */
function rulesetInput(texts: readonly string[] = []): RulesetInput {
  const line = new CommandLine(['compile', RULESET, ...texts.flatMap((t) => ['--set', t])]);
  const set: Assignment[] = texts.map((text, i) => {
    const eq = text.indexOf('=');
    return { key: text.slice(0, eq), keySpan: line.span(3 + 2 * i, 0, eq), value: text.slice(eq + 1), valueSpan: line.span(3 + 2 * i, eq + 1) };
  });
  return { entry: RULESET, read: readSource, set };
}

function explainPermits(ir: Ruleset, packet: Packet): boolean {
  return explain(ir, packet).verdict.permitted;
}

// --- processes inside the namespaces --------------------------------------------------------

/** One ICMP echo (argv[3] = 8) or timestamp (13) request from argv[1] to argv[2] over a raw socket; exit 0 on its reply within 1 s. */
const PING = `
import os, select, socket, struct, sys, time
src, dst, kind = sys.argv[1], sys.argv[2], int(sys.argv[3])
def checksum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
ident = os.getpid() & 0xffff
body = struct.pack('!BBHHH', kind, 0, 0, ident, 1) + (b'palisade' if kind == 8 else bytes(12))
packet = body[:2] + struct.pack('!H', checksum(body)) + body[4:]
sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
sock.bind((src, 0))
sock.sendto(packet, (dst, 0))
deadline = time.time() + 1.0
while time.time() < deadline:
    ready, _, _ = select.select([sock], [], [], deadline - time.time())
    if not ready: break
    data, addr = sock.recvfrom(2048)
    icmp = data[(data[0] & 15) * 4:]
    if addr[0] == dst and icmp[0] == (0 if kind == 8 else 14) and struct.unpack('!H', icmp[4:6])[0] == ident: sys.exit(0)
sys.exit(1)
`;

// --- the test -------------------------------------------------------------------------------

describe("dataplane: Talos's rendering of proxmox controlplane in a network namespace", () => {
  let ip = 'ip';
  let nft = 'nft';
  let workDir: string | undefined;
  let listener: ChildProcess | undefined;
  const namespaces: string[] = [];
  let ir: Ruleset;
  let talosPolicy: Policy;
  let nftFile: string;
  let probeScript: string;
  let pingScript: string;

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

    // Compile exactly what `palisade compile … --target talos-nft --set …` would write.
    const compiled = compile({ ...rulesetInput(ACCEPT), target: 'talos-nft' });
    noErrors('palisade compile', compiled.diagnostics);
    const artifact = compiled.artifacts?.find((a) => a.path === 'controlplane.nft');
    if (!artifact) throw new Error('palisade compile wrote no controlplane.nft');
    // The talos patch read back: Talos's model, built-in rules included, for the ICMP gap.
    const patches = compile({ ...rulesetInput(ACCEPT.map((a) => a.replace('talos-nft.', 'talos.'))), target: 'talos' });
    noErrors('palisade compile --target talos', patches.diagnostics);
    const read = getBackend('talos').read!(patches.artifacts!.map((a) => ({ path: a.path, text: a.contents })), {});
    noErrors('talos reader', read.diagnostics);
    talosPolicy = read.policy!;
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

    // Baseline for ICMP too: without a firewall the server answers echo and timestamp requests.
    const python = findTool('python3');
    if (!python) throw new Error('dataplane test: `python3` not found (it sends the ICMP requests over a raw socket)');
    pingScript = path.join(workDir, 'ping.py');
    writeFileSync(pingScript, PING);
    for (const type of ['8', '13']) run(ip, ['netns', 'exec', CLI_NS, python, pingScript, SOURCES[0].address, SERVER, type]);

    run(ip, ['netns', 'exec', SRV_NS, nft, '-f', nftFile]);
    const table = run(ip, ['netns', 'exec', SRV_NS, nft, 'list', 'table', 'inet', 'talos']);
    expect(table).toMatch(/hook input priority mangle \+ 10; policy drop;/);
    expect(table).toMatch(/hook prerouting priority dstnat - 10; policy accept;/);
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

  it("answers pings as Talos's built-in ICMP accept does, where the ruleset (accepted gap) denies them", () => {
    const python = findTool('python3')!;
    const universe = new PacketUniverse([]);
    const { permitted } = permittedSet(universe, talosPolicy);
    const rows = SOURCES.flatMap((s) => [8, 13].map((type) => ({ s, type }))).map(({ s, type }) => {
      const packet: Packet = {
        source: { kind: 'address', ...parseAddress(s.address)! },
        destination: { kind: 'address', ...parseAddress(SERVER)! },
        protocol: 1,
        port: type,
      };
      let answered = true;
      try {
        execFileSync(ip, ['netns', 'exec', CLI_NS, python, pingScript, s.address, SERVER, String(type)], { stdio: 'pipe', timeout: 10_000 });
      } catch {
        answered = false;
      }
      return { label: `${s.label} type ${type}`, type, talos: permitted.has(packet), ruleset: explainPermits(ir, packet), answered };
    });
    console.log(`ping matrix:\n${rows.map((r) => `${r.label.padEnd(28)} talos ${r.talos} ruleset ${r.ruleset} answered ${r.answered}`).join('\n')}`);
    expect(rows.map((r) => r.answered)).toEqual(rows.map((r) => r.talos));
    // Talos's model accepts every echo request and drops every timestamp request; the ruleset
    // permits neither (default ingress deny): the echo requests are the gap the icmp option accepts.
    expect(rows.map((r) => [r.type, r.talos, r.ruleset])).toEqual(rows.map((r) => [r.type, r.type === 8, false]));
  });
});
