/**
 * What the dataplane tests share: finding `ip` and `nft`, running commands with a clear error,
 * waiting for a condition, reading a ruleset from disk, `explain`'s prediction for a connection,
 * and the listener and prober scripts run inside the namespaces.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { explain, parsePacket } from '../../src/analysis/explain.js';
import { CommandLine, formatDiagnostic, hasErrors, type Diagnostic } from '../../src/diagnostics/index.js';
import type { Ruleset } from '../../src/ir/index.js';
import type { ReadResult } from '../../src/parser/load.js';

const READY_TIMEOUT_MS = 10_000;

// --- tools ----------------------------------------------------------------------------------

/** The absolute path of a tool, also looking in the sbin directories a non-root PATH lacks. */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(path.delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function requireTools(): { ip: string; nft: string } {
  const ip = findTool('ip');
  const nft = findTool('nft');
  const missing = [
    ...(ip ? [] : ['`ip` (Debian/Ubuntu package iproute2)']),
    ...(nft ? [] : ['`nft` (Debian/Ubuntu package nftables)']),
  ];
  if (missing.length > 0 || !ip || !nft) {
    throw new Error(
      `dataplane test: ${missing.join(' and ')} not found in PATH or /usr/sbin, /sbin. ` +
        'This test loads real nftables rules into network namespaces; install the tools ' +
        '(e.g. `apt-get install -y iproute2 nftables`) and run it as root.',
    );
  }
  return { ip, nft };
}

/** Runs a command (no shell) and returns its stdout; a failure names the command and its stderr. */
export function run(file: string, args: readonly string[], timeout = 15_000): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string; status?: number | null };
    const stderr = typeof err.stderr === 'string' ? err.stderr.trim() : '';
    const root = process.getuid?.() === 0 ? '' : ' (not running as root: this test needs CAP_NET_ADMIN)';
    throw new Error(
      `dataplane test: \`${[file, ...args].join(' ')}\` failed` +
        `${err.status != null ? ` with status ${err.status}` : ''}${root}: ${stderr || err.message}`,
    );
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(what: string, check: () => boolean, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return;
    if (Date.now() > deadline) throw new Error(`dataplane test: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export function readSource(file: string): ReadResult {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

// --- predictions and the processes inside the namespaces ------------------------------------

/** Throws with the formatted diagnostics when a step of the test setup has errors. */
export function noErrors(what: string, diagnostics: readonly Diagnostic[]): void {
  if (hasErrors(diagnostics)) {
    throw new Error(`${what} failed:\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
  }
}

export interface Prediction {
  readonly permitted: boolean;
  readonly by: string;
}

/** `palisade explain RULESET tcp SOURCE SERVER PORT`, in process: what the ruleset says of one connection. */
export function predict(ir: Ruleset, ruleset: string, source: string, server: string, port: number): Prediction {
  const argv = ['explain', ruleset, 'tcp', source, server, String(port)];
  const line = new CommandLine(argv);
  const arg = (i: number) => ({ text: argv[i]!, span: line.span(i) });
  const parsed = parsePacket(ir, { protocol: arg(2), source: arg(3), destination: arg(4), port: arg(5) });
  if (!parsed.packet) noErrors(`explain tcp ${source} ${server} ${port}`, parsed.diagnostics);
  const { verdict } = explain(ir, parsed.packet!);
  return {
    permitted: verdict.permitted,
    by: verdict.by === 'rule' ? verdict.rule.name : `defaults (${verdict.defaults.map((d) => `${d.direction} ${d.policy.action}`).join(', ')})`,
  };
}

/** Listens on every port given as an argument, prints `ready`, exits when stdin closes. */
export const LISTENER = `
const net = require('node:net');
const ports = process.argv.slice(1).map(Number);
let pending = ports.length;
for (const port of ports) {
  const server = net.createServer((socket) => { socket.on('error', () => {}); socket.end(); });
  server.on('error', (e) => { process.stderr.write('listen ' + port + ': ' + e.message + '\\n'); process.exit(3); });
  server.listen({ host: '0.0.0.0', port }, () => { if (--pending === 0) process.stdout.write('ready\\n'); });
}
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
`;

/** Connects to every probe in parallel and prints one JSON array of outcomes. */
export const PROBE = `
import net from 'node:net';
const { host, timeoutMs, probes } = JSON.parse(process.argv[2]);
const results = await Promise.all(probes.map((p) => new Promise((resolve) => {
  const started = Date.now();
  let done = false;
  const socket = net.connect({ host, port: p.port, localAddress: p.source });
  const finish = (outcome, detail) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.destroy();
    resolve({ source: p.source, port: p.port, outcome, detail, ms: Date.now() - started });
  };
  const timer = setTimeout(() => finish('timeout'), timeoutMs);
  socket.once('connect', () => finish('connected'));
  socket.once('error', (e) => finish('error', e.code ?? e.message));
})));
process.stdout.write(JSON.stringify(results));
`;

export interface ProbeResult {
  readonly source: string;
  readonly port: number;
  readonly outcome: 'connected' | 'timeout' | 'error';
  readonly detail?: string;
  readonly ms: number;
}
