/** The semantic checks run on every lowered rule, one per file. */
import type { Diagnostic } from '../../diagnostics/index.js';
import type { Rule } from '../types.js';
import { emptyEndpoint } from './empty-endpoint.js';
import { neverMatches } from './never-matches.js';

/** A check's findings for one rule; `none` (shared) when there are none, as for nearly every rule. */
export type RuleCheck = (rule: Rule) => readonly Diagnostic[];

export const ruleChecks: readonly RuleCheck[] = [neverMatches, emptyEndpoint];
