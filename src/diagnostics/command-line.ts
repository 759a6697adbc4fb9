/**
 * The command line as a source file, so that a bad argument is reported like any other error:
 * `<command line>:1:34: error: ...` with the arguments shown and the bad one underlined.
 */
import { SourceFile, type Span } from './source.js';

/** Quotes an argument for display when the shell would need it. */
function display(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

export class CommandLine {
  readonly source: SourceFile;
  readonly #offsets: number[] = [];
  readonly #quoted: boolean[] = [];

  constructor(readonly argv: readonly string[]) {
    let text = 'palisade';
    for (const arg of argv) {
      text += ' ';
      this.#offsets.push(text.length);
      const shown = display(arg);
      this.#quoted.push(shown !== arg);
      text += shown;
    }
    this.source = new SourceFile('<command line>', text);
  }

  /** The span of argument `index`, or of part of it (`from`..`to` in the argument's own text). */
  span(index: number, from = 0, to?: number): Span {
    const start = this.#offsets[index];
    if (start === undefined) return this.source.span(this.source.text.length, this.source.text.length);
    const arg = this.argv[index]!;
    if (this.#quoted[index]) return this.source.span(start, start + display(arg).length);
    return this.source.span(start + from, start + (to ?? arg.length));
  }

  /** The end of the command line (for "missing argument" errors). */
  end(): Span {
    return this.source.span(this.source.text.length, this.source.text.length);
  }
}
