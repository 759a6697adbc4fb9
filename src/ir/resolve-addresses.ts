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

export class AddressResolver {
  readonly #definitions: Definitions<AddressSet | undefined>;
  readonly #endpoints = new Map<string, Omit<Endpoint, 'span'>>();

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
    const include = e.include.reduce((acc, t) => unionSets(acc, this.term(t)), emptySet);
    const exclude = e.exclude.reduce((acc, t) => unionSets(acc, this.term(t)), emptySet);
    return subtractSets(include, exclude);
  }

  /**
   * A rule's source or destination: its meaning plus the terms it was written with. Endpoints
   * written alike (by canonical text) share everything but their span.
   */
  endpoint(e: AddressExpr): Endpoint {
    const text = printRuleAddresses(e);
    let shared = this.#endpoints.get(text);
    if (!shared) {
      const errors = this.diagnostics.length;
      shared = deepFreeze({
        terms: e.include.flatMap((t) => this.endpointTerms(t)),
        except: e.exclude.flatMap((t) => this.endpointTerms(t)),
        addresses: this.expr(e),
        text,
      });
      // Only an error-free result is shared, so every place with an error is reported.
      if (this.diagnostics.length === errors) this.#endpoints.set(text, shared);
    }
    // Its parts are frozen already (freeze.ts).
    return Object.freeze({ ...shared, span: e.span });
  }

  private endpointTerms(t: AddressTerm): EndpointTerm[] {
    switch (t.kind) {
      case 'name': {
        const decl = this.scope.addresses.get(t.name.text);
        return decl ? [{ kind: decl.kind, name: t.name.text }] : [];
      }
      case 'address':
        return [{ kind: 'cidr', cidr: t.cidr }];
      case 'param':
        return this.paramCidrs(t.name.text, t.name.span, false).map((cidr) => ({ kind: 'cidr' as const, cidr }));
      case 'any':
        return [{ kind: 'any' }];
      case 'group':
        if (t.expr.exclude.length === 0) return t.expr.include.flatMap((i) => this.endpointTerms(i));
        return [{ kind: 'group', text: `[${printRuleAddresses(t.expr)}]`, addresses: this.expr(t.expr) }];
    }
  }

  private term(t: AddressTerm): AddressSet {
    switch (t.kind) {
      case 'address':
        return cidrSet(t.cidr);
      case 'any':
        return universe(this.scope.opaqueRoles);
      case 'group':
        return this.expr(t.expr);
      case 'param':
        return this.paramCidrs(t.name.text, t.name.span, true).reduce((acc, c) => unionSets(acc, cidrSet(c)), emptySet);
      case 'name':
        return this.name(t.name.text, t.name.span);
    }
  }

  private name(name: string, span: Span): AddressSet {
    const decl = this.scope.addresses.get(name);
    if (decl) {
      if (decl.kind === 'role' && !decl.addresses) return opaqueSet(name);
      return this.declared(name) ?? emptySet;
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
