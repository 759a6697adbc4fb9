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
import type { ParamDecl, RoleDecl, RuleStmt, Statement, TargetDecl, DefaultDecl, ZoneDecl, ServiceDecl } from '../parser/ast.js';
import { emptySet } from './addresses.js';
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

function ofKind<K extends Statement['kind']>(statements: readonly Statement[], kind: K): Extract<Statement, { kind: K }>[] {
  return statements.filter((s): s is Extract<Statement, { kind: K }> => s.kind === kind);
}

export function lower(
  statements: readonly Statement[],
  sources: readonly SourceFile[],
  options: LowerOptions = {},
): LowerResult {
  const diagnostics: Diagnostic[] = [];
  const paramDecls: ParamDecl[] = ofKind(statements, 'param');
  const declaredParams = new Set(paramDecls.map((p) => p.name.text));
  const { params, targetAssignments } = bindParams(paramDecls, options, diagnostics);

  const { live, dead } = flatten(statements, params, declaredParams, diagnostics);
  const scope = buildScope(live, params, declaredParams, diagnostics);
  checkDeadBranches(live, dead, declaredParams, diagnostics);

  const addresses = new AddressResolver(scope, diagnostics);
  const services = new ServiceResolver(scope, diagnostics);
  const zoneDecls: ZoneDecl[] = ofKind(live, 'zone');
  const roleDecls: RoleDecl[] = ofKind(live, 'role');
  const serviceDecls: ServiceDecl[] = ofKind(live, 'service');
  const zones = zoneDecls.map((z) => ({ name: z.name.text, addresses: addresses.declared(z.name.text) ?? emptySet, span: z.span }));
  const roles = roleDecls.map((r) => ({
    name: r.name.text,
    addresses: r.addresses ? (addresses.declared(r.name.text) ?? emptySet) : undefined,
    span: r.span,
  }));
  const namedServices = serviceDecls.map((s) => ({ name: s.name.text, services: services.declared(s.name.text), span: s.span }));
  const rules = lowerRules(ofKind(live, 'rule') as RuleStmt[], addresses, services, diagnostics);
  const targets = lowerTargets(ofKind(live, 'target') as TargetDecl[], targetAssignments, params, diagnostics);
  const defaults = lowerDefaults(ofKind(live, 'default') as DefaultDecl[], diagnostics);

  if (!hasErrors(diagnostics)) {
    for (const rule of rules) for (const check of ruleChecks) diagnostics.push(...check(rule));
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
  return { ir: deepFreeze(ir), diagnostics };
}

/** After a duplicate declaration (an error), keep the first one. */
function dedupe<T extends { readonly name: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.name) && seen.add(i.name));
}

/**
 * Freezes the IR's own plain objects and arrays (not class instances such as spans and source
 * files), so nothing can patch it. Freezing before descending makes "frozen" the visited mark.
 */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    Object.freeze(value);
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
    return value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  Object.freeze(value);
  for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
