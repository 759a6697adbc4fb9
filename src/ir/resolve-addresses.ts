/**
 * Address expressions → address sets. Zone and role definitions are resolved on demand and
 * memoised; a definition that reaches itself is an error. Unknown names get a suggestion, and a
 * name from the wrong namespace (a service used as an address) says what it is.
 */
import { didYouMean, error, withExtras, type Diagnostic, type Span } from '../diagnostics/index.js';
import type { AddressExpr, AddressTerm } from '../parser/ast.js';
import { printRuleAddresses } from '../parser/print.js';
import {
  cidrSet,
  emptySet,
  opaqueSet,
  subtractSets,
  unionSets,
  universe,
  type AddressSet,
} from './addresses.js';
import { Definitions } from './definitions.js';
import { deepFreeze } from './freeze.js';
import type { Scope } from './scope.js';
import type { Endpoint, EndpointTerm } from './types.js';

const noTerms: readonly EndpointTerm[] = Object.freeze([]);

export class AddressResolver {
  readonly #definitions: Definitions<AddressSet | undefined>;
  readonly #endpoints = new Map<string, Omit<Endpoint, 'span'>>();
  /** The endpoint terms of each declared name used, shared by every endpoint naming it. */
  readonly #nameTerms = new Map<string, readonly EndpointTerm[]>();
  #universe: AddressSet | undefined;
  /** The set each declared name stands for, once resolved. */
  readonly #nameSets = new Map<string, AddressSet>();
  /** Each CIDR text parsed once (rules repeat the same literal CIDRs). */
  readonly #cidrSets = new Map<string, AddressSet>();

  constructor(
    private readonly scope: Scope,
    private readonly diagnostics: Diagnostic[],
  ) {
    this.#definitions = new Definitions((name) => scope.addresses.get(name)?.kind ?? 'zone', undefined, diagnostics);
  }

  /** The addresses of a zone or role; undefined for an opaque role (and after an error). */
  declared(name: string): AddressSet | undefined {
    const decl = this.scope.addresses.get(name);
    if (!decl?.addresses) return undefined;
    const addresses = decl.addresses;
    return this.#definitions.get(name, decl.name.span, () => this.expr(addresses));
  }

  /** The set an address expression means. */
  expr(e: AddressExpr): AddressSet {
    // One term and no `except` (most endpoints): the term's own set, for a name its declaration's.
    if (e.include.length === 1 && e.exclude.length === 0) return this.term(e.include[0]!);
    const include = this.union(e.include);
    const exclude = this.union(e.exclude);
    return subtractSets(include, exclude);
  }

  /** The union of terms' sets, starting from the first (no copy of it made by a union with nothing). */
  private union(terms: readonly AddressTerm[]): AddressSet {
    if (terms.length === 0) return emptySet;
    let set = this.term(terms[0]!);
    for (let i = 1; i < terms.length; i++) set = unionSets(set, this.term(terms[i]!));
    return set;
  }

  /**
   * A rule's source or destination: its meaning plus the terms it was written with. Endpoints
   * written alike (by canonical text) share everything but their span; a single name (most
   * endpoints) is its own canonical text, so it is looked up without printing.
   */
  endpoint(e: AddressExpr): Endpoint {
    const only = e.include.length === 1 && e.exclude.length === 0 ? e.include[0]! : undefined;
    const text = only?.kind === 'name' ? only.name.text : printRuleAddresses(e);
    let shared = this.#endpoints.get(text);
    if (!shared) {
      const errors = this.diagnostics.length;
      shared = deepFreeze({
        terms: this.endpointTermList(e.include),
        except: this.endpointTermList(e.exclude),
        addresses: this.expr(e),
        text,
      });
      // Only an error-free result is shared, so every place with an error is reported.
      if (this.diagnostics.length === errors) this.#endpoints.set(text, shared);
    }
    // Its parts are frozen already (freeze.ts). Written out, not spread: one flat object.
    return Object.freeze({ terms: shared.terms, except: shared.except, addresses: shared.addresses, text: shared.text, span: e.span });
  }

