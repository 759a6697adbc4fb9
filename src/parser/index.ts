/**
 * The parser stage: `parse(source) → { program, diagnostics }`. Lexing, then parsing straight
 * to the AST (direct.ts); a file that does not parse cleanly is parsed again with error recovery
 * (grammar.ts, to-ast.ts), so several errors are reported per file. Never throws on user input.
 */
import type { ILexingResult, IRecognitionException, IToken } from 'chevrotain';
import { error, type Diagnostic, type SourceFile } from '../diagnostics/index.js';
import type { Program, Statement } from './ast.js';
import type { FileCstNode } from './cst.js';
import { directParser } from './direct.js';
import { palParser } from './grammar.js';
import { toAst } from './to-ast.js';
import { offsetLexer, palLexer } from './tokens.js';

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
  /** Lex files of at least twice this many characters in pieces of about this many (see TokenWindow). */
  readonly pieceChars?: number;
}

export function parse(source: SourceFile, options: ParseOptions = {}): ParseResult {
  const size = options.chunkTokens ?? CHUNK_TOKENS;
  const piece = options.pieceChars ?? PIECE_CHARS;
  // A large file is lexed piece by piece while its chunks are parsed.
  if (Number.isFinite(size) && source.text.length >= piece * 2) {
    const streamed = parseInChunks(source, new TokenWindow(source.text, piece), size);
    if (streamed) return { program: { source, statements: streamed }, diagnostics: [] };
  }
  const lexed = offsetLexer().tokenize(source.text);
  if (lexed.errors.length === 0) {
    const tokens = lexed.tokens;
    const statements =
      Number.isFinite(size) && tokens.length >= size * 2
        ? parseInChunks(source, new TokenWindow(tokens), size)
        : directParser().statementsOf(source, tokens);
    if (statements) return { program: { source, statements }, diagnostics: [] };
  }
  return parseWithRecovery(source);
}

/**
 * How a file the direct parser refused (a lexing or syntax error, or any other diagnostic) is
 * parsed: in one pass by the recovering CST parser, which reports several errors per file, and
 * turned into the AST of what could be read (to-ast.ts). Exported for the test that both parsers
 * agree.
 */
