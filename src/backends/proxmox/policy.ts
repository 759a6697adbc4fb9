/**
 * The firewall state a reader found (from .fw files or a JSON state dump) → a policy for the
 * analysis engine, by PVE's own semantics (reference §6):
 *
 * - a guest is filtered only when the datacenter firewall, the guest's firewall and its NIC flag
 *   are all on; an unfiltered guest contributes no gate (and a warning says why);
 * - a filtered guest has an IN gate over packets to its addresses (its `in` rules, a `GROUP`
 *   rule inlining the group's `in` rules, then `policy_in`) and an OUT gate over packets from
 *   them; its addresses are the cluster IP set its palisade group names (`addresses +dc/<set>`);
 * - disabled rules do nothing; a rule whose IP set does not exist is skipped, as PVE skips it;
 * - a rule holds one family when it has a literal address or ICMP, both otherwise.
 *
 * What this model cannot decide exactly (macros, source ports, interfaces, aliases, guest IP
 * sets, `ipfilter`) is an error, never ignored.
 */
import { error, warning, type Diagnostic, type Span } from '../../diagnostics/index.js';
import {
  emptySet,
  intersectSets,
  subtractSets,
  unionSets,
  V4_MAX,
  V6_MAX,
  type AddressSet,
  type Family,
  type ServiceSet,
} from '../../ir/index.js';
import { normalize } from '../../ir/intervals.js';
import type { AclRule, Gate, Policy } from '../../analysis/policy.js';
import { parseAddressList, parseEntry } from './addresses.js';
import { DPORT_PROTOCOLS, parsePorts, protocolNumber, PVE_ICMP_TYPES } from './services.js';
import { GROUP_MAX, pveName } from './names.js';
import type { ReadContext } from '../types.js';

/** A rule as read, every field as written. */
export interface ReadRule {
  readonly type: string;
  readonly action: string;
  readonly enable: boolean;
  readonly fields: Readonly<Record<string, string>>;
  /** The rule in .fw syntax, for explanations. */
  readonly text: string;
  readonly span: Span;
}

export interface ReadGuest {
  readonly vmid: string;
  readonly enable: boolean;
  readonly policyIn: string;
  readonly policyOut: string;
  /** Undefined when the source does not say (a .fw file holds no NIC settings). */
  readonly nicFirewall: boolean | undefined;
  readonly rules: readonly ReadRule[];
  readonly span: Span;
}

export interface ReadConfig {
  readonly enable: boolean;
  readonly enableSpan: Span;
  readonly ipsets: ReadonlyMap<string, readonly { readonly cidr: string; readonly nomatch: boolean }[]>;
  readonly groups: ReadonlyMap<string, { readonly comment: string; readonly rules: readonly ReadRule[] }>;
  readonly guests: readonly ReadGuest[];
}

export class ReadError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

const ALL: AddressSet = { v4: [[0, V4_MAX]], v6: [[0n, V6_MAX]], opaque: [] };
const ONLY: Record<Family, AddressSet> = { 4: { v4: [[0, V4_MAX]], v6: [], opaque: [] }, 6: { v4: [], v6: [[0n, V6_MAX]], opaque: [] } };
const GROUP_ADDRESSES = /addresses \+dc\/(\S+)/;

/**
 * `roleAddresses` names the addresses of a group that does not say them itself (a file palisade
 * did not write): those of the role, in the ruleset compared with, whose Proxmox name it has.
 */
