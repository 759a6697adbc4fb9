/**
 * Rule statements → IR rules, in order. Unnamed rules get a deterministic name derived from
 * their content (`allow-vpc-to-controlplane-tcp-6443`), so it stays the same when other rules
 * move; names are unique across the ruleset.
 */
import { createHash } from 'node:crypto';
import { error, withExtras, type Diagnostic } from '../diagnostics/index.js';
import type { RuleStmt } from '../parser/ast.js';
import { printServices } from '../parser/print.js';
import type { AddressResolver } from './resolve-addresses.js';
import type { ServiceResolver } from './resolve-services.js';
import type { Rule } from './types.js';

const MAX_DERIVED_LENGTH = 63;

/** Maximum number of rules, after imports and `if` are expanded. */
export const MAX_RULES = 1_000_000;

export function lowerRules(
  statements: readonly RuleStmt[],
  addresses: AddressResolver,
  services: ServiceResolver,
  diagnostics: Diagnostic[],
): Rule[] {
  if (statements.length > MAX_RULES) {
    diagnostics.push(error('PAL3013', statements[MAX_RULES]!.span, MAX_RULES));
    return [];
  }
  const named = new Map<string, RuleStmt>();
  for (const s of statements) {
    if (!s.name) continue;
    const earlier = named.get(s.name.text);
    if (earlier?.name) {
      diagnostics.push(
        withExtras(error('PAL3005', s.name.span, s.name.text), {
          related: [{ span: earlier.name.span, message: 'first used here' }],
        }),
      );
    } else {
      named.set(s.name.text, s);
    }
  }
  // The names taken, made only when a rule needs a derived name (none in a fully named ruleset).
  let taken: Set<string> | undefined;
  return statements.map((s) => {
    const source = addresses.endpoint(s.source);
    const destination = addresses.endpoint(s.destination);
    const servicesText = printServices(s.services);
    const name = s.name
      ? s.name.text
      : unique(deriveName(s.action, source.text, destination.text, servicesText), (taken ??= new Set(named.keys())));
    // One object per rule (its keys in this order), with the description only when written.
    const rule: { -readonly [K in keyof Rule]: Rule[K] } = {
      name,
      named: s.name !== undefined,
      action: s.action,
      source,
      destination,
      services: services.terms(s.services, servicesText),
      servicesText,
      span: s.span,
    };
    if (s.description) rule.description = s.description.value;
    // Endpoints, service sets and spans are frozen already (freeze.ts).
    return Object.freeze(rule);
  });
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `allow-vpc-to-controlplane-tcp-6443`; long names are cut and keep a content hash. */
export function deriveName(action: string, source: string, destination: string, services: string): string {
  const full = `${action}-${slug(source)}-to-${slug(destination)}-${slug(services)}`.replace(/-+$/, '');
  if (full.length <= MAX_DERIVED_LENGTH) return full;
  const hash = createHash('sha256').update(`${action} ${source} -> ${destination} ${services}`).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_DERIVED_LENGTH - 9).replace(/-+$/, '')}-${hash}`;
}

function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}-${i}`;
  taken.add(candidate);
  return candidate;
}
