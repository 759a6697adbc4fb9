/**
 * Named definitions (zones, roles, services) resolved on demand and memoised. A definition that
 * reaches itself while being resolved is a cycle: reported once, at the definition, naming the
 * chain, and resolved to `onCycle`.
 */
import { error, type Diagnostic, type Span } from '../diagnostics/index.js';

export class Definitions<T> {
  readonly #memo = new Map<string, T>();
  readonly #active: string[] = [];

  constructor(
    private readonly kind: (name: string) => string,
    private readonly onCycle: T,
    private readonly diagnostics: Diagnostic[],
  ) {}

  get(name: string, span: Span, compute: () => T): T {
    if (this.#memo.has(name)) return this.#memo.get(name)!;
    if (this.#active.includes(name)) {
      const chain = [...this.#active.slice(this.#active.indexOf(name)), name].join(' -> ');
      this.diagnostics.push(error('PAL3006', span, this.kind(name), chain));
      this.#memo.set(name, this.onCycle);
      return this.onCycle;
    }
    this.#active.push(name);
    const value = compute();
    this.#active.pop();
    // A cycle found below this definition has already fixed its value.
    if (!this.#memo.has(name)) this.#memo.set(name, value);
    return this.#memo.get(name)!;
  }
}
