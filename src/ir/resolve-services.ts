/**
 * Service terms → service sets. Each term pairs its protocol with its own ports (there is never
 * a cross product between terms); ports and ICMP types are checked and merged into ranges.
 */
import { didYouMean, error, withExtras, type Diagnostic } from '../diagnostics/index.js';
import type { PortItem, ServiceTerm } from '../parser/ast.js';
import { printServices } from '../parser/print.js';
import { normalize, union, type Range } from './intervals.js';
import { icmpTypeTable, protocolNumbers, PORT_PROTOCOLS, TYPE_PROTOCOLS } from './protocols.js';
import { Definitions } from './definitions.js';
import { deepFreeze } from './freeze.js';
import type { Scope } from './scope.js';
import type { ServiceEntry, ServiceSet } from './types.js';

export const anyService: ServiceSet = { any: true, entries: [] };
const noService: ServiceSet = { any: false, entries: [] };

export function unionServices(a: ServiceSet, b: ServiceSet): ServiceSet {
  if (a.any || b.any) return anyService;
  // Sets are canonical: a union with the empty set is the other set.
  if (a.entries.length === 0) return b;
  if (b.entries.length === 0) return a;
  // Both entry lists are sorted by protocol, one entry per protocol: merge them in one pass.
  const entries: ServiceEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.entries.length || j < b.entries.length) {
    const x = a.entries[i];
    const y = b.entries[j];
    if (y === undefined || (x !== undefined && x.protocol < y.protocol)) {
      entries.push(x!);
      i++;
    } else if (x === undefined || y.protocol < x.protocol) {
      entries.push(y);
      j++;
    } else {
      // The same protocol on both sides: all of it if either side has all of it.
      entries.push(x.ports === undefined || y.ports === undefined ? { protocol: x.protocol } : { protocol: x.protocol, ports: union(x.ports, y.ports) });
      i++;
      j++;
    }
  }
  // At its exact length (a pushed list keeps spare slots): service sets live as long as the IR.
  return { any: false, entries: entries.slice() };
}

export class ServiceResolver {
  readonly #definitions: Definitions<ServiceSet>;
  readonly #sets = new Map<string, ServiceSet>();

  constructor(
    private readonly scope: Scope,
    private readonly diagnostics: Diagnostic[],
  ) {
    this.#definitions = new Definitions(() => 'service', noService, diagnostics);
  }

  declared(name: string): ServiceSet {
    const decl = this.scope.services.get(name);
    if (!decl) return noService;
    return this.#definitions.get(name, decl.name.span, () => this.terms(decl.services));
  }

  /** The services of terms; terms written alike (by canonical text) share one set. */
  terms(terms: readonly ServiceTerm[], text = printServices(terms)): ServiceSet {
    const known = this.#sets.get(text);
    if (known) return known;
    const errors = this.diagnostics.length;
    let union = noService;
    for (const t of terms) union = unionServices(union, this.term(t));
    const set = deepFreeze(union);
    // Only an error-free result is shared, so every place with an error is reported.
    if (this.diagnostics.length === errors) this.#sets.set(text, set);
    return set;
  }

  private term(t: ServiceTerm): ServiceSet {
    switch (t.kind) {
      case 'any':
        return anyService;
      case 'number':
        if (t.number > 255) {
          this.diagnostics.push(error('PAL4006', t.numberSpan, t.number));
          return noService;
        }
        return { any: false, entries: [{ protocol: t.number }] };
      case 'name': {
        const name = t.name.text;
        if (this.scope.services.has(name)) return this.declared(name);
        if (this.scope.addresses.has(name)) {
          this.diagnostics.push(error('PAL3012', t.name.span, name, `a ${this.scope.addresses.get(name)!.kind}`, 'a service'));
        } else {
          this.diagnostics.push(withExtras(error('PAL3002', t.name.span, name), { hint: didYouMean(name, this.scope.services.keys()) }));
        }
        return noService;
      }
      case 'protocol': {
        const protocol = protocolNumbers[t.protocol];
        if (!t.ports) return { any: false, entries: [{ protocol }] };
        if (!PORT_PROTOCOLS.has(protocol) && !TYPE_PROTOCOLS.has(protocol)) {
          this.diagnostics.push(error('PAL4003', t.span, t.protocol));
          return noService;
        }
        const ranges: Range<number>[] = [];
        for (const item of t.ports) this.portItem(t.protocol, protocol, item, ranges);
        if (ranges.length === 0) return noService;
        // One checked range (most terms) is canonical already; a list of exactly one (the list
        // pushed to keeps spare capacity, and the IR keeps its ranges for the whole run).
        return { any: false, entries: [{ protocol, ports: ranges.length === 1 ? [ranges[0]!] : normalize(ranges) }] };
      }
    }
  }

  /** Appends an item's checked ranges to `out` (nothing after an error, which it reports). */
  private portItem(protoName: string, protocol: number, item: PortItem, out: Range<number>[]): void {
    const isType = TYPE_PROTOCOLS.has(protocol);
    const max = isType ? 255 : 65535;
    const min = isType ? 0 : 1;
    const check = (from: number, to: number): void => {
      const outside = from < min || from > max ? from : to < min || to > max ? to : undefined;
      if (outside !== undefined) {
        this.diagnostics.push(isType ? error('PAL4005', item.span, protoName, outside) : error('PAL4001', item.span, String(outside)));
      } else if (from > to) {
        this.diagnostics.push(error('PAL4002', item.span, from, to));
      } else {
        out.push([from, to]);
      }
    };
    switch (item.kind) {
      case 'range':
        check(item.from, item.to);
        return;
      case 'named': {
        if (!isType) {
          this.diagnostics.push(error('PAL4014', item.span, protoName, item.name));
          return;
        }
        const table = icmpTypeTable(protocol);
        const n = table[item.name];
        if (n === undefined) {
          this.diagnostics.push(
            withExtras(error('PAL4004', item.span, protoName, item.name), { hint: didYouMean(item.name, Object.keys(table)) }),
          );
          return;
        }
        out.push([n, n]);
        return;
      }
      case 'param': {
        const p = this.scope.params.get(item.name.text);
        if (!p) {
          if (!this.scope.declaredParams.has(item.name.text)) {
            this.diagnostics.push(
              withExtras(error('PAL3003', item.name.span, item.name.text), { hint: didYouMean(item.name.text, this.scope.declaredParams) }),
            );
          }
          return;
        }
        if (p.type === 'int') check(p.value as number, p.value as number);
        else if (p.type === 'list(int)') for (const n of p.value as readonly number[]) check(n, n);
        else this.diagnostics.push(error('PAL4009', item.name.span, p.name, p.type, `as a ${isType ? 'type' : 'port'}`));
        return;
      }
    }
  }
}
