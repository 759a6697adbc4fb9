/**
 * A TypeScript port of Talos's own checks on a NetworkRuleConfig document (rule_config.go
 * `Validate` and port_range.go `UnmarshalYAML`): name present, ports non-empty, each port an
 * integer 0-65535 or a `"lo-hi"` string with lo <= hi, no two ranges overlapping, every subnet and
 * except a valid prefix. Beyond Talos, the protocol must be one it knows (tcp, udp, icmp,
 * icmpv6): Talos accepts a missing protocol and renders protocol 0, which matches nothing useful.
 */
import ipaddr from 'ipaddr.js';
import type { Range } from '../../ir/intervals.js';

export const RULE_PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6'] as const;

/** One port entry as Talos parses it, or why not. */
export function parsePort(value: unknown): Range<number> | string {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value <= 65535 ? [value, value] : `invalid port ${value}`;
  }
  if (typeof value !== 'string') return `invalid port range: ${JSON.stringify(value)}`;
  const m = /^(\d+)-(\d+)$/.exec(value);
  if (!m) return `invalid port range: ${JSON.stringify(value)}`;
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  if (lo > 65535 || hi > 65535) return `invalid port range: ${JSON.stringify(value)}`;
  if (lo > hi) return `invalid port range: ${value}`;
  return [lo, hi];
}

/** Whether Go's netip.ParsePrefix takes this text (IPv4 or IPv6 address, slash, length). */
export function validPrefix(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return false;
  const length = Number(m[2]);
  if (ipaddr.IPv4.isValidFourPartDecimal(m[1]!)) return length <= 32;
  if (!m[1]!.includes('%') && ipaddr.IPv6.isValid(m[1]!) && m[1]!.includes(':')) return length <= 128;
  return false;
}

const rangeText = ([lo, hi]: Range<number>): string => (lo === hi ? String(lo) : `${lo}-${hi}`);

/** The errors Talos (and the protocol check) would report for a NetworkRuleConfig document. */
export function validateRuleConfig(doc: Readonly<Record<string, unknown>>): string[] {
  const errors: string[] = [];
  if (typeof doc['name'] !== 'string' || doc['name'] === '') errors.push('name is required');
  const selector = (doc['portSelector'] ?? {}) as Record<string, unknown>;
  const ports = Array.isArray(selector['ports']) ? (selector['ports'] as unknown[]) : [];
  if (ports.length === 0) errors.push('portSelector.ports is required');
  const ranges: Range<number>[] = [];
  for (const p of ports) {
    const r = parsePort(p);
    if (typeof r === 'string') errors.push(r);
    else {
      const other = ranges.find(([lo, hi]) => r[0] <= hi && lo <= r[1]);
      if (other) errors.push(`invalid port range: ${rangeText(r)}, overlaps with ${rangeText(other)}`);
      ranges.push(r);
    }
  }
  if (!RULE_PROTOCOLS.includes(selector['protocol'] as (typeof RULE_PROTOCOLS)[number])) {
    errors.push(`portSelector.protocol must be one of ${RULE_PROTOCOLS.join(', ')}`);
  }
  const ingress = Array.isArray(doc['ingress']) ? (doc['ingress'] as unknown[]) : doc['ingress'] === undefined ? [] : undefined;
  if (ingress === undefined) errors.push('ingress must be a list');
  for (const entry of ingress ?? []) {
    const e = (entry ?? {}) as Record<string, unknown>;
    if (!validPrefix(e['subnet'])) errors.push(`invalid subnet: ${JSON.stringify(e['subnet'])}`);
    if (e['except'] !== undefined && !validPrefix(e['except'])) errors.push(`invalid except: ${JSON.stringify(e['except'])}`);
  }
  return errors;
}
