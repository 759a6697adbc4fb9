/**
 * Production builds the lexer and parser without Chevrotain's validations (they cost start-up
 * time on every command); here they run: a bad token pattern or an ambiguous grammar fails.
 */
import { describe, expect, it } from 'vitest';
import { PalParser } from '../../src/parser/grammar.js';
import { palLexer } from '../../src/parser/tokens.js';

describe('Chevrotain validations', () => {
  it('accept the token patterns', () => {
    expect(palLexer(true).lexerDefinitionErrors).toEqual([]);
  });

  it('accept the grammar (self-analysis throws on a grammar definition error)', () => {
    expect(() => new PalParser(true)).not.toThrow();
  });
});
