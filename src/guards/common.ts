/**
 * What the operational guards share: the ruleset's rules as written (not their exact effect,
 * which `lint` computes), and small set tests on them. Every test here is linear in the rules,
 * so that the guards keep `compile` cheap at 100k rules.
 */
import type { Span } from '../diagnostics/index.js';
import { emptySet, intersectSets, isEmptySet, unionSets, type AddressSet, type Role, type Rule, type Ruleset, type ServiceSet } from '../ir/index.js';

/** The addresses of a role; a role without addresses is its own opaque endpoint. */
export const roleAddresses = (r: Role): AddressSet => r.addresses ?? { v4: [], v6: [], opaque: [r.name] };

export const allRoles = (ir: Ruleset): AddressSet => ir.roles.reduce((acc, r) => unionSets(acc, roleAddresses(r)), emptySet);

export const meets = (a: AddressSet, b: AddressSet): boolean => !isEmptySet(intersectSets(a, b));

/** Whether the services include some TCP port in lo-hi. */
export function hasTcpPort(s: ServiceSet, lo: number, hi: number): boolean {
  return s.any || s.entries.some((e) => e.protocol === 6 && (e.ports === undefined || e.ports.some(([a, b]) => a <= hi && lo <= b)));
}

/** An allow rule, or the allowing ingress default, that could let `source` reach TCP lo-hi on `destination`. */
export function someAllow(ir: Ruleset, source: AddressSet, destination: AddressSet, lo: number, hi: number): boolean {
  if (ir.defaults.ingress.action === 'allow') return true;
  return ir.rules.some((r) => r.action === 'allow' && hasTcpPort(r.services, lo, hi) && meets(r.source.addresses, source) && meets(r.destination.addresses, destination));
}

/** Where to point at a rule: its name, or its action when it has no name (as lint does). */
export function ruleHead(rule: Rule): Span {
  const s = rule.span;
  return s.source.span(s.start, s.start + (rule.named ? rule.name.length : rule.action.length));
}
