/**
 * Declarations may appear in any order (LANGUAGE.md): moving them must not change a byte of
 * the output. Rules, and `if` blocks holding rules, keep their relative order (it is meaning).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { SourceFile } from '../../src/diagnostics/index.js';
import { parse, type Statement } from '../../src/parser/index.js';
import { printProgram } from '../../src/parser/print.js';
import { assignments, memoryReader } from '../helpers.js';
import { goldenCases } from './rulesets.js';

const ordered = (s: Statement): boolean => s.kind === 'rule' || s.kind === 'if';

describe.each(goldenCases)('reordering declarations of $name', ({ file, set }) => {
  const text = readFileSync(file, 'utf8');
  const statements = parse(new SourceFile(file, text)).program.statements;
  const build = (program: string) =>
    compile({ entry: file, read: memoryReader({ [file]: program }), set: assignments(...set), target: 'nftables' });
  const reference = build(printProgram(statements)).artifacts;

  it('gives the same bytes', () => {
    expect(reference?.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: statements.length, maxLength: statements.length }), (keys) => {
        const declarations = statements.map((s, i) => ({ s, k: keys[i]! })).filter(({ s }) => !ordered(s));
        declarations.sort((a, b) => a.k - b.k);
        const rules = statements.filter(ordered);
        // Interleave: shuffled declarations, with the rules in order at random places among them.
        const merged: Statement[] = [];
        let r = 0;
        declarations.forEach(({ s, k }) => {
          if (r < rules.length && k % 2 === 0) merged.push(rules[r++]!);
          merged.push(s);
        });
        merged.push(...rules.slice(r));
        expect(build(printProgram(merged)).artifacts).toEqual(reference);
      }),
      { numRuns: 25 },
    );
  });
});
