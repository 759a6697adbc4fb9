/**
 * AST → IR: `lower(statements, options) → { ir, diagnostics }`.
 *
 * 1. bind parameters (defaults, vars file, --set)   params.ts
 * 2. expand `if` with the bound parameters           conditions.ts
 * 3. index the declarations in effect                scope.ts
 * 4. resolve zones, roles and services               resolve-addresses.ts, resolve-services.ts
 * 5. lower rules, targets and defaults               rules.ts, targets.ts, defaults.ts
 * 6. run the semantic checks                         checks/
 *
 * Errors are collected (never thrown); the IR is returned only when there are none.
 */
import { hasErrors, type Diagnostic, type SourceFile } from '../diagnostics/index.js';
import type { ParamDecl, RoleDecl, Statement, ZoneDecl, ServiceDecl } from '../parser/ast.js';
import { emptySet } from './addresses.js';
import { deepFreeze } from './freeze.js';
import { checkDeadBranches } from './dead-branches.js';
import { ruleChecks } from './checks/index.js';
import { flatten } from './conditions.js';
import { lowerDefaults } from './defaults.js';
import { bindParams, type Assignment } from './params.js';
import { AddressResolver } from './resolve-addresses.js';
import { ServiceResolver } from './resolve-services.js';
import { lowerRules } from './rules.js';
import { buildScope } from './scope.js';
import { lowerTargets } from './targets.js';
import type { Ruleset } from './types.js';

export interface LowerOptions {
  /** `--set KEY=VALUE` assignments. */
  readonly set?: readonly Assignment[] | undefined;
  /** A vars file (YAML or JSON mapping of parameter names to values). */
  readonly vars?: SourceFile | undefined;
}

export interface LowerResult {
  readonly ir?: Ruleset;
  readonly diagnostics: readonly Diagnostic[];
}

const byName = <T extends { readonly name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

type ByKind = { [K in Statement['kind']]: Extract<Statement, { kind: K }>[] };

/** The statements of each kind, in order, in one pass (a 100k-rule file has 100k statements). */
function byKind(statements: readonly Statement[]): ByKind {
  const out: ByKind = { param: [], zone: [], role: [], service: [], target: [], import: [], default: [], if: [], rule: [] };
  for (const s of statements) (out[s.kind] as Statement[]).push(s);
  return out;
}

export function lower(
  statements: readonly Statement[],
  sources: readonly SourceFile[],
  options: LowerOptions = {},
): LowerResult {
  const diagnostics: Diagnostic[] = [];
  const paramDecls: ParamDecl[] = byKind(statements).param;
  const declaredParams = new Set(paramDecls.map((p) => p.name.text));
  const { params, targetAssignments } = bindParams(paramDecls, options, diagnostics);

  const { live, dead } = flatten(statements, params, declaredParams, diagnostics);
  const scope = buildScope(live, params, declaredParams, diagnostics);
  checkDeadBranches(live, dead, declaredParams, diagnostics);

  const addresses = new AddressResolver(scope, diagnostics);
  const services = new ServiceResolver(scope, diagnostics);
  const kinds = byKind(live);
  const zoneDecls: ZoneDecl[] = kinds.zone;
  const roleDecls: RoleDecl[] = kinds.role;
  const serviceDecls: ServiceDecl[] = kinds.service;
  const zones = zoneDecls.map((z) => ({ name: z.name.text, addresses: addresses.declared(z.name.text) ?? emptySet, span: z.span }));
  const roles = roleDecls.map((r) => ({
    name: r.name.text,
    addresses: r.addresses ? (addresses.declared(r.name.text) ?? emptySet) : undefined,
    span: r.span,
  }));
  const namedServices = serviceDecls.map((s) => ({ name: s.name.text, services: services.declared(s.name.text), span: s.span }));
  const rules = lowerRules(kinds.rule, addresses, services, diagnostics);
  const targets = lowerTargets(kinds.target, targetAssignments, params, diagnostics);
  const defaults = lowerDefaults(kinds.default, diagnostics);

  if (!hasErrors(diagnostics)) {
    for (const rule of rules) {
      for (const check of ruleChecks) {
        const found = check(rule);
        if (found.length > 0) diagnostics.push(...found);
      }
    }
  }
  if (hasErrors(diagnostics)) return { diagnostics };

  const ir: Ruleset = {
    sources,
    params: [...params.values()].sort(byName),
    zones: dedupe(zones).sort(byName),
    roles: dedupe(roles).sort(byName),
    services: dedupe(namedServices).sort(byName),
    rules,
    defaults,
    targets,
  };
  // Each rule is frozen where it is built (rules.ts), so the rule list is frozen as it stands and
  // the deep walk stops there instead of visiting every rule again.
  Object.freeze(rules);
  return { ir: deepFreeze(ir), diagnostics };
}

/** After a duplicate declaration (an error), keep the first one. */
function dedupe<T extends { readonly name: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.name) && seen.add(i.name));
}
