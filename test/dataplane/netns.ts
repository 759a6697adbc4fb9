/**
 * What the dataplane tests share: finding `ip` and `nft`, running commands with a clear error,
 * waiting for a condition, and reading a ruleset from disk.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
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
