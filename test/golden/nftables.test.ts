/**
 * nftables output for every ruleset, as whole-file goldens (update with `vitest -u`), and every
 * golden loaded by the real `nft -f` inside a throwaway network namespace.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { assignments } from '../helpers.js';
import { goldenCases } from './rulesets.js';
import type { SourceReader } from '../../src/parser/load.js';

const read: SourceReader = (p) => {
  try {
    return { text: readFileSync(p, 'utf8') };
  } catch {
    return { error: 'no such file' };
  }
};

const work = mkdtempSync(path.join(tmpdir(), 'palisade-nft-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Loads a file with `nft -f` in a new network namespace and lists the result. */
function nftLoad(file: string): string {
  return execFileSync('unshare', ['-n', 'sh', '-c', 'nft -f "$1" && nft -f "$1" && nft list ruleset', 'sh', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe.each(goldenCases)('nftables: $name', ({ name, file, set }) => {
  const result = compile({ entry: file, read, set: assignments(...set), target: 'nftables' });

  it('compiles without diagnostics', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.artifacts?.length).toBeGreaterThan(0);
  });

  for (const artifact of result.artifacts ?? []) {
    it(`${artifact.path} matches its golden`, async () => {
      await expect(artifact.contents).toMatchFileSnapshot(`nftables/${name}/${artifact.path}`);
    });

    it(`${artifact.path} loads with nft -f, twice, into one table`, () => {
      const golden = readFileSync(path.join('test/golden/nftables', name, artifact.path), 'utf8');
      const copy = path.join(work, `${name}-${artifact.path}`);
      writeFileSync(copy, golden);
      const listed = nftLoad(copy);
      expect(listed.match(/^table /gm)).toEqual(['table ']);
      expect(listed).toContain('table inet palisade {');
      expect(listed).toContain('chain input {');
    });
  }
});

describe('determinism', () => {
  it('gives the same bytes for the same input', () => {
    for (const { file, set } of goldenCases) {
      const a = compile({ entry: file, read, set: assignments(...set), target: 'nftables' });
      const b = compile({ entry: file, read, set: assignments(...set), target: 'nftables' });
      expect(b.artifacts).toEqual(a.artifacts);
    }
  });
});
