/**
 * Declarations may appear in any order (LANGUAGE.md): moving them must not change a byte of
 * the output. Rules, and `if` blocks holding rules, keep their relative order (it is meaning).
 * nftables is checked on many reorderings; every other target of the registry on a few, and
 * on two runs of the same input (same bytes, same diagnostics).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backends, type TargetId } from '../../src/backends/index.js';
import { compile } from '../../src/compile.js';
import { formatDiagnostic, SourceFile } from '../../src/diagnostics/index.js';
import { parse, type Statement } from '../../src/parser/index.js';
import { printProgram } from '../../src/parser/print.js';
import { assignments, memoryReader } from '../helpers.js';
import { goldenCases } from './rulesets.js';

const ordered = (s: Statement): boolean => s.kind === 'rule' || s.kind === 'if';

/** The statements with the declarations shuffled by `keys` and the rules, in order, among them. */
function shuffle(statements: readonly Statement[], keys: readonly number[]): Statement[] {
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
  return merged;
}

const codes = (r: ReturnType<typeof compile>): string[] => r.diagnostics.map((d) => `${d.severity} ${d.code}`).sort();

describe.each(goldenCases)('reordering declarations of $name', ({ file, set }) => {
  const text = readFileSync(file, 'utf8');
  const statements = parse(new SourceFile(file, text)).program.statements;
  const build = (program: string, target: TargetId = 'nftables') =>
    compile({ entry: file, read: memoryReader({ [file]: program }), set: assignments(...set), target });
  const reference = build(printProgram(statements)).artifacts;

  it('gives the same bytes', () => {
    expect(reference?.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: statements.length, maxLength: statements.length }), (keys) => {
        expect(build(printProgram(shuffle(statements, keys))).artifacts).toEqual(reference);
      }),
      { numRuns: 25 },
    );
  });

  it.each(Object.keys(backends).filter((t) => t !== 'nftables') as TargetId[])('gives the same bytes and diagnostics for %s', (target) => {
    const base = build(printProgram(statements), target);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: statements.length, maxLength: statements.length }), (keys) => {
        const moved = build(printProgram(shuffle(statements, keys)), target);
        expect(moved.artifacts).toEqual(base.artifacts);
        // Positions move with the declarations; what is reported does not.
        expect(codes(moved)).toEqual(codes(base));
      }),
      { numRuns: 4, seed: 9 },
    );
  });
});

describe.each(goldenCases)('two runs of $name', ({ file, set }) => {
  const read = (p: string) => ({ text: readFileSync(p, 'utf8') });
  it.each(Object.keys(backends) as TargetId[])('give the same bytes and diagnostics for %s', (target) => {
    const a = compile({ entry: file, read, set: assignments(...set), target });
    const b = compile({ entry: file, read, set: assignments(...set), target });
    expect(b.artifacts).toEqual(a.artifacts);
    expect(b.diagnostics.map(formatDiagnostic)).toEqual(a.diagnostics.map(formatDiagnostic));
  });
});
