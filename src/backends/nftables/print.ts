/**
 * Prints the nftables model as a file for `nft -f`. The file first adds and deletes the table,
 * then defines it again, so loading it replaces the table atomically (one transaction) and
 * loading it twice gives the same state.
 *
 * The model is immutable and lowering shares named sets between the tables of one ruleset, so
 * each set's block is printed once and remembered. Statements are printed each time: remembering
 * a million lines costs more memory at 100k rules than printing them again costs time.
 */
import { icmpTypeName, protocolName } from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';
import type { NftChain, NftMatch, NftRemark, NftSet, NftStatement, NftTable } from './model.js';

/** A comment's text on one line: no control characters (nor Unicode line separators). */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, ' ');
}

/** One value or a `{ a, b }` set of values. */
function group(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

/** Port ranges as numbers and `lo-hi` ranges. */
function portRanges(rs: readonly Range<number>[]): string[] {
  return rs.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`));
}

/** ICMP type ranges, by name where every type in a short range has one. */
function typeRanges(rs: readonly Range<number>[], name: (n: number) => string): string[] {
  return rs.flatMap(([lo, hi]) => {
    if (lo === hi) return [name(lo)];
    // Named ICMP types read better one by one than as a numeric range.
    const named = [];
    for (let n = lo; n <= hi && hi - lo < 16; n++) named.push(name(n));
    return named.length > 0 && named.every((s) => !/^\d+$/.test(s)) ? named : [`${lo}-${hi}`];
  });
}

/** nft's name for an IP protocol (`ipv6-icmp` for 58), or its number. */
function l4protoName(protocol: number): string {
  if (protocol === 58) return 'ipv6-icmp';
  return protocolName(protocol) ?? String(protocol);
}

function match(m: NftMatch): string {
  switch (m.kind) {
    case 'ct-state':
      return `ct state ${m.states.join(',')}`;
    case 'interface':
      return `${m.direction} "${m.name}"`;
    case 'nfproto':
      return `meta nfproto ipv${m.family}`;
    case 'address': {
      const value = m.set !== undefined ? `@${m.set}` : group(m.cidrs ?? []);
      return `${m.family === 4 ? 'ip' : 'ip6'} ${m.side} ${value}`;
    }
    case 'l4proto':
      return `meta l4proto ${l4protoName(m.protocol)}`;
    case 'dport':
      return `${protocolName(m.protocol)} dport ${group(portRanges(m.ports))}`;
    case 'icmp-type': {
      const keyword = m.protocol === 58 ? 'icmpv6' : 'icmp';
      return `${keyword} type ${group(typeRanges(m.types, (n) => icmpTypeName(m.protocol, n) ?? String(n)))}`;
    }
    case 'hoplimit':
      return `ip6 hoplimit ${m.value}`;
  }
}

/** The matches, the counter, the verdict and the comment, separated by spaces. */
function statement(s: NftStatement): string {
  let text = '';
  for (const m of s.matches) text += `${match(m)} `;
  if (s.counter) text += 'counter ';
  text += s.verdict;
  if (s.comment !== undefined) text += ` comment "${s.comment}"`;
  return text;
}

/** A chain's line, indented. */
function line(l: NftStatement | NftRemark): string {
  return `\t\t${l.kind === 'remark' ? `# ${oneLine(l.text)}` : statement(l)}`;
}

const setText = new WeakMap<NftSet, string>();

/** A set's block, without a line break at its end. */
function set(s: NftSet): string {
  let text = setText.get(s);
  if (text === undefined) {
    const lines = [`\tset ${s.name} {`, `\t\ttype ipv${s.family}_addr`, '\t\tflags interval'];
    if (s.cidrs.length > 0) lines.push(`\t\telements = { ${s.cidrs.join(', ')} }`);
    lines.push('\t}');
    setText.set(s, (text = lines.join('\n')));
  }
  return text;
}

function chain(c: NftChain, out: string[]): void {
  out.push(`\tchain ${c.name} {`, `\t\ttype filter hook ${c.name} priority filter; policy ${c.policy};`);
  for (const l of c.lines) out.push(line(l));
  out.push('\t}');
}

export function printTable(t: NftTable): string {
  const out = ['#!/usr/sbin/nft -f'];
  for (const h of t.header) out.push(`# ${oneLine(h)}`);
  out.push('', `add table inet ${t.name}`, `delete table inet ${t.name}`, '', `table inet ${t.name} {`);
  // Blocks (sets, then chains) are separated by one empty line.
  let first = true;
  for (const s of t.sets) {
    if (!first) out.push('');
    first = false;
    out.push(set(s));
  }
  for (const c of t.chains) {
    if (!first) out.push('');
    first = false;
    chain(c, out);
  }
  out.push('}', '');
  return out.join('\n');
}
