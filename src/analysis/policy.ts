/**
 * What the analysis engine compares: a policy is a set of gates, each an ordered ACL (first
 * match, then a fallback verdict) that judges the packets in its scope. A packet is permitted
 * when every gate whose scope holds it lets it through.
 *
 * - A ruleset is one gate over all packets: its rules, then its defaults as rules
 *   (LANGUAGE.md "Meaning"), then "outside the policy: permitted".
 * - A host artifact (nftables) has an input gate over packets to the host's role and an output
 *   gate over packets from it; a security group has an ingress and an egress gate; and so on.
 *
 * Readers of target artifacts produce policies, so a ruleset and a deployed artifact are
 * compared by the same engine.
 */
import type { Span } from '../diagnostics/index.js';
import { universe, type Action, type AddressSet, type Rule, type Ruleset, type ServiceSet } from '../ir/index.js';
import { normalize, type Range } from '../ir/intervals.js';
import { anyService } from '../ir/resolve-services.js';
import { ruleText } from './explain.js';

/** Where a rule (or a default) comes from, in the words of its source. */
export interface Origin {
  /** A rule name, `default ingress deny`, `outside the policy`, an artifact's rule comment. */
  readonly label: string;
  /** The rule in its own language, e.g. `allow vpc -> controlplane k8s-api`. */
  readonly text: string;
  readonly span?: Span;
}

export interface AclRule {
  readonly action: Action;
  readonly source: AddressSet;
  readonly destination: AddressSet;
  readonly services: ServiceSet;
  readonly origin: Origin;
}

export type GateScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'source' | 'destination'; readonly addresses: AddressSet };

export interface Gate {
  readonly name: string;
  readonly scope: GateScope;
  readonly rules: readonly AclRule[];
  readonly fallback: Action;
  readonly fallbackOrigin: Origin;
}

export interface Policy {
  /** How the policy is named in output: a file name, `nftables:out/`. */
  readonly label: string;
  readonly gates: readonly Gate[];
  /** Roles without addresses the policy mentions (they get indices in the packet space). */
  readonly opaqueRoles: readonly string[];
}

/** The policy a ruleset means (LANGUAGE.md "Meaning"), its defaults written as trailing rules. */
export function rulesetPolicy(ir: Ruleset, label: string): Policy {
  const opaqueRoles = ir.roles.filter((r) => r.addresses === undefined).map((r) => r.name);
  const roles = everyRole(ir);
  const all = universe(opaqueRoles);
  const rules: AclRule[] = ir.rules.map((r) => ({
    action: r.action,
    source: r.source.addresses,
    destination: r.destination.addresses,
    services: r.services,
    origin: new RuleOrigin(r),
  }));
  const { ingress, egress } = ir.defaults;
  const defaultRule = (direction: 'ingress' | 'egress', action: Action): AclRule => {
    const policy = direction === 'ingress' ? ingress : egress;
    const label = `default ${direction} ${action}`;
    return {
      action,
      source: direction === 'egress' ? roles : all,
      destination: direction === 'ingress' ? roles : all,
      services: anyService,
      origin: policy.span ? { label, text: label, span: policy.span } : { label, text: `${label} (implicit)` },
    };
  };
  // Denying defaults first: a packet passes only if every default that applies permits it.
  const defaults = [
    ...(['ingress', 'egress'] as const).filter((d) => ir.defaults[d].action === 'deny').map((d) => defaultRule(d, 'deny')),
    ...(['ingress', 'egress'] as const).filter((d) => ir.defaults[d].action === 'allow').map((d) => defaultRule(d, 'allow')),
  ];
  return {
    label,
    opaqueRoles,
    gates: [
      {
        name: 'ruleset',
        scope: { kind: 'all' },
        rules: [...rules, ...defaults],
        fallback: 'allow',
        fallbackOrigin: { label: 'outside the policy', text: 'outside the policy (no end in a role)' },
      },
    ],
  };
}

/** A rule's origin; its text is printed only when read (most rules are never named in output). */
class RuleOrigin implements Origin {
  readonly #rule: Rule;
  #text: string | undefined;

  constructor(rule: Rule) {
    this.#rule = rule;
  }

  get label(): string {
    return this.#rule.name;
  }

  get span(): Span {
    return this.#rule.span;
  }

  get text(): string {
    return (this.#text ??= ruleText(this.#rule));
  }
}

/** The addresses of every role (an opaque role as itself), merged once rather than role by role. */
export function everyRole(ir: Ruleset): AddressSet {
  const v4: Range<number>[] = [];
  const v6: Range<bigint>[] = [];
  const opaque: string[] = [];
  for (const r of ir.roles) {
    if (r.addresses === undefined) opaque.push(r.name);
    else {
      for (const x of r.addresses.v4) v4.push(x);
      for (const x of r.addresses.v6) v6.push(x);
      for (const x of r.addresses.opaque) opaque.push(x);
    }
  }
  return { v4: normalize(v4), v6: normalize(v6), opaque: [...new Set(opaque)].sort() };
}
