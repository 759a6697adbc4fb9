/**
 * The parser stage: `parse(source) → { program, diagnostics }`. Lexing, parsing (with error
 * recovery, so several syntax errors are reported per file) and AST construction. Never throws
 * on user input.
 */
import type { IRecognitionException, IToken } from 'chevrotain';
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
    diagnostics.push(quoteOpens ? error('PAL1002', span) : error('PAL1001', span, ch.slice(0, 1)));
  }
  parser.input = lexed.tokens;
  const cst = parser.file() as FileCstNode;
  const errors = parser.errors;
  // The parser is a singleton: let go of this file's tokens.
  parser.input = [];
  // After a syntax error the parser resynchronises; further errors on the same line are
  // usually echoes of the first, so only the first error of each line is kept.
  const lines = new Set(diagnostics.map((d) => d.span?.line));
  for (const e of errors) {
    const d = syntaxError(source, e);
    if (lines.has(d.span?.line)) continue;
    lines.add(d.span?.line);
    diagnostics.push(d);
    if (lines.size >= MAX_SYNTAX_ERRORS) break;
  }
  const built = toAst(cst, source);
  return { program: built.program, diagnostics: [...diagnostics, ...built.diagnostics] };
}

function syntaxError(source: SourceFile, e: IRecognitionException): Diagnostic {
  const token = e.token;
  const previous = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
  const atEnd = token.tokenType.name === 'EOF' || Number.isNaN(token.startOffset);
  let start = atEnd ? source.text.trimEnd().length : token.startOffset;
  let end = atEnd ? start : (token.endOffset ?? token.startOffset) + 1;
  // Something missing at the end of a line is reported where it is missing, right after the
  // last token, rather than on the next line's first token.
  if (!atEnd && previous && !Number.isNaN(previous.startOffset) && source.text.slice(previous.endOffset ?? previous.startOffset, token.startOffset).includes('\n')) {
    start = end = (previous.endOffset ?? previous.startOffset) + 1;
  }
  const code = e.name === 'MismatchedTokenException' ? 'PAL2001' : 'PAL2002';
  // The message provider already wrote "expected X, found Y"; keep it whole.
  const m = /^expected (.*), found (.*)$/s.exec(e.message);
  const span = source.span(start, end);
  return m ? error(code, span, m[1]!, m[2]!) : error('PAL2002', span, 'valid syntax', e.message);
}
