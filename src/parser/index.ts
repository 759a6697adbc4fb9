/**
 * The parser stage: `parse(source) → { program, diagnostics }`. Lexing, parsing (with error
 * recovery, so several syntax errors are reported per file) and AST construction. Never throws
 * on user input.
 */
import type { IRecognitionException } from 'chevrotain';
import { error, type Diagnostic, type SourceFile } from '../diagnostics/index.js';
import type { Program } from './ast.js';
import type { FileCstNode } from './cst.js';
import { parser } from './grammar.js';
import { toAst } from './to-ast.js';
import { PalLexer } from './tokens.js';

export type * from './ast.js';

/** At most this many syntax errors per file: later ones are usually consequences of the first. */
const MAX_SYNTAX_ERRORS = 20;

export interface ParseResult {
  /** Absent only when the file could not be read into any statement at all. */
  readonly program: Program;
  readonly diagnostics: readonly Diagnostic[];
}

export function parse(source: SourceFile): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const lexed = PalLexer.tokenize(source.text);
  for (const e of lexed.errors) {
    const ch = source.text.slice(e.offset, e.offset + e.length);
    const quoteOpens = ch.startsWith('"');
    const span = source.span(e.offset, quoteOpens ? e.offset + 1 : e.offset + Math.max(1, e.length));
    diagnostics.push(quoteOpens ? error('PAL2001', span, 'a closed string', 'end of line') : error('PAL1001', span, ch.slice(0, 1)));
  }
  parser.input = lexed.tokens;
  const cst = parser.file() as FileCstNode;
  for (const e of parser.errors.slice(0, MAX_SYNTAX_ERRORS)) diagnostics.push(syntaxError(source, e));
  const built = toAst(cst, source);
  return { program: built.program, diagnostics: [...diagnostics, ...built.diagnostics] };
}

function syntaxError(source: SourceFile, e: IRecognitionException): Diagnostic {
  const token = e.token;
  const atEnd = token.tokenType.name === 'EOF' || Number.isNaN(token.startOffset);
  const offset = atEnd ? source.text.trimEnd().length : token.startOffset;
  const end = atEnd ? offset : (token.endOffset ?? token.startOffset) + 1;
  const code = e.name === 'MismatchedTokenException' ? 'PAL2001' : 'PAL2002';
  // The message provider already wrote "expected X, found Y"; keep it whole.
  const m = /^expected (.*), found (.*)$/s.exec(e.message);
  return m ? error(code, source.span(offset, end), m[1]!, m[2]!) : error('PAL2002', source.span(offset, end), 'valid syntax', e.message);
}
