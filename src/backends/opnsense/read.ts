/**
 * `opnsense:FILE` for `palisade diff`: reads palisade's opnsense-config.xml or a full exported
 * config.xml. MVC rules (`<OPNsense><Firewall><Filter><rules>`) come first, in `sequence` order,
 * then legacy `<filter><rule>`s of the same interface (reference §3); aliases are the MVC ones
 * (plus a legacy `<aliases>` section, which OPNsense migrates). One interface is modelled
 * (pf-common/select.ts), first match, then the implicit default deny.
 */
import { SourceFile, type Span } from '../../diagnostics/index.js';
import type { AclRule } from '../../analysis/policy.js';
import type { ArtifactFile, ReadContext, ReadResult } from '../types.js';
import { ReadEnv, invalid, literalAddress, unsupported, type ReadAlias } from '../pf-common/read-env.js';
import { implicitRules } from '../pf-common/implicit.js';
import { flag, readLegacyRule } from '../pf-common/read-legacy.js';
import { aclRules, readFiles, type RawEnd } from '../pf-common/read-policy.js';
import { child, children, elementNames, elementSpans, interfaceAddresses, isElement, path, text, type Element } from '../pf-common/read-xml.js';
import { selectInterface, type PlacedRule } from '../pf-common/select.js';
import { parseXml } from '../pf-common/xml.js';
import { icmpTable } from '../pf-common/protocols.js';

/** MVC rule fields that do not change which packets a rule passes or blocks (or are handled). */
const FREE = new Set(
  `enabled statetype state-policy sequence action quick interfacenot interface direction ipprotocol protocol icmptype
  icmp6type source_net source_not source_port destination_net destination_not destination_port gateway replyto
  disablereplyto log allowopts nosync nopfsync statetimeout udp-first udp-multiple udp-single categories description
  tag shaper1 shaper2 tcpflags_any sort_order prio_group set-prio set-prio-low`.split(/\s+/),
);

export function readOpnsense(files: readonly ArtifactFile[], context: ReadContext): ReadResult {
  return readFiles(files, context, 'opnsense', readFile);
}

function readFile(source: SourceFile): AclRule[] {
  const parsed = parseXml(source.text);
  if (!parsed.ok) return invalid(source.span(parsed.offset, parsed.offset + 1), `not well-formed XML: ${parsed.message}`);
  const root = child(parsed.doc, 'opnsense');
  if (!isElement(root)) return invalid(source.span(0, 0), 'expected an <opnsense> document');
  const firewall = path(root, 'OPNsense', 'Firewall');

  const aliases = new Map<string, ReadAlias>();
  const mvcAliasSpans = elementSpans(source, /<Alias[\s>]/, 'alias');
  children(path(firewall, 'Alias', 'aliases'), 'alias').forEach((a, i) => {
    if (!flag(a, 'enabled', 'opnsense') && isElement(a) && 'enabled' in a) return;
    const name = text(child(a, 'name')).trim();
    aliases.set(name, { name, type: text(child(a, 'type')).trim(), entries: text(child(a, 'content')).split(/[\n,]/).map((e) => e.trim()).filter(Boolean), span: mvcAliasSpans[i] });
  });
  const legacyAliasSpans = elementSpans(source, /<aliases[\s>]/, 'alias');
  children(child(root, 'aliases'), 'alias').forEach((a, i) => {
    const name = text(child(a, 'name')).trim();
    if (!aliases.has(name)) aliases.set(name, { name, type: text(child(a, 'type')).trim(), entries: text(child(a, 'address')).split(/\s+/).filter(Boolean), span: legacyAliasSpans[i] });
  });
  const env = new ReadEnv(aliases, interfaceAddresses(root));

  const mvcSpans = elementSpans(source, /<Filter[\s>]/, 'rule');
  const mvc = children(path(firewall, 'Filter', 'rules'), 'rule')
    .map((node, i) => ({ node, span: mvcSpans[i], sequence: Number(text(child(node, 'sequence')).trim() || '1') }))
    .sort((a, b) => a.sequence - b.sequence)
    .flatMap(({ node, span }) => mvcRule(node, span, env));
  const legacySpans = elementSpans(source, /<filter[\s>]/, 'rule');
  const legacy = children(child(root, 'filter'), 'rule').flatMap((node, i): PlacedRule[] => {
    const rule = readLegacyRule(node, 'opnsense', legacySpans[i]);
    return rule ? [{ ...rule, marked: isPalisadeUuid(node) }] : [];
  });
  const groups = new Map<string, string[]>();
  for (const g of children(child(root, 'ifgroups'), 'ifgroupentry')) {
    groups.set(text(child(g, 'ifname')).trim(), text(child(g, 'members')).split(/\s+/).filter(Boolean));
  }
  const selection = selectInterface([...mvc, ...legacy], groups, source.span(0, 0));
  const implicit = selection.interface ? implicitRules(root, selection.interface, source, 'opnsense') : [];
  return [...implicit, ...selection.rules].flatMap((r) => aclRules(r, env));
}

