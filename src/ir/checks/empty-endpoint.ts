/**
 * A rule whose source or destination is empty with the current parameters (say a zone built
 * from an empty `list(cidr)`) matches nothing. That is often intended, so it is a warning.
 */
import { warning, type Diagnostic } from '../../diagnostics/index.js';
import { none } from './none.js';
import { isEmptySet } from '../addresses.js';
import type { Rule } from '../types.js';

export function emptyEndpoint(rule: Rule): readonly Diagnostic[] {
  if (isEmptySet(rule.source.addresses)) return [warning('PAL5002', rule.source.span, rule.name, 'source')];
  if (isEmptySet(rule.destination.addresses)) return [warning('PAL5002', rule.destination.span, rule.name, 'destination')];
  return none;
}
