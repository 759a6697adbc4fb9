/**
 * IR → the pfSense/OPNsense model: rules on one firewall interface, in first-match order,
 * followed by the ruleset's defaults as explicit final rules (LANGUAGE.md "Meaning"):
 *
 * - every zone and role becomes a `network` alias; an endpoint that is one zone or role uses
 *   its alias, `any` (in the rule's families) is `any`, one network is written inline, and any
 *   other endpoint (lists, `except`) gets an alias of its own named after the rule;
 * - each rule becomes one pf rule per protocol piece (`tcp/udp` when both have the same ports),
 *   with `ipprotocol` the families in which source, destination and protocol all exist;
 * - several port ranges become a `port` alias (`a:b` entries), one range is written inline;
 * - ICMP types must be in the products' type lists; other protocols in pfSense's list.
 *
 * Anything the products cannot express is a positioned error; nothing is widened or dropped.
 */
import { error, type Diagnostic } from '../../diagnostics/index.js';
import {
  emptySet,
  families,
  isEmptySet,
  rangesEqual,
  rangesOf,
  setToCidrs,
  toCidrs,
  unionSets,
  V4_MAX,
  V6_MAX,
  type AddressRanges,
  type AddressSet,
  type Endpoint,
  type Family,
  type Rule,
  type Ruleset,
} from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';
import { AliasRegistry } from './aliases.js';
import type { PfAddress, PfFamily, PfModel, PfPort, PfRule } from './model.js';
import { aliasName } from './names.js';
import { icmpTypeWord, PF_PROTOCOLS } from './protocols.js';

export interface PfOptions {
  readonly interface: string;
  readonly alias_prefix: string;
  readonly deny_action: string;
}

export interface Lowered {
  readonly model?: PfModel;
  readonly diagnostics: Diagnostic[];
}

const FULL: Record<Family, AddressRanges> = { 4: [[0, V4_MAX]], 6: [[0n, V6_MAX]] };

/** One protocol of a rule: what one pf rule matches besides addresses. */
interface Piece {
  readonly label: string;
  readonly protocol: string | undefined;
  readonly families: readonly Family[];
  readonly ports?: readonly Range<number>[];
  readonly icmpTypes?: readonly number[];
}

/** Control characters (and Unicode line separators) become spaces: descriptions are one line. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, ' ');
}

/**
 * check() and emit() lower the same ruleset with the same options object: the second call
 * reuses the first's result (the ruleset and options are never mutated).
 */
const lowered = new WeakMap<Ruleset, WeakMap<PfOptions, Map<string, Lowered>>>();

export function lowerRuleset(ir: Ruleset, target: string, options: PfOptions): Lowered {
  let byOptions = lowered.get(ir);
  if (!byOptions) lowered.set(ir, (byOptions = new WeakMap()));
  let byTarget = byOptions.get(options);
  if (!byTarget) byOptions.set(options, (byTarget = new Map()));
  let result = byTarget.get(target);
  if (!result) byTarget.set(target, (result = lowerOnce(ir, target, options)));
  return result;
}