/** palisade writes version-5 uuids; the GUI and API write version 4. */
function isPalisadeUuid(node: unknown): boolean {
  const uuid = isElement(node) ? node['@_uuid'] : undefined;
  return typeof uuid === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-5/i.test(uuid);
}

function field(node: Element, name: string): string {
  return text(child(node, name)).trim();
}

function mvcEnd(node: Element, side: 'source' | 'destination', env: ReadEnv): RawEnd {
  const values = (field(node, `${side}_net`) || 'any').split(',').map((v) => v.trim()).filter(Boolean);
  const port = field(node, `${side}_port`);
  return {
    values: values.map((value) => ({ kind: value === 'any' || env.aliases.has(value) || literalAddress(value) ? ('address' as const) : ('network' as const), value })),
    not: field(node, `${side}_not`) === '1',
    ...(port ? { port } : {}),
  };
}

function mvcRule(node: unknown, span: Span | undefined, env: ReadEnv): PlacedRule[] {
  if (!isElement(node)) return [];
  if (field(node, 'enabled') === '0') return [];
  for (const n of elementNames(node)) if (!FREE.has(n) && (field(node, n) !== '' || isElement(child(node, n)))) unsupported(span, `the rule field <${n}>`);
  if (field(node, 'statetype') === 'none') unsupported(span, 'a rule without state (statetype none)');
  if (field(node, 'quick') === '0') unsupported(span, 'a rule without quick (last match wins)');
  if (field(node, 'interfacenot') === '1') unsupported(span, 'an inverted interface match');
  const interfaces = field(node, 'interface').split(',').map((s) => s.trim()).filter(Boolean);
  const floating = interfaces.length !== 1;
  const direction = field(node, 'direction') || 'in';
  if (direction !== 'in') unsupported(span, `a rule for direction ${JSON.stringify(direction)}`);
  const actionWord = field(node, 'action') || 'pass';
  if (!['pass', 'block', 'reject'].includes(actionWord)) invalid(span, `unknown action ${JSON.stringify(actionWord)}`);
  const family = field(node, 'ipprotocol') || 'inet';
  if (family !== 'inet' && family !== 'inet6' && family !== 'inet46') return invalid(span, `unknown ipprotocol ${JSON.stringify(family)}`);
  const word = field(node, 'protocol').toLowerCase();
  const protocol = word === '' || word === 'any' ? undefined : word === 'ipv6-icmp' ? 'icmp' : word;
  let icmpTypes: number[] | undefined;
  const v4Types = field(node, 'icmptype');
  const v6Types = field(node, 'icmp6type');
  if (protocol === 'icmp' && family === 'inet' && v4Types) icmpTypes = v4Types.split(',').map((w) => icmpTable(4).get(w.trim()) ?? invalid(span, `unknown ICMP type ${JSON.stringify(w)}`));
  if (protocol === 'icmp' && family === 'inet6' && v6Types) icmpTypes = v6Types.split(',').map((w) => (/^\d+$/.test(w.trim()) ? Number(w.trim()) : invalid(span, `unknown ICMPv6 type ${JSON.stringify(w)}`)));
  const description = field(node, 'description');
  const label = description.split(': ')[0] || `uuid ${String(node['@_uuid'] ?? '')}`;
  return [
    {
      interfaces,
      floating,
      marked: isPalisadeUuid(node),
      raw: {
        action: actionWord as 'pass' | 'block' | 'reject',
        family,
        ...(protocol ? { protocol } : {}),
        ...(icmpTypes ? { icmpTypes } : {}),
        source: mvcEnd(node, 'source', env),
        destination: mvcEnd(node, 'destination', env),
        label,
        text: description || label,
        span,
      },
    },
  ];
}
