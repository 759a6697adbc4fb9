/**
 * The switch ACL backend, parameterised by dialect: `--target cisco` (IOS/IOS-XE extended named
 * ACLs), `--target arista` (EOS) and `--target nxos` (NX-OS). The ACL is a network gate: bound
 * in and out on the SVIs of the roles' VLANs, it judges every routed packet that touches a role.
 */
import { error, warning, withExtras, type Diagnostic } from '../../diagnostics/index.js';
import { PORT_PROTOCOLS, type BoundParam, type Family, type Ruleset } from '../../ir/index.js';
import { defineBackend, type OptionValues } from '../types.js';
import { aclCost, costReport, type AclCost } from './cost.js';
import { dialects, type DialectId } from './dialect.js';
import { lowerAcls, type Lowered } from './lower.js';
import type { AclPlan } from './model.js';
import { printConfig } from './print.js';
import { readAcls } from './read.js';

const options = {
  name: {
    type: 'string',
    default: 'PALISADE',
    pattern: /^[A-Za-z][A-Za-z0-9_-]{0,39}$/,
    description: 'base name of the ACLs (a letter, then letters, digits, _ or -; at most 40)',
  },
  version: { type: 'int', default: 1, min: 1, max: 999999, description: 'version suffix of the ACL names (-vN)' },
  interfaces: {
    type: 'string',
    default: '',
    pattern: /^([A-Za-z][A-Za-z0-9/.:-]*(,[A-Za-z][A-Za-z0-9/.:-]*)*)?$/,
    description: 'comma-separated SVIs to bind the ACLs to, in and out (empty: no binding stanza)',
  },
  'narrow-replies': {
    type: 'bool',
    default: false,
    description: 'accept, with a warning, that replies of protocols other than TCP, UDP and ICMP to an `any` rule or default are dropped',
  },
  'l4-budget': { type: 'int', default: 16, min: 0, max: 100000, description: 'L4 operators (port ranges) per ACL before a warning' },
  'entry-budget': { type: 'int', default: 4000, min: 1, max: 10000000, description: 'TCAM entries per ACL, after range expansion, before a warning' },
} as const;

type Options = OptionValues<typeof options>;

const EXTENSION: Readonly<Record<DialectId, string>> = { cisco: 'ios', arista: 'eos', nxos: 'nxos' };
const TITLE: Readonly<Record<DialectId, string>> = { cisco: 'Cisco IOS/IOS-XE', arista: 'Arista EOS', nxos: 'Cisco NX-OS' };

export function aclNames(o: Options): Record<Family, string> {
  return { 4: `${o.name}-v${o.version}`, 6: `${o.name}-IPV6-v${o.version}` };
}

function previousNames(o: Options): Partial<Record<Family, string>> {
  return o.version > 1 ? aclNames({ ...o, version: o.version - 1 }) : {};
}

function paramText(p: BoundParam): string {
  const v = p.value;
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return typeof v === 'string' && p.type === 'string' ? JSON.stringify(v) : String(v);
}

function header(ir: Ruleset, id: DialectId): string[] {
  const lines = [`palisade: ${TITLE[id]} ACLs`, `source: ${ir.sources[0]?.name ?? ''}`];
  if (ir.params.length > 0) lines.push(`parameters: ${ir.params.map((p) => `${p.name}=${paramText(p)}`).join(' ')}`);
  lines.push(
    'bind in and out on the SVIs of the roles; an SVI ACL never sees traffic bridged inside its VLAN',
    'generated file: edit the ruleset, not this file',
  );
  return lines;
}

/**
 * check() and emit() lower the same ruleset with the same names: the second call reuses the
 * first's result (keyed by the ruleset object, which is never mutated, and the ACL names).
 */
const lowered = new WeakMap<Ruleset, Map<string, Lowered>>();
function lowerOnce(ir: Ruleset, names: Readonly<Record<Family, string>>): Lowered {
  let byNames = lowered.get(ir);
  if (!byNames) lowered.set(ir, (byNames = new Map()));
  const key = `${names[4]}\n${names[6]}`;
  let result = byNames.get(key);
  if (!result) byNames.set(key, (result = lowerAcls(ir, names)));
  return result;
}

/** Each ACL's cost, computed once (check() warns with it, emit() writes it). */
const costs = new WeakMap<AclPlan, AclCost>();
function costOf(acl: AclPlan): AclCost {
  let cost = costs.get(acl);
  if (!cost) costs.set(acl, (cost = aclCost(acl)));
  return cost;
}

export function switchBackend(id: DialectId) {
  const dialect = dialects[id];
  return defineBackend({
    id,
    description: `${TITLE[id]} ACLs for SVIs, stateless, with reply entries`,
    capabilities: {
      ordered: true,
      deny: true,
      egress: true,
      ipv6: true,
      icmpTypes: true,
      stateful: false,
      needsRoleAddresses: true,
      artifacts: `one ${options.name.default}-vN.${EXTENSION[id]} (ACLs and SVI binding) and cost.json`,
    },
    options,

    check(ir, o) {
      const diagnostics: Diagnostic[] = [];
      for (const role of ir.roles) {
        if (role.addresses === undefined) diagnostics.push(error('PAL6001', role.span, id, role.name));
      }
      for (const rule of ir.rules) {
        for (const e of rule.services.entries) {
          if (PORT_PROTOCOLS.has(e.protocol) && e.protocol === 132 && e.ports !== undefined) {
            diagnostics.push(error('PAL6002', rule.span, id, rule.name, 'switch ACLs cannot match SCTP ports'));
          }
        }
      }
      if (diagnostics.length > 0) return diagnostics;
      const { acls, unrepliable } = lowerOnce(ir, aclNames(o));
      for (const rule of unrepliable) {
        const span = rule.origin.span ?? ir.sources[0]?.span(0, 0);
        if (o['narrow-replies']) diagnostics.push(warning('PAL6402', span, id, rule.origin.label));
        else {
          diagnostics.push(
            withExtras(
              error(
                'PAL6002',
                span,
                id,
                rule.origin.label,
                'a stateless ACL cannot pass the replies of protocols other than TCP, UDP and ICMP without permitting them as new flows from every destination',
              ),
              { hint: 'list the protocols (tcp, udp, icmp) instead of any, allow the reverse direction too, or set narrow-replies = true to accept that replies of other protocols are dropped' },
            ),
          );
        }
      }
      const at = ir.sources[0]?.span(0, 0);
      for (const cost of acls.map(costOf)) {
        if (cost.l4Operators > o['l4-budget']) diagnostics.push(warning('PAL6401', at, id, cost.acl, `${cost.l4Operators} L4 operators`, `${o['l4-budget']} (l4-budget)`));
        if (cost.expandedEntries > o['entry-budget']) {
          diagnostics.push(warning('PAL6401', at, id, cost.acl, `${cost.expandedEntries} TCAM entries after range expansion`, `${o['entry-budget']} (entry-budget)`));
        }
      }
      return diagnostics;
    },

    emit(ir, o) {
      const { acls } = lowerOnce(ir, aclNames(o));
      const interfaces = o.interfaces === '' ? [] : o.interfaces.split(',');
      const text = printConfig(header(ir, id), acls, dialect, { interfaces, previous: previousNames(o) });
      return [
        { path: `${aclNames(o)[4]}.${EXTENSION[id]}`, mediaType: 'text/plain', contents: text },
        { path: 'cost.json', mediaType: 'application/json', contents: costReport(acls.map(costOf), { l4Operators: o['l4-budget'], entries: o['entry-budget'] }) },
      ];
    },

    read: (files, context) => readAcls(files, context, id),
  });
}