export function configPolicy(
  config: ReadConfig,
  target: string,
  roleAddresses: (group: string) => AddressSet | undefined = () => undefined,
): { policy: Policy; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const unsupported = (span: Span, what: string): never => {
    throw new ReadError(error('PAL6005', span, target, what));
  };
  const ipset = (name: string): AddressSet | undefined => {
    const entries = config.ipsets.get(name.toLowerCase());
    if (!entries) return undefined;
    let set = emptySet;
    for (const e of entries.filter((x) => !x.nomatch)) set = unionSets(set, entrySet(e.cidr));
    for (const e of entries.filter((x) => x.nomatch)) set = subtractSets(set, entrySet(e.cidr));
    return set;
  };

  const gates: Gate[] = [];
  if (!config.enable) diagnostics.push(warning('PAL6006', config.enableSpan, target, 'the datacenter firewall is off (enable: 1 is not set), so no guest is filtered'));
  for (const guest of config.guests) {
    const off = !guest.enable ? 'its firewall is off' : guest.nicFirewall === false ? 'its NIC has no firewall=1' : undefined;
    if (off) diagnostics.push(warning('PAL6006', guest.span, target, `guest ${guest.vmid} is not filtered: ${off}`));
    if (off || !config.enable) continue;
    let scope = emptySet;
    let attached = false;
    const expand = (direction: 'in' | 'out'): AclRule[] =>
      guest.rules.flatMap((rule) => {
        if (!rule.enable) return [];
        if (rule.type === 'group') {
          const group = config.groups.get(rule.action.toLowerCase());
          if (!group) {
            diagnostics.push(warning('PAL6006', rule.span, target, `no such security group ${JSON.stringify(rule.action)}: PVE leaves its chain empty`));
            return [];
          }
          const m = GROUP_ADDRESSES.exec(group.comment);
          const addresses = m ? ipset(m[1]!) : roleAddresses(rule.action.toLowerCase());
          if (addresses) {
            scope = unionSets(scope, addresses);
            attached = true;
          }
          return group.rules.filter((r) => r.enable && r.type === direction).flatMap((r) => aclRule(r, true));
        }
        if (rule.type !== direction) return [];
        return aclRule(rule, false);
      });

    const aclRule = (rule: ReadRule, inGroup: boolean): AclRule[] => {
      const f = rule.fields;
      for (const key of ['macro', 'sport', 'iface']) if (f[key] !== undefined) unsupported(rule.span, `a rule with ${key}`);
      if (!['ACCEPT', 'DROP', 'REJECT'].includes(rule.action)) unsupported(rule.span, `action ${JSON.stringify(rule.action)}`);
      const pins = new Set<Family>([4, 6]);
      const side = (text: string | undefined): AddressSet | 'skip' => {
        if (text === undefined) return ALL;
        const ref = /^\+(dc\/|guest\/|sdn\/)?([A-Za-z][A-Za-z0-9\-_]+)$/.exec(text);
        if (ref) {
          if (ref[1] !== 'dc/' && (ref[1] !== undefined || !inGroup)) unsupported(rule.span, `IP set reference ${text} (only +dc/ sets are read)`);
          const set = ipset(ref[2]!);
          if (set) return set;
          diagnostics.push(warning('PAL6006', rule.span, target, `no such IP set ${JSON.stringify(ref[2])}: PVE skips this rule`));
          return 'skip';
        }
        const set = parseAddressList(text);
        if (!set) return unsupported(rule.span, `address ${JSON.stringify(text)} (aliases are not read)`);
        for (const fam of [4, 6] as const) if ((fam === 4 ? set.v4 : set.v6).length === 0) pins.delete(fam);
        return set;
      };
      const source = side(f.source);
      const dest = side(f.dest);
      if (source === 'skip' || dest === 'skip') return [];
      const services = serviceSet(rule, pins, unsupported);
      let family: AddressSet = emptySet;
      for (const fam of pins) family = unionSets(family, ONLY[fam]);
      const label = (f.comment ?? '').split(':')[0]!.trim() || rule.text;
      return [
        {
          action: rule.action === 'ACCEPT' ? 'allow' : 'deny',
          source: intersectSets(source, family),
          destination: intersectSets(dest, family),
          services,
          origin: { label, text: rule.text, span: rule.span },
        },
      ];
    };

    const inRules = expand('in');
    const outRules = expand('out');
    if (!attached) {
      throw new ReadError(error('PAL6004', guest.span, target, `guest ${guest.vmid} has no security group that names its addresses (palisade's say "addresses +dc/<set>", or the group is named after a role of the ruleset compared with)`));
    }
    const gate = (direction: 'in' | 'out', rules: AclRule[], policy: string): Gate => ({
      name: `guest ${guest.vmid} ${direction}`,
      scope: { kind: direction === 'in' ? 'destination' : 'source', addresses: scope },
      rules,
      fallback: policy === 'ACCEPT' ? 'allow' : 'deny',
      fallbackOrigin: { label: `policy_${direction} ${policy}`, text: `guest ${guest.vmid} policy_${direction}: ${policy}`, span: guest.span },
    });
    gates.push(gate('in', inRules, guest.policyIn), gate('out', outRules, guest.policyOut));
  }
  return { policy: { label: '', gates, opaqueRoles: [] }, diagnostics };
}

function entrySet(cidr: string): AddressSet {
  const e = parseEntry(cidr);
  if (!e) return emptySet;
  return e.family === 4 ? { v4: [[Number(e.range[0]), Number(e.range[1])]], v6: [], opaque: [] } : { v4: [], v6: [e.range], opaque: [] };
}

function serviceSet(rule: ReadRule, pins: Set<Family>, unsupported: (span: Span, what: string) => never): ServiceSet {
  const f = rule.fields;
  if (f.proto === undefined) {
    if (f.dport !== undefined || f['icmp-type'] !== undefined) unsupported(rule.span, 'dport or icmp-type without proto');
    return { any: true, entries: [] };
  }
  const protocol = protocolNumber(f.proto);
  if (protocol === undefined) return unsupported(rule.span, `protocol ${JSON.stringify(f.proto)}`);
  if (protocol === 1) pins.delete(6);
  if (protocol === 58) pins.delete(4);
  if (f.dport !== undefined) {
    const ports = parsePorts(f.dport);
    if (!ports || !DPORT_PROTOCOLS.has(protocol)) return unsupported(rule.span, `dport ${JSON.stringify(f.dport)}`);
    return { any: false, entries: [{ protocol, ports: normalize(ports) }] };
  }
  const type = f['icmp-type'];
  if (type !== undefined) {
    if (type === 'any' && (protocol === 1 || protocol === 58)) return { any: false, entries: [{ protocol }] };
    const n = PVE_ICMP_TYPES[protocol]?.[type];
    if (n === undefined) return unsupported(rule.span, `icmp-type ${JSON.stringify(type)}`);
    return { any: false, entries: [{ protocol, ports: [[n, n]] }] };
  }
  return { any: false, entries: [{ protocol }] };
}

/** Group name → addresses of the context's role with that Proxmox name. */
export function contextRoles(context: ReadContext): (group: string) => AddressSet | undefined {
  const byName = new Map<string, AddressSet>();
  for (const r of context.roles ?? []) if (r.addresses) byName.set(pveName(r.name, GROUP_MAX), r.addresses);
  return (group) => byName.get(group);
}
