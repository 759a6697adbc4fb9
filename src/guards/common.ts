/**
 * What the operational guards share: the ruleset's rules as written (not their exact effect,
 * which `lint` computes), and small set tests on them. Each guard first keeps the few rules
 * that could matter by a cheap test (action, protocol and port), then tests addresses with a
 * merge walk that allocates nothing, so a 100k-rule compile pays one pass over the rules.
 */
import type { Span } from '../diagnostics/index.js';
import { intervals, type AddressSet, type Role, type Rule, type Ruleset, type ServiceSet } from '../ir/index.js';
import type { Ranges } from '../ir/intervals.js';

/** The addresses of a role; a role without addresses is its own opaque endpoint. */
export const roleAddresses = (r: Role): AddressSet => r.addresses ?? { v4: [], v6: [], opaque: [r.name] };

/** The union of every role's addresses, in one sort (a fold of pairwise unions is quadratic). */
export function allRoles(ir: Ruleset): AddressSet {
  const sets = ir.roles.map(roleAddresses);
  return {
    v4: intervals.normalize(sets.flatMap((s) => s.v4)),
    v6: intervals.normalize(sets.flatMap((s) => s.v6)),
    opaque: [...new Set(sets.flatMap((s) => s.opaque))].sort(),
  };
}

function overlap<T extends number | bigint>(a: Ranges<T>, b: Ranges<T>): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [alo, ahi] = a[i]!;
    const [blo, bhi] = b[j]!;
    if (ahi < blo) i++;
    else if (bhi < alo) j++;
    else return true;
  }
  return false;
}

/** Whether two address sets share an address (or an opaque role). */
export const meets = (a: AddressSet, b: AddressSet): boolean =>
  overlap(a.v4, b.v4) || overlap(a.v6, b.v6) || (a.opaque.length > 0 && b.opaque.length > 0 && a.opaque.some((o) => b.opaque.includes(o)));

/** Whether the services include some TCP port in lo-hi. */
export function hasTcpPort(s: ServiceSet, lo: number, hi: number): boolean {
  return s.any || s.entries.some((e) => e.protocol === 6 && (e.ports === undefined || e.ports.some(([a, b]) => a <= hi && lo <= b)));
}

/** The allow rules that include TCP port `port`: the only ones that can open a path to it. */
export const allowsPort = (ir: Ruleset, port: number): Rule[] => ir.rules.filter((r) => r.action === 'allow' && hasTcpPort(r.services, port, port));

/** Whether one of `rules`, or the allowing ingress default, could let `source` reach `destination`. */
export function somePath(ir: Ruleset, rules: readonly Rule[], source: AddressSet, destination: AddressSet): boolean {
  if (ir.defaults.ingress.action === 'allow') return true;
  return rules.some((r) => meets(r.destination.addresses, destination) && meets(r.source.addresses, source));
}

/** Where to point at a rule: its name, or its action when it has no name (as lint does). */
export function ruleHead(rule: Rule): Span {
  const s = rule.span;
  return s.source.span(s.start, s.start + (rule.named ? rule.name.length : rule.action.length));
}
