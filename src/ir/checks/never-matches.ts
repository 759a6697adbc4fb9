/**
 * A rule whose source, destination and services cannot share an address family matches
 * nothing (IPv4-only source to IPv6-only destination, or `icmp` between IPv6-only ends).
 * Opaque roles belong to both families. Empty ends are `empty-endpoint.ts`'s business.
 */
import { error, type Diagnostic } from '../../diagnostics/index.js';
import { families, isEmptySet, type AddressSet, type Family } from '../addresses.js';
import { protocolFamily } from '../protocols.js';
import type { Rule, ServiceSet } from '../types.js';

function addressFamilies(set: AddressSet): Family[] {
  return set.opaque.length > 0 ? [4, 6] : families(set);
}

function serviceFamilies(services: ServiceSet): Family[] {
  if (services.any || services.entries.length === 0) return [4, 6];
  const out = new Set<Family>();
  for (const e of services.entries) {
    const f = protocolFamily(e.protocol);
    if (f) out.add(f);
    else return [4, 6];
  }
  return [...out];
}

const describe = (fs: readonly Family[]): string => (fs.length === 2 ? 'IPv4 and IPv6' : `IPv${fs[0]} only`);

export function neverMatches(rule: Rule): Diagnostic[] {
  if (isEmptySet(rule.source.addresses) || isEmptySet(rule.destination.addresses)) return [];
  const src = addressFamilies(rule.source.addresses);
  const dst = addressFamilies(rule.destination.addresses);
  const ends = src.filter((f) => dst.includes(f));
  if (ends.length === 0) {
    return [error('PAL5001', rule.span, rule.name, `its source is ${describe(src)} and its destination ${describe(dst)}`)];
  }
  const svc = serviceFamilies(rule.services);
  if (!ends.some((f) => svc.includes(f))) {
    return [error('PAL5001', rule.span, rule.name, `its services are ${describe(svc)} and its ends ${describe(ends)}`)];
  }
  return [];
}