function lowerOnce(ir: Ruleset, target: string, options: PfOptions): Lowered {
  const diagnostics: Diagnostic[] = [];
  for (const role of ir.roles) if (role.addresses === undefined) diagnostics.push(error('PAL6001', role.span, target, role.name));
  if (diagnostics.length > 0) return { diagnostics };

  const registry = new AliasRegistry(target, diagnostics);
  const prefix = options.alias_prefix;
  const named = new Map<string, string>();
  const declared = [...ir.zones.map((z) => ({ ...z, kind: 'zone' })), ...ir.roles.map((r) => ({ ...r, kind: 'role' }))];
  for (const d of declared.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const addresses = d.addresses ?? emptySet;
    if (isEmptySet(addresses)) continue;
    const alias = { name: aliasName(prefix, d.name), type: 'network' as const, entries: setToCidrs(addresses), description: `palisade ${d.kind} ${d.name}` };
    named.set(d.name, registry.add(alias, `${d.kind} ${JSON.stringify(d.name)}`, d.span));
  }

  const deny = options.deny_action === 'reject' ? 'reject' : 'block';
  const rules: PfRule[] = [];
  for (const rule of ir.rules) {
    for (const piece of pieces(rule, target, diagnostics)) {
      const present = piece.families.filter((f) => hasFamily(rule.source.addresses, f) && hasFamily(rule.destination.addresses, f));
      if (present.length === 0) continue;
      const address = (end: Endpoint, suffix: string): PfAddress => endpointAddress(end, present, rule, suffix, named, registry, prefix);
      const port = piece.ports ? portOf(piece, rule, registry, prefix) : undefined;
      rules.push({
        key: `${rule.name}|${piece.label}`,
        ruleName: rule.name,
        action: rule.action === 'allow' ? 'pass' : deny,
        family: familyWord(present),
        protocol: piece.protocol,
        ...(piece.icmpTypes ? { icmpTypes: piece.icmpTypes } : {}),
        source: address(rule.source, '_SRC'),
        destination: address(rule.destination, '_DST'),
        ...(port ? { port } : {}),
        description: oneLine(rule.description !== undefined ? `${rule.name}: ${rule.description}` : rule.name),
        span: rule.span,
      });
    }
  }
  rules.push(...defaultRules(ir, deny, named, registry, prefix));
  if (diagnostics.length > 0) return { diagnostics };
  return { model: { interface: options.interface, aliases: registry.all(), rules }, diagnostics };
}

function hasFamily(set: AddressSet, family: Family): boolean {
  return rangesOf(set, family).length > 0;
}

function familyWord(present: readonly Family[]): PfFamily {
  return present.length === 2 ? 'inet46' : present[0] === 4 ? 'inet' : 'inet6';
}

function endpointAddress(
  end: Endpoint,
  present: readonly Family[],
  rule: Rule,
  suffix: string,
  named: ReadonlyMap<string, string>,
  registry: AliasRegistry,
  prefix: string,
): PfAddress {
  if (present.every((f) => rangesEqual(rangesOf(end.addresses, f), FULL[f]))) return { kind: 'any' };
  const only = end.terms.length === 1 && end.except.length === 0 ? end.terms[0] : undefined;
  if (only && (only.kind === 'zone' || only.kind === 'role') && named.has(only.name)) return { kind: 'alias', name: named.get(only.name)! };
  const cidrs = present.flatMap((f) => toCidrs(f, rangesOf(end.addresses, f)));
  if (cidrs.length === 1) return { kind: 'cidr', cidr: cidrs[0]! };
  const alias = { name: aliasName(prefix, rule.name, suffix), type: 'network' as const, entries: setToCidrs(end.addresses), description: clip(`palisade rule ${rule.name}: ${oneLine(end.text)}`) };
  return { kind: 'alias', name: registry.add(alias, `the ${suffix === '_SRC' ? 'source' : 'destination'} of rule ${JSON.stringify(rule.name)}`, end.span) };
}

