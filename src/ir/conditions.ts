/**
 * `if` expansion: conditions are evaluated with the bound parameters, and the statements of the
 * taken branches keep their place in the rule order. Statements of branches not taken are kept
 * apart, so that names in them are still checked (a typo should not wait for a parameter flip).
 */
import { didYouMean, error, withExtras, type Diagnostic } from '../diagnostics/index.js';
import type { Expr, Statement } from '../parser/ast.js';
import { coerceValue } from './params.js';
import type { BoundParam, ParamValue } from './types.js';

export interface Flattened {
  /** Statements in effect, in order, with `if` expanded (no params, imports or ifs left). */
  readonly live: readonly Statement[];
  /** Statements in branches not taken. */
  readonly dead: readonly Statement[];
}

export function flatten(
  statements: readonly Statement[],
  params: ReadonlyMap<string, BoundParam>,
  declaredParams: ReadonlySet<string>,
  diagnostics: Diagnostic[],
): Flattened {
  const live: Statement[] = [];
  const dead: Statement[] = [];
  const walk = (list: readonly Statement[], taken: boolean): void => {
    for (const s of list) {
      if (s.kind === 'param' || s.kind === 'import') continue;
      if (s.kind !== 'if') {
        (taken ? live : dead).push(s);
        continue;
      }
      const value = evaluate(s.condition, params, declaredParams, diagnostics) ?? false;
      walk(s.then, taken && value);
      if (s.else) walk(s.else, taken && !value);
    }
  };
  walk(statements, true);
  return { live, dead };
}

/** The value of a condition, or undefined after reporting why it has none. */
export function evaluate(
  expr: Expr,
  params: ReadonlyMap<string, BoundParam>,
  declared: ReadonlySet<string>,
  diagnostics: Diagnostic[],
): boolean | undefined {
  switch (expr.kind) {
    case 'not': {
      const v = evaluate(expr.operand, params, declared, diagnostics);
      return v === undefined ? undefined : !v;
    }
    case 'and':
    case 'or': {
      const l = evaluate(expr.left, params, declared, diagnostics);
      const r = evaluate(expr.right, params, declared, diagnostics);
      if (l === undefined || r === undefined) return undefined;
      return expr.kind === 'and' ? l && r : l || r;
    }
    case 'param': {
      const p = lookup(expr.name.text, expr.name.span, params, declared, diagnostics);
      if (!p) return undefined;
      if (p.type !== 'bool') {
        diagnostics.push(
          withExtras(error('PAL4009', expr.name.span, p.name, p.type, 'as a condition'), {
            hint: `compare it with a value, e.g. $${p.name} == ...`,
          }),
        );
        return undefined;
      }
      return p.value as boolean;
    }
    case 'compare': {
      const p = lookup(expr.name.text, expr.name.span, params, declared, diagnostics);
      if (!p) return undefined;
      const c = coerceValue(p.type, expr.value);
      if (!c.ok) {
        diagnostics.push(error('PAL4010', c.span ?? expr.value.span, `$${p.name} is a ${p.type}, and ${c.why}`));
        return undefined;
      }
      const same = sameValue(p.value, c.value);
      return expr.op === '==' ? same : !same;
    }
  }
}

function lookup(
  name: string,
  span: import('../diagnostics/index.js').Span,
  params: ReadonlyMap<string, BoundParam>,
  declared: ReadonlySet<string>,
  diagnostics: Diagnostic[],
): BoundParam | undefined {
  const p = params.get(name);
  // A declared parameter without a value already has an error of its own.
  if (!p && !declared.has(name)) diagnostics.push(withExtras(error('PAL3003', span, name), { hint: didYouMean(name, declared) }));
  return p;
}

/** Lists compare as sets: `[a, b] == [b, a]`. */
function sameValue(a: ParamValue, b: ParamValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const sa = [...new Set(a.map(String))].sort();
    const sb = [...new Set(b.map(String))].sort();
    return sa.length === sb.length && sa.every((x, i) => x === sb[i]);
  }
  return a === b;
}
