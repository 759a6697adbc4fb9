/**
 * The command line as the CLI tests meet it: the bundled binary run in a fresh process (rebuilt
 * by vitest's globalSetup), and a temporary folder per test file for rulesets and outputs,
 * removed after that file's tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const bin = path.resolve('bin/palisade.js');

/** `palisade ARGS...`, its exit status and both streams. */
export function run(...args: string[]): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary folder for this test file (`work`) and `file(name, text)`, which writes one in it. */
export function workspace(prefix: string): { readonly work: string; file(name: string, text: string): string } {
  const work = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  return {
    work,
    file(name, text) {
      const p = path.join(work, name);
      writeFileSync(p, text);
      return p;
    },
  };
}
