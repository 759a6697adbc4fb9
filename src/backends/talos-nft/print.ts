/**
 * Prints the rendered `inet talos` table as a file for `nft -f`: it adds and deletes the table
 * first, so loading it replaces the table in one transaction. Addresses are printed as single
 * addresses, prefixes where a range is one, and `from-to` ranges otherwise, as Talos's interval
 * sets hold them.
 */
import { formatAddress, toCidrs, type Family } from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';
import { oneLine } from '../nftables/print.js';
import type { TalosMatch, TalosNftChain, TalosNftRule, TalosNftTable } from './model.js';

function set(items: readonly string[]): string {
  return `{ ${items.join(', ')} }`;
}

function addresses(family: Family, ranges: readonly Range<bigint>[]): string[] {
  return ranges.map(([lo, hi]) => {
    if (lo === hi) return formatAddress(family, lo);
    const cidrs = toCidrs(family, [[lo, hi]]);
    return cidrs.length === 1 ? cidrs[0]! : `${formatAddress(family, lo)}-${formatAddress(family, hi)}`;
  });
}

function match(m: TalosMatch): string {
  switch (m.kind) {
    case 'iifname':
      return `iifname ${set(m.names.map((n) => JSON.stringify(n)))}`;
    case 'ct-state':
      return `ct state ${m.states.length === 1 ? m.states[0] : set(m.states)}`;
    case 'icmp-type':
      return `icmp type ${set(m.names)}`;
    case 'l4proto':
      return `meta l4proto ${m.name}`;
    case 'nfproto':
      return `meta nfproto ipv${m.family}`;
    case 'address':
      return `${m.family === 4 ? 'ip' : 'ip6'} ${m.side} ${m.negate ? '!= ' : ''}${set(addresses(m.family, m.ranges))}`;
    case 'dport':
      return `${m.protocol} dport ${set(m.ports.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)))}`;
  }
}

function rule(r: TalosNftRule): string {
  const parts = r.matches.map(match);
  if (r.limit) parts.push('limit rate 5/second burst 5 packets');
  parts.push('counter', r.verdict);
  return parts.join(' ');
}

function chain(c: TalosNftChain): string[] {
  return [
    `\tchain ${c.name} {`,
    `\t\ttype filter hook ${c.hook} priority ${c.priority}; policy ${c.policy};`,
    ...c.rules.map((r) => `\t\t${rule(r)}`),
    '\t}',
  ];
}

export function printTalosTable(t: TalosNftTable): string {
  return [
    '#!/usr/sbin/nft -f',
    ...t.header.map((h) => `# ${oneLine(h)}`),
    '',
    'add table inet talos',
    'delete table inet talos',
    '',
    'table inet talos {',
    ...t.chains.flatMap((c, i) => (i === 0 ? chain(c) : ['', ...chain(c)])),
    '}',
    '',
  ].join('\n');
}
