/**
 * cisco, arista and nxos output for every ruleset, as whole-file goldens (update with
 * `vitest -u`); every golden read back by its target's reader and checked exactly against the
 * ruleset (nothing lost, extras only the documented reply gaps, every reply passes).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, analyze } from '../../src/compile.js';
import { formatDiagnostic } from '../../src/diagnostics/index.js';
import type { SourceReader } from '../../src/parser/load.js';
import { assignments } from '../helpers.js';
import { checkSwitch } from '../backends/switch-acl-check.js';
import { goldenCases } from './rulesets.js';

const read: SourceReader = (p) => {
  try {
    return { text: readFileSync(p, 'utf8') };
  } catch {
    return { error: 'no such file' };
  }
};

const targets = ['cisco', 'arista', 'nxos'] as const;

describe.each(targets.flatMap((target) => goldenCases.map((c) => ({ target, ...c }))))('$target: $name', ({ target, name, file, set }) => {
  const result = compile({ entry: file, read, set: assignments(...set), target });

  if (!result.artifacts) {
    // A ruleset the target cannot express: the golden is the exact positioned error output.
    it('compile.err matches its golden', async () => {
      expect(result.diagnostics.length).toBeGreaterThan(0);
      await expect(`${result.diagnostics.map(formatDiagnostic).join('\n')}\n`).toMatchFileSnapshot(`${target}/${name}/compile.err`);
    });
    return;
  }

  it('compiles without diagnostics', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.artifacts?.map((a) => a.path)).toEqual([`PALISADE-v1.${{ cisco: 'ios', arista: 'eos', nxos: 'nxos' }[target]}`, 'cost.json']);
  });

  for (const artifact of result.artifacts ?? []) {
    it(`${artifact.path} matches its golden`, async () => {
      await expect(artifact.contents).toMatchFileSnapshot(`${target}/${name}/${artifact.path}`);
    });
  }

  it('reads back: nothing lost, extras only the documented reply gaps, every reply passes', () => {
    const ir = analyze({ entry: file, read, set: assignments(...set) }).ir!;
    const files = (result.artifacts ?? []).map((a) => ({ path: a.path, text: readFileSync(path.join('test/golden', target, name, a.path), 'utf8') }));
    const check = checkSwitch(ir, files, target);
    expect({ ...check, gapUsed: undefined }).toEqual({ errors: '', gapUsed: undefined });
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same input', () => {
    for (const target of targets) {
      for (const { file, set } of goldenCases) {
        const a = compile({ entry: file, read, set: assignments(...set), target });
        const b = compile({ entry: file, read, set: assignments(...set), target });
        expect(b.artifacts).toEqual(a.artifacts);
        expect(b.diagnostics.map(formatDiagnostic)).toEqual(a.diagnostics.map(formatDiagnostic));
      }
    }
  });
});
