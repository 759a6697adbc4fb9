/**
 * Collects the aliases a pfSense/OPNsense model uses, checking each name (names.ts) and that no
 * two different tables get the same name; either problem is a positioned error.
 */
import { error, type Diagnostic, type Span } from '../../diagnostics/index.js';
import type { PfAlias } from './model.js';
import { aliasNameProblem } from './names.js';

export class AliasRegistry {
  readonly #aliases = new Map<string, PfAlias & { readonly owner: string }>();

  constructor(
    private readonly target: string,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /**
   * Adds an alias (or finds the same one again) and returns its name. `owner` says what it
   * stands for, e.g. `zone "vpc"`; `span` is where an error points.
   */
  add(alias: PfAlias, owner: string, span: Span | undefined): string {
    const existing = this.#aliases.get(alias.name);
    if (existing) {
      const same =
        existing.type === alias.type &&
        existing.entries.length === alias.entries.length &&
        existing.entries.every((e, i) => e === alias.entries[i]);
      if (!same) {
        this.diagnostics.push(
          error('PAL6301', span, this.target, owner, alias.name, `${existing.owner} already has that alias name; rename one of them`),
        );
      }
      return alias.name;
    }
    const problem = aliasNameProblem(alias.name);
    if (problem) this.diagnostics.push(error('PAL6301', span, this.target, owner, alias.name, problem));
    this.#aliases.set(alias.name, { ...alias, owner });
    return alias.name;
  }

  /** Every alias, sorted by name (stable when declarations or rules are reordered). */
  all(): PfAlias[] {
    return [...this.#aliases.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map(({ name, type, entries, description }) => ({ name, type, entries, description }));
  }
}
