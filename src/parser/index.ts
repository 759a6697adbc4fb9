/**
 * The parser stage: `parse(source) → { program, diagnostics }`. Lexing, parsing (with error
 * recovery, so several syntax errors are reported per file) and AST construction. Never throws
 * on user input.
 */
import type { IRecognitionException, IToken } from 'chevrotain';
import { error, type Diagnostic, type SourceFile } from '../diagnostics/index.js';
import type { Program, Statement } from './ast.js';
import type { FileCstNode } from './cst.js';
import { palParser } from './grammar.js';
import { toAst } from './to-ast.js';
import { palLexer } from './tokens.js';

export type * from './ast.js';

/** At most this many syntax errors per file: later ones are usually consequences of the first. */
const MAX_SYNTAX_ERRORS = 20;

export interface ParseResult {
  /** Absent only when the file could not be read into any statement at all. */
  readonly program: Program;
  readonly diagnostics: readonly Diagnostic[];
}

export interface ParseOptions {
  /** Parse files of at least twice this many tokens in chunks of about this many (Infinity: never). */
  readonly chunkTokens?: number;
}

export function parse(source: SourceFile, options: ParseOptions = {}): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const lexed = palLexer().tokenize(source.text);
  for (const e of lexed.errors) {
    const ch = source.text.slice(e.offset, e.offset + e.length);
    const quoteOpens = ch.startsWith('"');
    const span = source.span(e.offset, quoteOpens ? e.offset + 1 : e.offset + Math.max(1, e.length));
    diagnostics.push(quoteOpens ? error('PAL1002', span) : error('PAL1001', span, ch.slice(0, 1)));
  }
  const tokens = lexed.tokens;
  const size = options.chunkTokens ?? CHUNK_TOKENS;
  const chunked = tokens.length >= size * 2 ? parseInChunks(source, tokens, size) : undefined;
  if (chunked) return { program: { source, statements: chunked.statements }, diagnostics: [...diagnostics, ...chunked.diagnostics] };

  const parser = palParser();
  parser.input = tokens;
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

/** Large files are parsed in chunks of about this many tokens (see parseInChunks). */
const CHUNK_TOKENS = 4096;

const DECLARATIONS = new Set(['Param', 'Zone', 'Role', 'Service', 'Target', 'Import', 'Default', 'If']);
const ACTIONS = new Set(['Allow', 'Deny']);
const OPENERS = new Set(['LBrace', 'LBracket', 'LParen']);
const CLOSERS = new Set(['RBrace', 'RBracket', 'RParen']);

/**
 * A large file parsed chunk by chunk, each chunk's CST turned into AST and dropped at once (a CST
 * of the whole file is many times the AST's size, and long-lived garbage is expensive garbage).
 * Chunks end only where a statement must start: outside any brackets, at the start of a line,
 * before a declaration keyword, `allow`/`deny`, or a name followed by `allow`/`deny` on its
 * line. Undefined when a chunk has a syntax error: the caller then parses the file whole, so
 * diagnostics are always those of the one-pass parse.
 */
function parseInChunks(source: SourceFile, tokens: readonly IToken[], size: number): { statements: Statement[]; diagnostics: Diagnostic[] } | undefined {
  const statements: Statement[] = [];
  const diagnostics: Diagnostic[] = [];
  const text = source.text;
  const startsLine = (i: number): boolean => i === 0 || text.slice(tokens[i - 1]!.endOffset! + 1, tokens[i]!.startOffset).includes('\n');
  const sameLine = (i: number): boolean => !text.slice(tokens[i - 1]!.endOffset! + 1, tokens[i]!.startOffset).includes('\n');
  const canStart = (i: number): boolean => {
    const name = tokens[i]!.tokenType.name;
    if (DECLARATIONS.has(name) || ACTIONS.has(name)) return true;
    const next = tokens[i + 1];
    return next !== undefined && ACTIONS.has(next.tokenType.name) && sameLine(i + 1);
  };
  const parser = palParser();
  let from = 0;
  let depth = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const atEnd = i === tokens.length;
    if (!atEnd) {
      const name = tokens[i]!.tokenType.name;
      if (i - from < size || depth > 0 || !startsLine(i) || !canStart(i)) {
        if (OPENERS.has(name)) depth++;
        else if (CLOSERS.has(name)) depth = Math.max(0, depth - 1);
        continue;
      }
    }
    parser.input = tokens.slice(from, i) as IToken[];
    const cst = parser.file() as FileCstNode;
    const failed = parser.errors.length > 0;
    parser.input = [];
    if (failed) return undefined;
    const built = toAst(cst, source);
    for (const st of built.program.statements) statements.push(st);
    diagnostics.push(...built.diagnostics);
    from = i;
    if (!atEnd) {
      const name = tokens[i]!.tokenType.name;
      if (OPENERS.has(name)) depth++;
    }
  }
  return { statements, diagnostics };
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
