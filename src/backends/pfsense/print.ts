/**
 * Prints the pf model as a `<pfsense>` document holding the `<aliases>` and `<filter>`
 * sections, the form Diagnostics ▸ Backup & Restore accepts for the "aliases" and "filter"
 * restore areas. pfSense's conventions (reference §1-§2): lower-case protocols, `a-b` port ranges
 * in rules and `a:b` in port aliases, space-separated alias entries, presence-flag booleans
 * written only when true (none is), unique `tracker`s, `descr` entity-encoded as pfSense's own
 * writer stores it.
 */
import type { PfAddress, PfModel, PfRule } from '../pf-common/model.js';
import { trackers } from '../pf-common/ids.js';
import { icmpTypeWord } from '../pf-common/protocols.js';
import { buildXml, htmlSpecialChars, type XmlNode } from '../pf-common/xml.js';

function address(a: PfAddress): Record<string, XmlNode> {
  switch (a.kind) {
    case 'any':
      return { any: '' };
    case 'alias':
      return { address: a.name };
    case 'cidr': {
      // A host is written bare: /32 for IPv4, /128 for IPv6 (an IPv6 /32 is a network).
      const host = a.cidr.endsWith(a.cidr.includes(':') ? '/128' : '/32');
      return { address: host ? a.cidr.slice(0, a.cidr.indexOf('/')) : a.cidr };
    }
  }
}

function rule(r: PfRule, tracker: number, iface: string): Record<string, XmlNode> {
  const node: Record<string, XmlNode> = {
    id: '',
    tracker: String(tracker),
    type: r.action,
    interface: iface,
    ipprotocol: r.family,
    statetype: htmlSpecialChars('keep state'),
  };
  if (r.protocol !== undefined) node.protocol = r.protocol;
  if (r.icmpTypes) {
    const family = r.family === 'inet6' ? 6 : 4;
    node.icmptype = r.icmpTypes.map((t) => icmpTypeWord(family, t)!).join(',');
  }
  node.source = address(r.source);
  const destination = address(r.destination);
  if (r.port) destination.port = r.port.kind === 'alias' ? r.port.name : r.port.from === r.port.to ? String(r.port.from) : `${r.port.from}-${r.port.to}`;
  node.destination = destination;
  node.descr = htmlSpecialChars(r.description);
  return node;
}

export function printPfsense(model: PfModel): string {
  const ids = trackers(model.rules.map((r) => r.key));
  const aliases = model.aliases.map((a) => ({
    name: a.name,
    type: a.type,
    address: a.entries.join(' '),
    descr: htmlSpecialChars(a.description),
  }));
  return `${buildXml({
    pfsense: {
      aliases: aliases.length > 0 ? { alias: aliases } : '',
      filter: model.rules.length > 0 ? { rule: model.rules.map((r) => rule(r, ids.get(r.key)!, model.interface)) } : '',
    },
  }).trimEnd()}\n`;
}
