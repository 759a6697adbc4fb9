/**
 * The pf model in OPNsense's MVC field values (models Filter.xml 1.0.5 and Alias.xml 1.0.1):
 * one flat record of strings per rule and per alias, used by both the XML (print.ts) and the API
 * plan (plan.ts). Protocols are upper case (`TCP`, `IPV6-ICMP`), booleans `0`/`1`, port ranges
 * `a-b` in rules and `a:b` in port aliases, alias content newline-separated, and `sequence` the
 * rule's position (10, 20, ...), which OPNsense evaluates in order within the interface.
 */
import type { PfAddress, PfAlias, PfModel, PfRule } from '../pf-common/model.js';
import { stableUuid } from '../pf-common/ids.js';
import { icmpTypeWord } from '../pf-common/protocols.js';

export const FILTER_MODEL_VERSION = '1.0.5';
export const ALIAS_MODEL_VERSION = '1.0.1';
export const SEQUENCE_STEP = 10;

export type Fields = Readonly<Record<string, string>>;

export interface MvcRule {
  readonly uuid: string;
  readonly fields: Fields;
}

export interface MvcAlias {
  readonly uuid: string;
  readonly fields: Fields;
}

function net(a: PfAddress): string {
  return a.kind === 'any' ? 'any' : a.kind === 'alias' ? a.name : a.cidr;
}

function protocolWord(r: PfRule): string {
  if (r.protocol === undefined) return 'any';
  if (r.protocol === 'icmp' && r.family === 'inet6') return 'IPV6-ICMP';
  return r.protocol.toUpperCase();
}

export function mvcRule(r: PfRule, index: number, iface: string): MvcRule {
  const icmp: Record<string, string> = {};
  if (r.icmpTypes && r.family === 'inet6') icmp.icmp6type = r.icmpTypes.join(',');
  else if (r.icmpTypes) icmp.icmptype = r.icmpTypes.map((t) => icmpTypeWord(4, t)!).join(',');
  const port = r.port === undefined ? '' : r.port.kind === 'alias' ? r.port.name : r.port.from === r.port.to ? String(r.port.from) : `${r.port.from}-${r.port.to}`;
  return {
    uuid: stableUuid('opnsense-rule', r.key),
    fields: {
      enabled: '1',
      statetype: 'keep',
      sequence: String((index + 1) * SEQUENCE_STEP),
      action: r.action,
      quick: '1',
      interfacenot: '0',
      interface: iface,
      direction: 'in',
      ipprotocol: r.family,
      protocol: protocolWord(r),
      ...icmp,
      source_net: net(r.source),
      source_not: '0',
      source_port: '',
      destination_net: net(r.destination),
      destination_not: '0',
      destination_port: port,
      log: '0',
      description: r.description,
    },
  };
}

export function mvcAlias(a: PfAlias): MvcAlias {
  return {
    uuid: stableUuid('opnsense-alias', a.name),
    fields: {
      enabled: '1',
      name: a.name,
      type: a.type,
      proto: '',
      interface: '',
      counters: '0',
      updatefreq: '',
      content: a.entries.join('\n'),
      categories: '',
      description: a.description,
    },
  };
}

export interface MvcModel {
  readonly rules: readonly MvcRule[];
  readonly aliases: readonly MvcAlias[];
}

/** The XML and the API plan print the same records: computed once per model (never mutated). */
const records = new WeakMap<PfModel, MvcModel>();

export function mvcModel(model: PfModel): MvcModel {
  let mvc = records.get(model);
  if (!mvc) {
    mvc = { rules: model.rules.map((r, i) => mvcRule(r, i, model.interface)), aliases: model.aliases.map(mvcAlias) };
    records.set(model, mvc);
  }
  return mvc;
}
