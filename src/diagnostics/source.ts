/**
 * A source text with a name (a file path, `--set`, `<command line>`) and a line index, so that
 * any offset can be turned into a 1-based line and column.
 */
export class SourceFile {
  readonly name: string;
  readonly text: string;
  readonly #lineStarts: readonly number[];

  constructor(name: string, text: string) {
    this.name = name;
    this.text = text;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) starts.push(i + 1);
    }
    this.#lineStarts = starts;
  }

  /** 1-based line and column (in UTF-16 code units) of an offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.#lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  }

  /** The text of a 1-based line, without its line terminator. */
  lineText(line: number): string {
    const start = this.#lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.#lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  /** A span over [start, end) of this file. */
  span(start: number, end: number): Span {
    return new SourceSpan(this, start, Math.max(end, start));
  }
}

/** A range of a source file. `start` and `end` are offsets (end exclusive); line/column are 1-based. */
export interface Span {
  readonly source: SourceFile;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
}

/** Spans are made for every node but rarely printed: line and column are computed when asked. */
class SourceSpan implements Span {
  #position: { line: number; column: number } | undefined;
  constructor(
    readonly source: SourceFile,
    readonly start: number,
    readonly end: number,
  ) {
    Object.freeze(this);
  }
  get line(): number {
    return (this.#position ??= this.source.position(this.start)).line;
  }
  get column(): number {
    return (this.#position ??= this.source.position(this.start)).column;
  }
}

/** The smallest span covering both spans (which must share a file). */
export function joinSpans(a: Span, b: Span): Span {
  if (a.source !== b.source) return a;
  return a.source.span(Math.min(a.start, b.start), Math.max(a.end, b.end));
}
