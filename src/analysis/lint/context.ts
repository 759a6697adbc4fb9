/** What every lint check sees: the ruleset, what was written, and the exact per-rule facts. */
import type { Diagnostic, Span } from '../../diagnostics/index.js';
import type { Rule, Ruleset } from '../../ir/index.js';
import type { Statement } from '../../parser/ast.js';
import type { GateAnalysis, PolicyAnalysis } from '../gates.js';
import type { RuleFacts } from './reach.js';

export interface LintContext {
  readonly ir: Ruleset;
  readonly statements: readonly Statement[];
  readonly policy: PolicyAnalysis;
  /** The ruleset's one gate: its rules are the ruleset's rules, then the defaults as rules. */
  readonly gate: GateAnalysis;
  /** Facts per gate rule (indices below `ir.rules.length` are the ruleset's own rules). */
  readonly facts: readonly RuleFacts[];
}

export type LintCheck = (ctx: LintContext) => Diagnostic[];

/** Where to point at a rule: its name, or its action when it has no name. */
export function ruleHead(rule: Rule): Span {
  const s = rule.span;
  return s.source.span(s.start, s.start + (rule.named ? rule.name.length : rule.action.length));
}

/** Where to point at a declaration (`zone NAME = ...`): its name. */
export function declarationName(span: Span, name: string): Span {
  const at = span.source.text.indexOf(name, span.start);
  return at < 0 || at >= span.end ? span : span.source.span(at, at + name.length);
}

/** Where to point at a gate rule in a note: a ruleset rule's name, or the default's statement. */
export function ruleSpan(ctx: LintContext, i: number): Span | undefined {
  return i < ctx.ir.rules.length ? ruleHead(ctx.ir.rules[i]!) : ctx.gate.gate.rules[i]?.origin.span;
}

/** The name of a gate rule, for "shadowed by ..." lists. */
export function ruleLabel(ctx: LintContext, i: number): string {
  return i < ctx.ir.rules.length ? JSON.stringify(ctx.ir.rules[i]!.name) : ctx.gate.gate.rules[i]!.origin.label;
}
