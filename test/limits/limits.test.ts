/**
 * Input limits: each is a positioned error with a clear message, never a hang or a crash.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LIST_ITEMS } from '../../src/parser/to-ast.js';
import { MAX_FILE_CHARS } from '../../src/parser/load.js';
import { lowerRules, MAX_RULES } from '../../src/ir/rules.js';
import { analyzeText, data } from '../helpers.js';
import type { RuleStmt } from '../../src/parser/ast.js';

describe('limits', () => {
  it('rejects a list of more than MAX_LIST_ITEMS ports, at the list', () => {
    const ports = Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => (i % 65535) + 1).join(',');
    const result = analyzeText(`role cp = 10.0.0.0/24\nservice many = tcp/${ports}\n`);
    expect(data(result.diagnostics)).toEqual([{ code: 'PAL1007', line: 2, column: 16 }]);
    expect(result.diagnostics[0]!.message).toBe(`this list has ${MAX_LIST_ITEMS + 1} items; a list holds at most ${MAX_LIST_ITEMS}`);
    expect(result.ir).toBeUndefined();
  });

  it('rejects a zone of more than MAX_LIST_ITEMS addresses, at the list', () => {
    const cidrs = Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`).join(', ');
    const result = analyzeText(`zone big = ${cidrs}\n`);
    expect(data(result.diagnostics)).toEqual([{ code: 'PAL1007', line: 1, column: 12 }]);
    expect(result.diagnostics[0]!.message).toContain(`has ${MAX_LIST_ITEMS + 1} items`);
  });

  it('accepts a list of exactly MAX_LIST_ITEMS items', () => {
    const ports = Array.from({ length: MAX_LIST_ITEMS - 1 }, (_, i) => (i % 65535) + 1).join(',');
    const result = analyzeText(`role cp = 10.0.0.0/24\nservice many = tcp/1, tcp/${ports}\nallow any -> cp many\n`);
    expect(data(result.diagnostics)).toEqual([]);
  });

  it('rejects a file larger than MAX_FILE_CHARS, at the import', () => {
    const big = `# ${'x'.repeat(MAX_FILE_CHARS)}\n`;
    const result = analyzeText('import "big.pal"\n', { files: { 'big.pal': big } });
    expect(data(result.diagnostics)).toEqual([{ code: 'PAL3009', line: 1, column: 8 }]);
    expect(result.diagnostics[0]!.message).toBe(`cannot import "big.pal": it is larger than ${MAX_FILE_CHARS} characters`);
  });

  it('rejects more than MAX_RULES rules, at the first rule past the limit', () => {
    const rule = analyzeText('allow 10.0.0.1 -> 10.0.0.2 tcp/1\n').ir!;
    expect(rule.rules).toHaveLength(1);
    const span = rule.rules[0]!.span;
    const statement = { kind: 'rule', action: 'allow', span } as unknown as RuleStmt;
    const diagnostics: Parameters<typeof lowerRules>[3] = [];
    const statements = new Array<RuleStmt>(MAX_RULES + 1).fill(statement);
    expect(lowerRules(statements, undefined as never, undefined as never, diagnostics)).toEqual([]);
    expect(data(diagnostics)).toEqual([{ code: 'PAL3013', line: 1, column: 1 }]);
    expect(diagnostics[0]!.message).toBe(`too many rules: a ruleset holds at most ${MAX_RULES} rules (after imports and if are expanded)`);
  });
});
