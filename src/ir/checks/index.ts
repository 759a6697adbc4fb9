/** The semantic checks run on every lowered rule, one per file. */
import type { Diagnostic } from '../../diagnostics/index.js';
import type { Rule } from '../types.js';
import { emptyEndpoint } from './empty-endpoint.js';
import { neverMatches } from './never-matches.js';

export const ruleChecks: readonly ((rule: Rule) => Diagnostic[])[] = [neverMatches, emptyEndpoint];