function portOf(piece: Piece, rule: Rule, registry: AliasRegistry, prefix: string): PfPort {
  const ranges = piece.ports!;
  if (ranges.length === 1) return { kind: 'range', from: ranges[0]![0], to: ranges[0]![1] };
  const entries = ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}:${hi}`));
  const suffix = `_${piece.protocol!.replace('/', '').toUpperCase()}`;
  const alias = { name: aliasName(prefix, rule.name, suffix), type: 'port' as const, entries, description: `palisade rule ${rule.name}: ${piece.protocol} ports` };
  return { kind: 'alias', name: registry.add(alias, `the ${piece.protocol} ports of rule ${JSON.stringify(rule.name)}`, rule.span) };
}

function samePorts(a: readonly Range<number>[] | undefined, b: readonly Range<number>[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((r, i) => r[0] === b[i]![0] && r[1] === b[i]![1]);
}

/** The protocol pieces of a rule's services; what the products cannot write is an error. */
function pieces(rule: Rule, target: string, diagnostics: Diagnostic[]): Piece[] {
  if (rule.services.any) return [{ label: 'any', protocol: undefined, families: [4, 6] }];
  const entries = rule.services.entries;
  const tcp = entries.find((e) => e.protocol === 6);
  const udp = entries.find((e) => e.protocol === 17);
  const merged = tcp && udp && samePorts(tcp.ports, udp.ports);
  const out: Piece[] = [];
  for (const e of entries) {
    if (merged && e.protocol === 17) continue;
    const word = merged && e.protocol === 6 ? 'tcp/udp' : PF_PROTOCOLS.get(e.protocol);
    if (word === undefined) {
      diagnostics.push(error('PAL6002', rule.span, target, rule.name, `IP protocol ${e.protocol} is not in the protocol list of pfSense and OPNsense rules`));
      continue;
    }
    if (e.protocol === 1 || e.protocol === 58) {
      const family: Family = e.protocol === 1 ? 4 : 6;
      let icmpTypes: number[] | undefined;
      if (e.ports) {
        icmpTypes = [];
        for (const [lo, hi] of e.ports) for (let t = lo; t <= hi; t++) icmpTypes.push(t);
        const unnamed = icmpTypes.filter((t) => icmpTypeWord(family, t) === undefined);
        if (unnamed.length > 0) {
          diagnostics.push(error('PAL6002', rule.span, target, rule.name, `${family === 4 ? 'ICMP' : 'ICMPv6'} type ${unnamed.join(', ')} is not in the product's type list`));
          continue;
        }
      }
      out.push({ label: family === 4 ? 'icmp' : 'icmpv6', protocol: 'icmp', families: [family], ...(icmpTypes ? { icmpTypes } : {}) });
      continue;
    }
    if (e.protocol === 132 && e.ports && target === 'opnsense') {
      diagnostics.push(error('PAL6002', rule.span, target, rule.name, 'OPNsense rules take ports only with TCP and UDP, not SCTP'));
      continue;
    }
    out.push({ label: word, protocol: word, families: [4, 6], ...(e.ports ? { ports: e.ports } : {}) });
  }
  return out;
}

/** The defaults as final rules: denying defaults first, as the ruleset means them. */
function defaultRules(ir: Ruleset, deny: 'block' | 'reject', named: ReadonlyMap<string, string>, registry: AliasRegistry, prefix: string): PfRule[] {
  const roles = ir.roles.reduce((acc, r) => unionSets(acc, r.addresses ?? emptySet), emptySet);
  const present = families(roles);
  if (present.length === 0) return [];
  const [only] = ir.roles.filter((r) => r.addresses && !isEmptySet(r.addresses));
  const rolesAlias =
    ir.roles.filter((r) => r.addresses && !isEmptySet(r.addresses)).length === 1
      ? named.get(only!.name)!
      : registry.add({ name: aliasName(prefix, 'all-roles'), type: 'network', entries: setToCidrs(roles), description: 'palisade: every role' }, 'the union of all roles', undefined);
  const target: PfAddress = { kind: 'alias', name: rolesAlias };
  const order = (['ingress', 'egress'] as const).flatMap((d) => (ir.defaults[d].action === 'deny' ? [d] : []));
  order.push(...(['ingress', 'egress'] as const).filter((d) => ir.defaults[d].action === 'allow'));
  return order.map((direction) => {
    const action = ir.defaults[direction].action;
    const name = `default ${direction} ${action}`;
    return {
      key: `:default-${direction}`,
      ruleName: name,
      action: action === 'allow' ? 'pass' : deny,
      family: familyWord(present),
      protocol: undefined,
      source: direction === 'ingress' ? { kind: 'any' } : target,
      destination: direction === 'ingress' ? target : { kind: 'any' },
      description: `palisade ${name}`,
      ...(ir.defaults[direction].span ? { span: ir.defaults[direction].span } : {}),
    };
  });
}

/** Alias descriptions are palisade's own words; OPNsense holds at most 255 characters. */
function clip(text: string): string {
  const chars = [...text];
  return chars.length <= 255 ? text : `${chars.slice(0, 254).join('')}…`;
}
