/**
 * Tokens and statements of an nftables file (`nft -f` syntax), enough to read the rulesets
 * palisade writes and hand-written ones of the same shape: tables, sets, base chains and their
 * statements. Newlines and `;` end statements, except inside braces.
 */
import type { SourceFile, Span } from '../../diagnostics/index.js';

export interface Token {
  readonly text: string;
  readonly kind: 'word' | 'string' | 'punct' | 'newline';
  readonly span: Span;
}

export function tokenize(source: SourceFile): { tokens: Token[]; comments: { text: string; span: Span }[] } {
  const text = source.text;
  const tokens: Token[] = [];
  const comments: { text: string; span: Span }[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') {
      tokens.push({ text: '\n', kind: 'newline', span: source.span(i, i + 1) });
      i++;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
    } else if (ch === '\\' && text[i + 1] === '\n') {
      i += 2; // line continuation
    } else if (ch === '#') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      comments.push({ text: text.slice(i, stop), span: source.span(i, stop) });
      i = stop;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j++;
      tokens.push({ text: text.slice(i + 1, j), kind: 'string', span: source.span(i, Math.min(j + 1, text.length)) });
      i = j + 1;
    } else if ('{},;'.includes(ch)) {
      tokens.push({ text: ch, kind: 'punct', span: source.span(i, i + 1) });
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s{},;"#]/.test(text[j]!)) j++;
      tokens.push({ text: text.slice(i, j), kind: 'word', span: source.span(i, j) });
      i = j;
    }
  }
  return { tokens, comments };
}

/** A statement: the tokens up to a newline or `;` outside braces, or up to the block's `}`. */
export interface Statement {
  readonly tokens: readonly Token[];
  readonly span: Span;
}

export class TokenStream {
  #i = 0;
  constructor(readonly tokens: readonly Token[]) {}

  skipNewlines(): void {
    while (this.peek()?.kind === 'newline' || this.peek()?.text === ';') this.#i++;
  }

  peek(): Token | undefined {
    return this.tokens[this.#i];
  }

  next(): Token | undefined {
    return this.tokens[this.#i++];
  }

  /**
   * The next statement of a block, or undefined at the block's closing brace (consumed) or the
   * end. A statement that opens a block (`table inet t {`, `chain input {`) ends with its `{`.
   */
  statement(): Statement | undefined {
    this.skipNewlines();
    const first = this.peek();
    if (!first || first.text === '}') {
      if (first) this.#i++;
      return undefined;
    }
    const out: Token[] = [];
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if (depth === 0 && (t.kind === 'newline' || t.text === ';' || t.text === '}')) break;
      this.#i++;
      if (t.kind === 'newline') continue;
      out.push(t);
      if (t.text === '{') {
        if (depth === 0 && BLOCKS.has(out[0]!.text)) break;
        depth++;
      } else if (t.text === '}') {
        depth--;
      }
    }
    const last = out[out.length - 1] ?? first;
    return { tokens: out, span: first.span.source.span(first.span.start, last.span.end) };
  }
}

const BLOCKS = new Set(['table', 'chain', 'set', 'map', 'flowtable']);