  private endpointTermList(terms: readonly AddressTerm[]): readonly EndpointTerm[] {
    if (terms.length === 0) return noTerms;
    const only = terms.length === 1 ? terms[0]! : undefined;
    if (only?.kind === 'name') return this.nameTerms(only.name.text);
    const out: EndpointTerm[] = [];
    for (const t of terms) this.endpointTerms(t, out);
    // A copy of exactly its length: the list pushed to keeps spare capacity, and the IR keeps it.
    return out.slice();
  }

  /** A declared name's endpoint terms: one shared list per name (none for an unknown name). */
  private nameTerms(name: string): readonly EndpointTerm[] {
    let terms = this.#nameTerms.get(name);
    if (!terms) {
      const decl = this.scope.addresses.get(name);
      terms = decl ? deepFreeze([{ kind: decl.kind, name }]) : noTerms;
      this.#nameTerms.set(name, terms);
    }
    return terms;
  }

  /** Appends the terms one address term stands for to `out`. */
  private endpointTerms(t: AddressTerm, out: EndpointTerm[]): void {
    switch (t.kind) {
      case 'name':
        out.push(...this.nameTerms(t.name.text));
        return;
      case 'address':
        out.push({ kind: 'cidr', cidr: t.cidr });
        return;
      case 'param':
        for (const cidr of this.paramCidrs(t.name.text, t.name.span, false)) out.push({ kind: 'cidr', cidr });
        return;
      case 'any':
        out.push({ kind: 'any' });
        return;
      case 'group':
        if (t.expr.exclude.length === 0) for (const i of t.expr.include) this.endpointTerms(i, out);
        else out.push({ kind: 'group', text: `[${printRuleAddresses(t.expr)}]`, addresses: this.expr(t.expr) });
        return;
    }
  }

  private term(t: AddressTerm): AddressSet {
    switch (t.kind) {
      case 'address':
        return this.cidr(t.cidr);
      case 'any':
        return (this.#universe ??= universe(this.scope.opaqueRoles));
      case 'group':
        return this.expr(t.expr);
      case 'param':
        return this.paramCidrs(t.name.text, t.name.span, true).reduce((acc, c) => unionSets(acc, this.cidr(c)), emptySet);
      case 'name':
        return this.name(t.name.text, t.name.span);
    }
  }

  private cidr(text: string): AddressSet {
    let set = this.#cidrSets.get(text);
    if (set === undefined) this.#cidrSets.set(text, (set = cidrSet(text)));
    return set;
  }

  private name(name: string, span: Span): AddressSet {
    const known = this.#nameSets.get(name);
    if (known) return known;
    const decl = this.scope.addresses.get(name);
    if (decl) {
      // A declaration's value never changes once resolved (a cycle fixes it too): one lookup per name.
      const set = decl.kind === 'role' && !decl.addresses ? opaqueSet(name) : (this.declared(name) ?? emptySet);
      this.#nameSets.set(name, set);
      return set;
    }
    if (this.scope.services.has(name)) {
      this.diagnostics.push(error('PAL3012', span, name, 'a service', 'a zone or role'));
    } else if (this.scope.params.has(name)) {
      this.diagnostics.push(withExtras(error('PAL3001', span, name), { hint: `parameters are written with $: $${name}` }));
    } else {
      this.diagnostics.push(withExtras(error('PAL3001', span, name), { hint: didYouMean(name, this.scope.addresses.keys()) }));
    }
    return emptySet;
  }

  /** The CIDRs of a `cidr` or `list(cidr)` parameter; reports (once) any other use. */
  private paramCidrs(name: string, span: Span, report: boolean): string[] {
    const p = this.scope.params.get(name);
    if (!p) {
      if (report && !this.scope.declaredParams.has(name)) {
        this.diagnostics.push(withExtras(error('PAL3003', span, name), { hint: didYouMean(name, this.scope.declaredParams) }));
      }
      return [];
    }
    if (p.type === 'cidr') return [p.value as string];
    if (p.type === 'list(cidr)') return [...(p.value as readonly string[])];
    if (report) this.diagnostics.push(error('PAL4009', span, name, p.type, 'as an address'));
    return [];
  }
}
