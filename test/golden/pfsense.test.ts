/**
 * pfSense and OPNsense output for every ruleset, as whole-file goldens (update with `vitest -u`).
 * Every golden is parsed by two real XML parsers (fast-xml-parser and xmllint), checked against
 * the products' models (test/backends/pf-validate.ts), and read back by its target's reader into
 * a policy equivalent to the ruleset; the same input gives the same bytes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffPolicies, jsonDifferences, rulesetPolicy } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { analyze, compile } from '../../src/compile.js';
import { SourceFile } from '../../src/diagnostics/index.js';
import { parse } from '../../src/parser/index.js';
import { printProgram } from '../../src/parser/print.js';
import type { SourceReader } from '../../src/parser/load.js';
import { assignments, memoryReader } from '../helpers.js';
import { validateOpnsense, validatePfsense } from '../backends/pf-validate.js';
import { goldenCases } from './rulesets.js';

const read: SourceReader = (p) => {
  try {
    return { text: readFileSync(p, 'utf8') };
  } catch {
    return { error: 'no such file' };
  }
};

const validators: Record<string, (xml: string) => string[]> = {
  'pfsense.xml': validatePfsense,
  'opnsense-config.xml': validateOpnsense,
};

describe.each(['pfsense', 'opnsense'] as const)('%s', (target) => {
  describe.each(goldenCases)('$name', ({ name, file, set }) => {
    const result = compile({ entry: file, read, set: assignments(...set), target });

    it('compiles without diagnostics', () => {
      expect(result.diagnostics).toEqual([]);
      expect(result.artifacts?.map((a) => a.path)).toEqual(target === 'pfsense' ? ['pfsense.xml'] : ['opnsense-config.xml', 'opnsense-api-plan.json']);
    });

    for (const artifact of result.artifacts ?? []) {
      it(`${artifact.path} matches its golden`, async () => {
        await expect(artifact.contents).toMatchFileSnapshot(`${target}/${name}/${artifact.path}`);
      });
    }

    it('is well-formed for xmllint and valid for the product model', () => {
      for (const artifact of result.artifacts ?? []) {
        const golden = path.join('test/golden', target, name, artifact.path);
        if (artifact.path.endsWith('.json')) {
          expect(() => JSON.parse(readFileSync(golden, 'utf8'))).not.toThrow();
          continue;
        }
        expect(execFileSync('xmllint', ['--noout', golden], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toBe('');
        expect(validators[artifact.path]!(readFileSync(golden, 'utf8'))).toEqual([]);
      }
    });

    it('reads back into a policy equivalent to the ruleset', () => {
      const ir = analyze({ entry: file, read, set: assignments(...set) }).ir!;
      const xml = result.artifacts!.find((a) => a.path.endsWith('.xml'))!;
      const back = getBackend(target).read!([{ path: xml.path, text: xml.contents }], { roles: ir.roles });
      expect(back.diagnostics).toEqual([]);
      const diff = diffPolicies(rulesetPolicy(ir, file), back.policy!);
      expect(jsonDifferences(diff)).toEqual({ equivalent: true, differences: [] });
    });

    it('gives the same bytes for the same input, and with the declarations reversed', () => {
      const again = compile({ entry: file, read, set: assignments(...set), target });
      expect(again.artifacts).toEqual(result.artifacts);
      const statements = parse(new SourceFile(file, readFileSync(file, 'utf8'))).program.statements;
      const ordered = statements.filter((s) => s.kind === 'rule' || s.kind === 'if');
      const declarations = statements.filter((s) => s.kind !== 'rule' && s.kind !== 'if').reverse();
      const program = printProgram([...declarations, ...ordered]);
      const reversed = compile({ entry: file, read: memoryReader({ [file]: program }), set: assignments(...set), target });
      expect(reversed.artifacts).toEqual(result.artifacts);
    });
  });
});
