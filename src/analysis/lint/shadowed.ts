/**
 * Rules that match packets but decide none: every packet they match is matched earlier, by the
 * union of earlier rules (not only by one of them, which is all Capirca's check sees). The
 * covering rules are named. When one of them has the opposite action the rule's intent is
 * contradicted: an error; otherwise the rule is dead weight: a warning.
 */
import { error, warning, withExtras } from '../../diagnostics/index.js';
import { ruleHead, ruleLabel, ruleSpan, type LintCheck } from './context.js';

export const shadowed: LintCheck = (ctx) =>
  ctx.ir.rules.flatMap((rule, i) => {
    const f = ctx.facts[i]!;
    if (!f.matches || f.reaches) return [];
    const by = [...f.coveredBy].sort((a, b) => a - b);
    const names = by.map((j) => ruleLabel(ctx, j)).join(', ');
    const contradicted = by.some((j) => ctx.gate.gate.rules[j]!.action !== rule.action);
    const d = contradicted ? error('PAL8002', ruleHead(rule), rule.name, names) : warning('PAL8002', ruleHead(rule), rule.name, names);
    const related = by.flatMap((j) => {
      const span = ruleSpan(ctx, j);
      return span ? [{ span, message: `covered by ${ruleLabel(ctx, j)}` }] : [];
    });
    return [withExtras(d, { related })];
  });
