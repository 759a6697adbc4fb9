/**
 * Names in branches not taken are still checked: a typo in `if $enable_nodeport { ... }` should
 * fail today, not on the day someone enables NodePorts. Names may refer to declarations in any
 * branch; types and values are only checked where the statement takes effect.
 */
import { didYouMean, error, withExtras, type Diagnostic } from '../diagnostics/index.js';
import type { AddressExpr, AddressTerm, ServiceTerm, Statement } from '../parser/ast.js';

export function checkDeadBranches(
  live: readonly Statement[],
  dead: readonly Statement[],
  declaredParams: ReadonlySet<string>,
  diagnostics: Diagnostic[],
): void {
  if (dead.length === 0) return;
  const all = [...live, ...dead];
  const addressNames = new Set(all.flatMap((s) => (s.kind === 'zone' || s.kind === 'role' ? [s.name.text] : [])));
  const serviceNames = new Set(all.flatMap((s) => (s.kind === 'service' ? [s.name.text] : [])));

  const param = (name: string, span: import('../diagnostics/index.js').Span): void => {
    if (!declaredParams.has(name)) diagnostics.push(withExtras(error('PAL3003', span, name), { hint: didYouMean(name, declaredParams) }));
  };
  const term = (t: AddressTerm): void => {
    if (t.kind === 'name' && !addressNames.has(t.name.text) && !serviceNames.has(t.name.text)) {
      diagnostics.push(withExtras(error('PAL3001', t.name.span, t.name.text), { hint: didYouMean(t.name.text, addressNames) }));
    } else if (t.kind === 'param') {
      param(t.name.text, t.name.span);
    } else if (t.kind === 'group') {
      expr(t.expr);
    }
  };
  const expr = (e: AddressExpr): void => [...e.include, ...e.exclude].forEach(term);
  const services = (terms: readonly ServiceTerm[]): void => {
    for (const t of terms) {
      if (t.kind === 'name' && !serviceNames.has(t.name.text) && !addressNames.has(t.name.text)) {
        diagnostics.push(withExtras(error('PAL3002', t.name.span, t.name.text), { hint: didYouMean(t.name.text, serviceNames) }));
      } else if (t.kind === 'protocol') {
        for (const p of t.ports ?? []) if (p.kind === 'param') param(p.name.text, p.name.span);
      }
    }
  };
  for (const s of dead) {
    if (s.kind === 'zone') expr(s.addresses);
    else if (s.kind === 'role' && s.addresses) expr(s.addresses);
    else if (s.kind === 'service') services(s.services);
    else if (s.kind === 'rule') {
      expr(s.source);
      expr(s.destination);
      services(s.services);
    }
  }
}
