/**
 * Runs generated pvesh scripts for real against the simulator: a `pvesh` shim (a small bash
 * script) first on PATH sends each call's argument vector over loopback TCP to the simulator,
 * served from the test process, which applies it to the JSON state file named by
 * $PVESH_SIM_STATE (written back only when the call succeeds, as the API commits only then) and
 * appends the call to $PVESH_SIM_LOG. `bash SCRIPT` runs as a child process.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pvesh, stateText, type SimState } from './pvesh-sim.js';

export interface Sim {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

// The shim: items are NUL-terminated (count, state file, log file, argv...); the answer is the
// exit status, then stdout and stderr in base64, one per line.
const SHIM = `#!/usr/bin/env bash
exec 3<>"/dev/tcp/127.0.0.1/$PVESH_SIM_PORT"
printf '%s\\0' "$#" "$PVESH_SIM_STATE" "\${PVESH_SIM_LOG:-}" "$@" >&3
IFS= read -r status <&3; IFS= read -r out <&3; IFS= read -r err <&3
[ -z "$out" ] || printf '%s' "$out" | base64 -d
[ -z "$err" ] || printf '%s' "$err" | base64 -d >&2
exit "$status"
`;

function serve(): Server {
  return createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const items = buffer.toString('utf8').split('\0');
      const count = Number(items[0]);
      if (items.length < count + 4) return; // the last item is the empty text after the final NUL
      const [, statePath, logPath, ...argv] = items.slice(0, count + 3);
      if (logPath) appendFileSync(logPath, `${JSON.stringify(argv)}\n`);
      const state = JSON.parse(readFileSync(statePath!, 'utf8')) as SimState;
      const r = pvesh(state, argv);
      if (r.status === 0) writeFileSync(statePath!, stateText(state));
      const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
      socket.end(`${r.status}\n${b64(r.stdout)}\n${b64(r.stderr)}\n`);
    });
  });
}

export async function makeSim(): Promise<Sim> {
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-pvesh-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'pvesh'), SHIM);
  chmodSync(path.join(bin, 'pvesh'), 0o755);
  const server = serve();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, PVESH_SIM_PORT: String(port) };
  return {
    dir,
    env,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        }),
      ),
  };
}

/** A cluster with the firewall off and these guests (each with a net0 without the firewall flag). */
export function seedState(guests: readonly number[], node = 'pve1'): SimState {
  return {
    cluster: { options: {}, ipsets: {}, groups: {}, aliases: {} },
    guests: Object.fromEntries(
      guests.map((vmid) => [
        String(vmid),
        {
          node,
          type: 'qemu',
          config: { net0: `virtio=BC:24:11:00:${String(vmid % 100).padStart(2, '0')}:01,bridge=vmbr0,tag=40` },
          firewall: { options: {}, rules: [], ipsets: {}, aliases: {} },
        },
      ]),
    ),
  };
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly state: SimState;
  readonly stateText: string;
  readonly calls: string[][];
}

export function writeState(sim: Sim, name: string, state: SimState): string {
  const p = path.join(sim.dir, name);
  writeFileSync(p, stateText(state));
  return p;
}

/** Runs `bash script` (written to the sim's directory as NAME.sh) against the state file. */
export async function runScript(sim: Sim, scriptText: string, statePath: string, name: string): Promise<Run> {
  const script = path.join(sim.dir, `${name}.sh`);
  const log = path.join(sim.dir, `${name}.log`);
  writeFileSync(script, scriptText);
  writeFileSync(log, '');
  const child = spawn('bash', [script], { env: { ...sim.env, PVESH_SIM_STATE: statePath, PVESH_SIM_LOG: log }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const text = readFileSync(statePath, 'utf8');
  const calls = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);
  return { status, stdout, stderr, state: JSON.parse(text) as SimState, stateText: text, calls };
}
