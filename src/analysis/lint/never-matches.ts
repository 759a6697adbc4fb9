/**
 * Rules that no valid packet can match. Empty ends are already reported when the ruleset is
 * read (PAL5002); this finds the rest, e.g. a service that exists only in the other family.
 */
import { warning } from '../../diagnostics/index.js';
import { isEmptySet } from '../../ir/index.js';
import { ruleHead, type LintCheck } from './context.js';

export const neverMatches: LintCheck = (ctx) =>
  ctx.ir.rules.flatMap((rule, i) => {
    if (ctx.facts[i]!.matches) return [];
    if (isEmptySet(rule.source.addresses) || isEmptySet(rule.destination.addresses)) return [];
    return [warning('PAL8001', ruleHead(rule), rule.name, 'no valid packet has its source, destination and services at once')];
  });
