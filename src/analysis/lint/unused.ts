/**
 * Zones, services and parameters that nothing refers to (in any branch of any `if`, in any
 * imported file). Roles are not reported: a role is protected even when no rule names it.
 */
import { warning, type Diagnostic } from '../../diagnostics/index.js';
import type { AddressExpr, Expr, ServiceTerm, Statement, Value } from '../../parser/ast.js';
import type { LintCheck } from './context.js';

export const unused: LintCheck = (ctx) => {
  const names = new Set<string>();
  const params = new Set<string>();
  const value = (v: Value): void => {
    if (v.kind === 'param') params.add(v.name.text);
    if (v.kind === 'list') v.items.forEach(value);
  };
  const addresses = (e: AddressExpr): void => {
    for (const t of [...e.include, ...e.exclude]) {
      if (t.kind === 'name') names.add(t.name.text);
      else if (t.kind === 'param') params.add(t.name.text);
      else if (t.kind === 'group') addresses(t.expr);
    }
  };
  const services = (ts: readonly ServiceTerm[]): void => {
    for (const t of ts) {
      if (t.kind === 'name') names.add(t.name.text);
      if (t.kind === 'protocol') for (const p of t.ports ?? []) if (p.kind === 'param') params.add(p.name.text);
    }
  };
  const condition = (e: Expr): void => {
    if (e.kind === 'param' || e.kind === 'compare') params.add(e.name.text);
    if (e.kind === 'compare') value(e.value);
    if (e.kind === 'not') condition(e.operand);
    if (e.kind === 'and' || e.kind === 'or') {
      condition(e.left);
      condition(e.right);
    }
  };
  const walk = (ss: readonly Statement[]): void => {
    for (const s of ss) {
      if (s.kind === 'zone') addresses(s.addresses);
      else if (s.kind === 'role' && s.addresses) addresses(s.addresses);
      else if (s.kind === 'service') services(s.services);
      else if (s.kind === 'target') s.entries.forEach((e) => value(e.value));
      else if (s.kind === 'rule') {
        addresses(s.source);
        addresses(s.destination);
        services(s.services);
      } else if (s.kind === 'if') {
        condition(s.condition);
        walk(s.then);
        walk(s.else ?? []);
      }
    }
  };
  walk(ctx.statements);
  const out: Diagnostic[] = [];
  const declared = (ss: readonly Statement[]): void => {
    for (const s of ss) {
      if (s.kind === 'zone' && !names.has(s.name.text)) out.push(warning('PAL8004', s.name.span, 'zone', s.name.text));
      if (s.kind === 'service' && !names.has(s.name.text)) out.push(warning('PAL8004', s.name.span, 'service', s.name.text));
      if (s.kind === 'param' && !params.has(s.name.text)) out.push(warning('PAL8004', s.name.span, 'parameter', s.name.text));
      if (s.kind === 'if') {
        declared(s.then);
        declared(s.else ?? []);
      }
    }
  };
  declared(ctx.statements);
  return out;
};
