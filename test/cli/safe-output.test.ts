/**
 * Safe output (issue 9, item 4), through the real binary: an existing `--out` directory is left
 * byte for byte as it was by every kind of failed compile (bad ruleset, target refusal, bad
 * option, a write that fails half-way); nothing is created for a failed compile; no temporary
 * file is left behind, after success or failure; and the exit statuses are LANGUAGE.md's.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, workspace } from './workspace.js';

const { work, file } = workspace('palisade-safe-');

/** Every file and directory under `dir` (hidden ones too), with the bytes of each file. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      if (statSync(p).isDirectory()) {
        out[`${r}/`] = '';
        walk(p, r);
      } else out[r] = readFileSync(p, 'latin1');
    }
  };
  walk(dir, '');
  return out;
}

/** A fresh output directory holding earlier output: two artifacts, a hidden file, a subdirectory. */
function existingOutput(name: string): string {
  const out = path.join(work, name);
  mkdirSync(path.join(out, 'sub'), { recursive: true });
  writeFileSync(path.join(out, 'controlplane.nft'), 'old controlplane\n');
  writeFileSync(path.join(out, 'worker.nft'), Buffer.from([0xff, 0x00, 0x0a]));
  writeFileSync(path.join(out, '.keep'), '');
  writeFileSync(path.join(out, 'sub', 'notes.txt'), 'mine\n');
  return out;
}

const GOOD = 'rulesets/talos-aws.pal';
const BAD = () => file('bad.pal', 'role controlplane = 10.0.1.0/24\nallow wroker -> controlplane tcp/1\n');
const REFUSED = () => file('refused.pal', 'role controlplane\nallow any -> controlplane tcp/22\n');

describe('an existing --out directory is left byte-identical when compile fails', () => {
  it.each([
    ['a bad ruleset', () => ['compile', BAD(), '--target', 'nftables'], 'PAL3001'],
    ['a target refusal', () => ['compile', REFUSED(), '--target', 'nftables'], 'PAL6001'],
    ['an unknown option', () => ['compile', GOOD, '--target', 'nftables', '--bogus'], 'PAL7002'],
    ['an unknown target option', () => ['compile', GOOD, '--target', 'nftables', '--set', 'nftables.bogus=1'], 'PAL'],
    ['an unknown target', () => ['compile', GOOD, '--target', 'nft'], 'PAL7002'],
    ['a bad parameter value', () => ['compile', GOOD, '--target', 'nftables', '--set', 'vpc_cidr=10.0.0.1/16'], 'PAL4008'],
  ] as const)('%s', (name, args, code) => {
    const out = existingOutput(`keep-${name.replace(/\W+/g, '-')}`);
    const before = snapshot(out);
    const r = run(...args(), '--out', out);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^[^\\n]+?:\\d+:\\d+: error: .*\\[${code}\\d*\\]$`, 'm'));
    expect(snapshot(out)).toEqual(before);
  });

  it('a write that fails half-way: the replaced files are put back, nothing new is left', () => {
    const out = existingOutput('keep-half-way');
    // worker.nft cannot be replaced: a directory stands in its place (controlplane.nft is renamed first).
    rmSync(path.join(out, 'worker.nft'));
    mkdirSync(path.join(out, 'worker.nft'));
    writeFileSync(path.join(out, 'worker.nft', 'inside'), 'x');
    const before = snapshot(out);
    const r = run('compile', GOOD, '--target', 'nftables', '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^<command line>:1:\d+: error: .*\[PAL7003\]$/);
    expect(snapshot(out)).toEqual(before);
  });
});

describe('nothing is created for a failed compile', () => {
  it.each([
    ['a bad ruleset', BAD],
    ['a target refusal', REFUSED],
  ])('%s: no --out directory, not even its parents', (name, source) => {
    const out = path.join(work, `never-${name.replace(/\W+/g, '-')}`, 'a', 'b');
    expect(run('compile', source(), '--target', 'nftables', '--out', out).status).toBe(2);
    expect(existsSync(path.dirname(path.dirname(out)))).toBe(false);
  });

  it('a write that fails: the directories it created are removed again', () => {
    const parent = path.join(work, 'blocked');
    writeFileSync(parent, 'a file where a directory would go\n');
    const r = run('compile', GOOD, '--target', 'nftables', '--out', path.join(parent, 'out'));
    expect(r.status).toBe(2);
    expect(readFileSync(parent, 'utf8')).toBe('a file where a directory would go\n');
    const fresh = path.join(work, 'fresh');
    mkdirSync(fresh);
    // The target directory is new, its second artifact cannot be written: fresh/ is left empty.
    mkdirSync(path.join(fresh, 'out', 'worker.nft'), { recursive: true });
    writeFileSync(path.join(fresh, 'out', 'worker.nft', 'inside'), 'x');
    const before = snapshot(fresh);
    expect(run('compile', GOOD, '--target', 'nftables', '--out', path.join(fresh, 'out')).status).toBe(2);
    expect(snapshot(fresh)).toEqual(before);
  });
});

describe('no temporary file is left behind', () => {
  it('after a successful compile, into a new and into an existing directory', () => {
    const out = path.join(work, 'temps', 'new');
    expect(run('compile', GOOD, '--target', 'nftables', '--out', out).status).toBe(0);
    expect(Object.keys(snapshot(out))).toEqual(['controlplane.nft', 'worker.nft']);
    const again = existingOutput('temps-existing');
    expect(run('compile', GOOD, '--target', 'nftables', '--out', again).status).toBe(0);
    expect(Object.keys(snapshot(again))).toEqual(['.keep', 'controlplane.nft', 'sub/', 'sub/notes.txt', 'worker.nft']);
    expect(readFileSync(path.join(again, 'worker.nft'), 'utf8')).toBe(readFileSync(path.join(out, 'worker.nft'), 'utf8'));
  });

  it('after a failed write', () => {
    const out = existingOutput('temps-failed');
    rmSync(path.join(out, 'worker.nft'));
    mkdirSync(path.join(out, 'worker.nft'));
    expect(run('compile', GOOD, '--target', 'nftables', '--out', out).status).toBe(2);
    expect(Object.keys(snapshot(out)).filter((f) => f.endsWith('.tmp') || f.endsWith('.old'))).toEqual([]);
  });
});

describe('exit statuses (LANGUAGE.md "Command line"; warnings do not fail a compile)', () => {
  const warn = () => file('warn.pal', 'param a: list(cidr) = []\nzone admin = $a\nrole cp = 10.0.1.0/24\nx allow admin -> cp tcp/1\n');
  it.each([
    ['success', () => ['compile', GOOD, '--target', 'nftables'], 0],
    ['success with warnings', () => ['compile', warn(), '--target', 'nftables'], 0],
    ['a bad ruleset', () => ['compile', BAD(), '--target', 'nftables'], 2],
    ['a target refusal', () => ['compile', REFUSED(), '--target', 'nftables'], 2],
    ['a missing file', () => ['compile', path.join(work, 'nope.pal'), '--target', 'nftables'], 2],
    ['a missing --target', () => ['compile', GOOD], 2],
    ['an unknown option', () => ['compile', GOOD, '--target', 'nftables', '--bogus'], 2],
    ['no command', () => [], 2],
  ] as const)('%s', (name, args, status) => {
    const r = run(...args());
    expect(r.status).toBe(status);
    // Errors are positioned on stderr; without a command the usage is printed.
    if (status === 2 && name !== 'no command') expect(r.stderr).toMatch(/^[^\n]+?:\d+:\d+: error: /m);
    if (name === 'no command') expect(r.stdout).toMatch(/^usage:/);
  });
});
