/**
 * IR → the Proxmox firewall model (model.ts): one cluster IP set per role, per zone a rule
 * names, and per address list too long for a rule; one security group per role; and per VM
 * of a role (`vms.<role>`) the rule that attaches the group plus the VM's firewall options.
 *
 * A VM's firewall judges the packets to it (IN rules, then `policy_in`) and from it (OUT rules,
 * then `policy_out`), and a security group referenced by the VM is an inline jump, so a role's
 * group holds, in the ruleset's order, the IN rules of every rule whose destination meets the
 * role and (when the role's egress is restricted at all) the OUT rules of every rule whose
 * source meets it. The defaults become the VM policies. How one rule becomes PVE rules is
 * rules.ts's business.
 */
import { error, warning, type Diagnostic } from '../../diagnostics/index.js';
import { emptySet, intersectSets, isEmptySet, type AddressSet, type Role, type Rule, type Ruleset } from '../../ir/index.js';
import { RoleIndex } from '../role-index.js';
import { ipsetEntries } from './addresses.js';
import type { PveFirewall, PveGroup, PveIpset, PvePolicy, PveRule } from './model.js';
import { GROUP_MAX, IPSET_MAX, NameTable } from './names.js';
import { directionRules, type Names } from './rules.js';

export interface ProxmoxModelOptions {
  readonly 'vms.<role>': Readonly<Record<string, readonly number[]>>;
  readonly enable_datacenter: boolean;
}

export interface Lowered {
  readonly model?: PveFirewall;
  readonly diagnostics: Diagnostic[];
}

export function groupComment(role: string, ipset: string): string {
  return `palisade role ${role}, addresses +dc/${ipset}`;
}

/**
 * check() and emit() lower the same ruleset with the same options object: the second call
 * reuses the first's result (the ruleset and options are never mutated).
 */
const lowered = new WeakMap<Ruleset, WeakMap<ProxmoxModelOptions, Map<string, Lowered>>>();

export function lowerFirewall(ir: Ruleset, options: ProxmoxModelOptions, target: string): Lowered {
  let byOptions = lowered.get(ir);
  if (!byOptions) lowered.set(ir, (byOptions = new WeakMap()));
  let byTarget = byOptions.get(options);
  if (!byTarget) byOptions.set(options, (byTarget = new Map()));
  let result = byTarget.get(target);
  if (!result) byTarget.set(target, (result = lowerOnce(ir, options, target)));
  return result;
}

