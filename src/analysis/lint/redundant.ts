/**
 * Rules whose removal changes nothing: they decide some packets, but the rules after them (or
 * the defaults) would decide those packets the same way.
 */
import { warning, withExtras } from '../../diagnostics/index.js';
import { ruleHead, ruleLabel, ruleSpan, type LintCheck } from './context.js';

export const redundant: LintCheck = (ctx) =>
  ctx.ir.rules.flatMap((rule, i) => {
    const f = ctx.facts[i]!;
    if (!f.reaches || f.matters) return [];
    const by = [...f.takenOverBy].sort((a, b) => (a === -1 ? 1 : b === -1 ? -1 : a - b));
    const names = by.map((j) => (j === -1 ? ctx.gate.gate.fallbackOrigin.label : ruleLabel(ctx, j)));
    const related = by.flatMap((j) => {
      const span = j === -1 ? undefined : ruleSpan(ctx, j);
      return span ? [{ span, message: `decides them the same way: ${ruleLabel(ctx, j)}` }] : [];
    });
    return [withExtras(warning('PAL8003', ruleHead(rule), rule.name, names.join(', ')), { related })];
  });