export function parseWithRecovery(source: SourceFile, lexed: ILexingResult = palLexer().tokenize(source.text)): ParseResult {
  const diagnostics: Diagnostic[] = [];
  for (const e of lexed.errors) {
    const ch = source.text.slice(e.offset, e.offset + e.length);
    const quoteOpens = ch.startsWith('"');
    const span = source.span(e.offset, quoteOpens ? e.offset + 1 : e.offset + Math.max(1, e.length));
    diagnostics.push(quoteOpens ? error('PAL1002', span) : error('PAL1001', span, ch.slice(0, 1)));
  }
  const parser = palParser();
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

/**
 * Large files are parsed in chunks of about this many tokens (see parseInChunks), so that only a
 * window of the file's tokens is alive at a time.
 */
const CHUNK_TOKENS = 1024;
/**
 * Large files are lexed in pieces of about this many characters (see TokenWindow). Smaller pieces
 * mean fewer live tokens for the young generation's collections to copy: with 16 KB instead of
 * 64 KB, parse() took 10-15% less CPU (10k and 100k rules).
 */
const PIECE_CHARS = 16 * 1024;

/**
 * The tokens of a file, by index, held only from the start of the chunk being parsed: either all
 * lexed already, or lexed piece by piece on demand (a 100k-rule file has a million tokens, about
 * 200 MB; a window of them is a few MB). A piece ends just after a newline, which no token but
 * skipped white space can contain, so pieces lex to exactly the tokens of the whole text.
 * `failed` is set when a piece has a lexing error (the caller then takes the one-pass path).
 */
class TokenWindow {
  #tokens: IToken[];
  #base = 0;
  #lexed: number;
  failed = false;

  constructor(tokens: IToken[]);
  constructor(text: string, piece: number);
  constructor(
    private readonly input: IToken[] | string,
    private readonly piece = 0,
  ) {
    this.#tokens = typeof input === 'string' ? [] : input;
    this.#lexed = typeof input === 'string' ? 0 : Infinity;
  }

  /** Token `i`, or undefined past the last one. */
  at(i: number): IToken | undefined {
    while (i - this.#base >= this.#tokens.length && typeof this.input === 'string' && this.#lexed < this.input.length) this.#lexPiece(this.input);
    return this.#tokens[i - this.#base];
  }

  /** Tokens `from` to `to` (exclusive); tokens before `from` are let go. */
  take(from: number, to: number): IToken[] {
    const out = this.#tokens.slice(from - this.#base, to - this.#base);
    this.#tokens = this.#tokens.slice(to - this.#base);
    this.#base = to;
    return out;
  }

  #lexPiece(text: string): void {
    const newline = text.indexOf('\n', this.#lexed + this.piece);
    const end = newline < 0 ? text.length : newline + 1;
    const lexed = offsetLexer().tokenize(text.slice(this.#lexed, end));
    if (lexed.errors.length > 0) {
      this.failed = true;
      this.#lexed = text.length;
      return;
    }
    // Offsets into the whole text (spans use offsets only; lines come from SourceFile).
    for (const t of lexed.tokens) {
      t.startOffset += this.#lexed;
      this.#tokens.push(t);
    }
    this.#lexed = end;
  }
}

const DECLARATIONS = new Set(['Param', 'Zone', 'Role', 'Service', 'Target', 'Import', 'Default', 'If']);
const ACTIONS = new Set(['Allow', 'Deny']);
const OPENERS = new Set(['LBrace', 'LBracket', 'LParen']);
const CLOSERS = new Set(['RBrace', 'RBracket', 'RParen']);

/**
 * A large file parsed chunk by chunk by the direct parser, each chunk's tokens let go once parsed
 * (a 100k-rule file has a million tokens). Chunks end only where a statement must start: outside
 * any brackets, at the start of a line, before a declaration keyword, `allow`/`deny`, or a name
 * followed by `allow`/`deny` on its line. Undefined when a chunk does not lex or parse cleanly:
 * the caller then diagnoses the file whole, so diagnostics are always those of the one-pass parse.
 */
function parseInChunks(source: SourceFile, tokens: TokenWindow, size: number): Statement[] | undefined {
  const statements: Statement[] = [];
  const text = source.text;
  const newlineBefore = (i: number): boolean => {
    const previous = tokens.at(i - 1)!;
    return text.slice(previous.startOffset + previous.image.length, tokens.at(i)!.startOffset).includes('\n');
  };
  const startsLine = (i: number): boolean => i === 0 || newlineBefore(i);
  const canStart = (i: number): boolean => {
    const name = tokens.at(i)!.tokenType.name;
    if (DECLARATIONS.has(name) || ACTIONS.has(name)) return true;
    const next = tokens.at(i + 1);
    return next !== undefined && ACTIONS.has(next.tokenType.name) && !newlineBefore(i + 1);
  };
  const parser = directParser();
  let from = 0;
  let depth = 0;
  for (let i = 0; ; i++) {
    const token = tokens.at(i);
    if (tokens.failed) return undefined;
    if (token !== undefined) {
      const name = token.tokenType.name;
      if (i - from < size || depth > 0 || !startsLine(i) || !canStart(i)) {
        if (OPENERS.has(name)) depth++;
        else if (CLOSERS.has(name)) depth = Math.max(0, depth - 1);
        continue;
      }
    }
    // canStart may have lexed the next piece: it must lex cleanly too.
    if (tokens.failed) return undefined;
    const chunk = parser.statementsOf(source, tokens.take(from, i));
    if (!chunk) return undefined;
    for (const st of chunk) statements.push(st);
    from = i;
    if (token === undefined) return statements;
    if (OPENERS.has(token.tokenType.name)) depth++;
  }
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
