/**
 * A rule whose source, destination and services cannot share an address family matches
 * nothing (IPv4-only source to IPv6-only destination, or `icmp` between IPv6-only ends).
 * Opaque roles belong to both families. Empty ends are `empty-endpoint.ts`'s business.
 *
 * Families are bit masks (IPv4 1, IPv6 2), so the check allocates nothing for a rule that
 * can match (every rule of a valid ruleset).
 */
import { error, type Diagnostic } from '../../diagnostics/index.js';
import { none } from './none.js';
import { isEmptySet, type AddressSet } from '../addresses.js';
import { protocolFamily } from '../protocols.js';
import type { Rule, ServiceSet } from '../types.js';

const V4 = 1;
const V6 = 2;
const BOTH = V4 | V6;

function addressFamilies(set: AddressSet): number {
  if (set.opaque.length > 0) return BOTH;
  return (set.v4.length > 0 ? V4 : 0) | (set.v6.length > 0 ? V6 : 0);
}

function serviceFamilies(services: ServiceSet): number {
  if (services.any || services.entries.length === 0) return BOTH;
  let out = 0;
  for (const e of services.entries) {
    const f = protocolFamily(e.protocol);
    if (f === undefined) return BOTH;
    out |= f === 4 ? V4 : V6;
  }
  return out;
}

const describe = (fs: number): string => (fs === BOTH ? 'IPv4 and IPv6' : fs === V4 ? 'IPv4 only' : 'IPv6 only');

export function neverMatches(rule: Rule): readonly Diagnostic[] {
  if (isEmptySet(rule.source.addresses) || isEmptySet(rule.destination.addresses)) return none;
  const src = addressFamilies(rule.source.addresses);
  const dst = addressFamilies(rule.destination.addresses);
  const ends = src & dst;
  if (ends === 0) {
    return [error('PAL5001', rule.span, rule.name, `its source is ${describe(src)} and its destination ${describe(dst)}`)];
  }
  const svc = serviceFamilies(rule.services);
  if ((ends & svc) === 0) {
    return [error('PAL5001', rule.span, rule.name, `its services are ${describe(svc)} and its ends ${describe(ends)}`)];
  }
  return none;
}
