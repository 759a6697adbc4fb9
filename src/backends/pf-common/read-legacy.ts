/**
 * Reads `<filter><rule>` elements (pfSense's only format, OPNsense's legacy one) into raw rules.
 * The products differ in booleans (reference §1): pfSense tests presence (`<disabled>0</disabled>`
 * is disabled), OPNsense tests non-emptiness (`0` is false). Fields that change which packets
 * open connections and that the packet model lacks (schedules, tags, OS fingerprints, TCP
 * flags, stateless rules...) are errors; cosmetic ones (log, descr, created) are skipped.
 */
import type { Span } from '../../diagnostics/index.js';
import { htmlDecode } from './xml.js';
import { invalid, unsupported } from './read-env.js';
import type { RawEnd, RawRule } from './read-policy.js';
import { child, elementNames, isElement, text } from './read-xml.js';
import { icmpTable } from './protocols.js';

export type Product = 'pfsense' | 'opnsense';

/** Elements that do not change which packets a rule passes or blocks. */
const COSMETIC = new Set([
  'id', 'tracker', 'descr', 'log', 'created', 'updated', 'labels', 'associated-rule-id', 'nosync', 'nopfsync',
  'gateway', 'disablereplyto', 'reply-to', 'allowopts', 'tag', 'category', 'statepolicy', 'state-policy', 'force_category',
  'dnpipe', 'pdnpipe', 'defaultqueue', 'ackqueue', 'shaper1', 'shaper2', 'sequence',
  'statetimeout', 'udp-first', 'udp-multiple', 'udp-single', 'tcpflags_any', 'icmp6-type',
]);
const HANDLED = new Set(['type', 'interface', 'ipprotocol', 'protocol', 'icmptype', 'source', 'destination', 'disabled', 'statetype', 'floating', 'quick', 'direction', 'interfacenot']);

export interface LegacyRule {
  readonly interfaces: readonly string[];
  readonly floating: boolean;
  readonly raw: RawRule;
}

/** True when a boolean element is set, by the product's rule. */
export function flag(node: unknown, name: string, product: Product): boolean {
  if (!isElement(node) || !(name in node)) return false;
  return product === 'pfsense' || !['', '0'].includes(text(child(node, name)).trim());
}

function end(node: unknown, side: string, span: Span | undefined): RawEnd | undefined {
  if (node === undefined) return undefined;
  const names = elementNames(node);
  for (const n of names) if (!['any', 'address', 'network', 'not', 'port'].includes(n)) unsupported(span, `<${n}> in the rule's ${side}`);
  const kinds = names.filter((n) => n === 'any' || n === 'address' || n === 'network');
  if (kinds.length !== 1) return invalid(span, `the rule's ${side} needs exactly one of <any>, <address> or <network>`);
  const kind = kinds[0]!;
  const port = isElement(node) && 'port' in node ? text(child(node, 'port')).trim() : undefined;
  const value = kind === 'any' ? 'any' : text(child(node, kind)).trim();
  return {
    values: [{ kind: kind === 'network' ? 'network' : 'address', value }],
    not: isElement(node) && 'not' in node,
    ...(port ? { port } : {}),
  };
}

export function readLegacyRule(node: unknown, product: Product, span: Span | undefined): LegacyRule | undefined {
  if (flag(node, 'disabled', product)) return undefined;
  for (const n of elementNames(node)) {
    if (COSMETIC.has(n) || HANDLED.has(n)) continue;
    if (text(child(node, n)) === '' && !isElement(child(node, n))) continue;
    unsupported(span, `<${n}> in a rule`);
  }
  const statetype = text(child(node, 'statetype')).trim();
  if (/^none$|^no state$/i.test(statetype)) unsupported(span, 'a rule without state (statetype none)');
  if (flag(node, 'interfacenot', 'opnsense')) unsupported(span, 'an inverted interface match');
  const floating = flag(node, 'floating', product);
  const quickWritten = isElement(node) && 'quick' in node;
  const quick = floating ? flag(node, 'quick', product) : !quickWritten || flag(node, 'quick', product);
  if (!quick) unsupported(span, 'a rule without quick (last match wins)');
  const direction = text(child(node, 'direction')).trim();
  if (floating && direction !== '' && direction !== 'in') unsupported(span, `a floating rule with direction ${JSON.stringify(direction)}`);

  const typeWord = text(child(node, 'type')).trim();
  if (typeWord === 'match') unsupported(span, 'a match rule');
  const action = typeWord === 'block' || typeWord === 'reject' ? typeWord : 'pass';
  const familyWord = text(child(node, 'ipprotocol')).trim() || 'inet';
  if (familyWord !== 'inet' && familyWord !== 'inet6' && familyWord !== 'inet46') return invalid(span, `unknown ipprotocol ${JSON.stringify(familyWord)}`);
  const protocol = text(child(node, 'protocol')).trim().toLowerCase() || undefined;
  const typeField = text(child(node, 'icmptype')).trim() || text(child(node, 'icmp6-type')).trim();
  let icmpTypes: number[] | undefined;
  if (protocol === 'icmp' && typeField !== '' && typeField !== 'any') {
    if (familyWord === 'inet46') unsupported(span, 'ICMP types in a rule for both IPv4 and IPv6');
    const table = icmpTable(familyWord === 'inet6' ? 6 : 4);
    icmpTypes = typeField.split(',').map((w) => table.get(w.trim()) ?? invalid(span, `unknown ICMP type ${JSON.stringify(w.trim())}`));
  }
  const source = end(child(node, 'source'), 'source', span);
  const destination = end(child(node, 'destination'), 'destination', span);
  // pfSense skips a rule without source or destination ("source address is empty").
  if (!source || !destination) return undefined;
  const descr = htmlDecode(text(child(node, 'descr')).trim());
  const tracker = text(child(node, 'tracker')).trim();
  const label = descr.split(': ')[0] || (tracker ? `tracker ${tracker}` : 'rule');
  return {
    interfaces: text(child(node, 'interface')).split(',').map((s) => s.trim()).filter(Boolean),
    floating,
    raw: { action, family: familyWord, ...(protocol ? { protocol } : {}), ...(icmpTypes ? { icmpTypes } : {}), source, destination, label, text: descr || label, span },
  };
}