function lowerOnce(ir: Ruleset, options: ProxmoxModelOptions, target: string): Lowered {
  const diagnostics: Diagnostic[] = [];
  if (ir.roles.length === 0) {
    diagnostics.push(error('PAL6006', ir.sources[0]?.span(0, 0), target, 'the ruleset declares no role, so there is no security group to write'));
  }
  for (const role of ir.roles) if (role.addresses === undefined) diagnostics.push(error('PAL6001', role.span, target, role.name));
  const ipsetNames = new NameTable('IP set of', IPSET_MAX);
  const groupNames = new NameTable('security group of role', GROUP_MAX);
  // In source order (imports after the entry file), so a collision is reported at the later name.
  const files = ir.sources;
  const declared = [...ir.zones, ...ir.roles].sort(
    (a, b) => files.indexOf(a.span.source) - files.indexOf(b.span.source) || a.span.start - b.span.start,
  );
  for (const d of declared) ipsetNames.add(d.name, d.span, diagnostics);
  for (const role of ir.roles) groupNames.add(role.name, role.span, diagnostics);
  const guests = guestsOf(ir, options, target, diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const ruleSets = new Map<string, PveIpset>();
  const names: Names = {
    ipset: (n) => ipsetNames.get(n),
    used: new Set(),
    ruleSet: (rule, side, family, cidrs, role) => {
      const key = `rule ${rule.name}${role === undefined ? '' : ` role ${role}`} ${side} (IPv${family})`;
      const base = `${rule.name}${role === undefined ? '' : `-${role}`}-${side === 'source' ? 'src' : 'dst'}-v${family}`;
      if (!ipsetNames.add(key, rule.span, diagnostics, base)) return base;
      const name = ipsetNames.get(key);
      ruleSets.set(name, { name, comment: `palisade ${key.replace(/ \(IPv\d\)$/, '')} addresses (IPv${family})`, cidrs });
      return name;
    },
  };
  const reported = new Set<string>();
  const groups: PveGroup[] = [];
  const index = new RoleIndex(ir);
  const order = new Map(ir.rules.map((r, i) => [r, i]));
  for (const role of ir.roles) {
    const rules = groupRules(ir, role, index, order, names, target, (d) => {
      if (!reported.has(d.message)) diagnostics.push(d);
      reported.add(d.message);
    });
    const ipset = names.ipset(role.name);
    groups.push({ name: groupNames.get(role.name), comment: groupComment(role.name, ipset), rules });
  }
  const ipsets: PveIpset[] = [
    ...ir.roles.map((r) => ({ name: names.ipset(r.name), comment: `palisade role ${r.name}`, cidrs: ipsetEntries(r.addresses ?? emptySet) })),
    ...ir.zones
      .filter((z) => names.used.has(z.name))
      .map((z) => ({ name: names.ipset(z.name), comment: `palisade zone ${z.name}`, cidrs: ipsetEntries(z.addresses) })),
    ...ruleSets.values(),
  ].sort((a, b) => (a.name < b.name ? -1 : 1));
  const model: PveFirewall = {
    datacenterEnable: options.enable_datacenter,
    ipsets,
    groups: groups.sort((a, b) => (a.name < b.name ? -1 : 1)),
    guests: guests.map(({ vmid, role }) => ({
      vmid,
      role,
      options: { enable: true, policy_in: policy(ir.defaults.ingress.action), policy_out: policy(ir.defaults.egress.action) },
      rules: [{ type: 'group', action: groupNames.get(role), enable: true, comment: `palisade role ${role}` }],
    })),
  };
  return { model, diagnostics };
}

const policy = (a: 'allow' | 'deny'): PvePolicy => (a === 'allow' ? 'ACCEPT' : 'DROP');

/** The VMs of each role, in id order; a role without VMs is a warning, a VM in two roles an error. */
function guestsOf(ir: Ruleset, options: ProxmoxModelOptions, target: string, diagnostics: Diagnostic[]): { vmid: number; role: string }[] {
  const owner = new Map<number, string>();
  for (const role of ir.roles) {
    const vms = options['vms.<role>'][role.name] ?? [];
    if (vms.length === 0) diagnostics.push(warning('PAL6501', role.span, target, role.name));
    for (const vmid of vms) {
      const other = owner.get(vmid);
      if (other !== undefined && other !== role.name) diagnostics.push(error('PAL6503', role.span, vmid, other, role.name));
      if (other === undefined) owner.set(vmid, role.name);
    }
  }
  return [...owner].map(([vmid, role]) => ({ vmid, role })).sort((a, b) => a.vmid - b.vmid);
}

function literal(set: AddressSet): AddressSet {
  return { v4: set.v4, v6: set.v6, opaque: [] };
}

/** The role sends something the ruleset denies: by default, or by a deny rule from it. */
function restrictsEgress(ir: Ruleset, own: AddressSet, from: readonly Rule[]): boolean {
  if (ir.defaults.egress.action === 'deny') return true;
  return from.some((r) => r.action === 'deny' && !isEmptySet(literal(intersectSets(r.source.addresses, own))));
}

/** A rule touching a role: as its destination (IN rules), as its source (OUT rules), or both. */
interface Touch {
  readonly rule: Rule;
  readonly to: boolean;
  readonly from: boolean;
}

/** The rules to and from a role (each list in ruleset order), merged in that order. */
function inOrder(to: readonly Rule[], from: readonly Rule[], order: ReadonlyMap<Rule, number>): Touch[] {
  const out: Touch[] = [];
  let i = 0;
  let j = 0;
  while (i < to.length || j < from.length) {
    const x = i < to.length ? order.get(to[i]!)! : Infinity;
    const y = j < from.length ? order.get(from[j]!)! : Infinity;
    out.push({ rule: x <= y ? to[i]! : from[j]!, to: x <= y, from: y <= x });
    if (x <= y) i++;
    if (y <= x) j++;
  }
  return out;
}

/**
 * A role's group: every rule's IN rules (and OUT rules), in ruleset order. Only a rule whose
 * destination (source) meets the role yields IN (OUT) rules, so only those are lowered
 * (role-index.ts finds them).
 */
function groupRules(ir: Ruleset, role: Role, index: RoleIndex, order: ReadonlyMap<Rule, number>, names: Names, target: string, report: (d: Diagnostic) => void): PveRule[] {
  const own = role.addresses ?? emptySet;
  const egress = restrictsEgress(ir, own, index.from(role));
  const out: PveRule[] = [];
  for (const touch of inOrder(index.to(role), egress ? index.from(role) : [], order)) {
    for (const direction of ['in', 'out'] as const) {
      if (!(direction === 'in' ? touch.to : touch.from)) continue;
      const lowered = directionRules(touch.rule, direction, role, names);
      if ('why' in lowered) report(error('PAL6002', touch.rule.span, target, touch.rule.name, lowered.why));
      else out.push(...lowered.rules);
    }
  }
  return out;
}
