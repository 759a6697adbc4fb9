/**
 * IR → security groups (model.ts): one group per role, for the aws, terraform and
 * cloudformation targets.
 *
 * Ingress: exactly what the ruleset permits to the role (allow-only.ts grants). Egress: when the
 * ruleset permits everything the role sends to addresses outside every role, one allow-all entry
 * (`-1` to 0.0.0.0/0 and ::/0, plus a reference to each address-less role): packets to another
 * role are then decided by that role's ingress, which is exact; otherwise exactly what the
 * ruleset permits from the role. The translation is exact by construction (the round-trip
 * property test reads the groups back and compares them with the ruleset); every description,
 * name and per-group rule count is checked against AWS's limits, as positioned errors.
 */
import { error, withExtras, type Diagnostic, type Span } from '../../diagnostics/index.js';
import { intersectSets, isEmptySet, subtractSets, type AddressSet, type Direction, type Role, type Rule, type Ruleset } from '../../ir/index.js';
import { allRoleAddresses, grantServices, lowerOnce, sharedRoleGrants, unionAll, rulesetUniverse, type Grant, type Report } from '../allow-only.js';
import { grantEntries, missingProtocol, packetsAt, type Entry, type EntryContext } from './entries.js';
import { nameEntries, type Described } from './names.js';
import type { PacketSet } from '../../analysis/index.js';
import type { SecurityGroup, SgModel } from './model.js';

export interface SgOptions {
  readonly name_prefix: string;
  readonly max_rules: number;
}

/** Characters AWS accepts in every kind of rule description (the `&`-free set; see docs). */
const DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=;{}!$*]*$/;
const GROUP_NAME = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
export const ALL_EGRESS = 'Allow all outbound traffic';

interface Lowered {
  readonly model: SgModel;
  readonly diagnostics: readonly Diagnostic[];
}

/** A lowering for any of the AWS targets: its findings are worded per target. */
interface Shared {
  readonly model: SgModel;
  readonly reports: readonly Report[];
}

const lowered = new WeakMap<Ruleset, Map<string, Shared>>();

/**
 * The security groups of a ruleset, computed once per ruleset and options: aws, terraform and
 * cloudformation compiled from one IR (with the same options) share one lowering.
 */
export function lowerGroups(ir: Ruleset, options: SgOptions, target: string): Lowered {
  const key = JSON.stringify([options.name_prefix, options.max_rules]);
  const shared = lowerOnce(lowered, ir, key, () => lower(ir, options));
  return {
    get model(): SgModel {
      return shared.model;
    },
    diagnostics: shared.reports.map((report) => report(target)),
  };
}

function lower(ir: Ruleset, options: SgOptions): Shared {
  const reports: Report[] = [];
  const universe = rulesetUniverse(ir);
  const cidrs = new Map<string, AddressSet>();
  const roleIndex = new Map(ir.roles.map((r, i) => [r.name, i]));
  const named = { ingress: new Map<Rule | undefined, readonly Role[]>(), egress: new Map<Rule | undefined, readonly Role[]>() };
  /** Addresses (and opaque roles) in no role. */
  const outside = subtractSets(universe.everySource, allRoleAddresses(ir));
  // Whether a role can send a protocol outside depends only on the families (and opaque roles)
  // outside has, so one range of each stands for all of it (a product with every range of
  // outside per role made this rules × roles).
  const outsideSample: AddressSet = { v4: outside.v4.slice(0, 1), v6: outside.v6.slice(0, 1), opaque: outside.opaque };
  const rawGroups: { role: Role; ingress: Described[]; egress: Described[] }[] = [];
  if (ir.roles.length === 0) reports.push((target) => error('PAL6003', ir.sources[0]?.span(0, 0), target));
  for (const role of ir.roles) {
    const name = `${options.name_prefix}${role.name}`;
    if (name.toLowerCase().startsWith('sg-')) reports.push(same(error('PAL6103', role.span, role.name, name, 'a group name cannot start with "sg-"')));
    else if (name.length > 255 || !GROUP_NAME.test(name)) reports.push(same(error('PAL6103', role.span, role.name, name, 'AWS allows at most 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*')));
    const side = (direction: Direction): Described[] => {
      const ctx: EntryContext = { universe, roles: ir.roles, role, direction, defaultSpan: ir.defaults[direction].span ?? role.span, roleIndex, cidrs, named: named[direction] };
      const found = sharedRoleGrants(ir, role, direction, universe);
      let grants: readonly Grant[] = found.grants;
      let allEgress = false;
      if (direction === 'egress') {
        // Everything the role sends to addresses in no role: when the ruleset permits all of it,
        // one allow-all entry says the same (other roles' ingress decides the rest exactly).
        // A protocol (but ICMP/ICMPv6) no grant has decides at once when the role can send it
        // outside; only otherwise are the grants' packets to outside united and compared.
        const granted = new Set<number>();
        for (const g of grants) for (const [lo, hi] of g.protocols) for (let p = lo; p <= hi; p++) granted.add(p);
        const missing = missingProtocol(granted);
        const refuted = missing !== undefined && !packetsAt(ctx, outsideSample, { any: false, entries: [{ protocol: missing }] }).isEmpty();
        const permitted = (): PacketSet =>
          unionAll(
            universe,
            grants.flatMap((g) => {
              const peers = intersectSets(g.peers, outside);
              return isEmptySet(peers) ? [] : [packetsAt(ctx, peers, grantServices(g))];
            }),
          );
        if (!refuted && packetsAt(ctx, outside).minus(permitted()).isEmpty()) {
          grants = [{ rule: undefined, protocols: [[0, 255]], ports: [], peers: universe.everySource }];
          allEgress = true;
        } else reports.push(...found.reports);
      } else reports.push(...found.reports);
      // The entries are exact by construction; test/properties/aws.prop.test.ts reads them back
      // and compares them with the ruleset (a check here would double the lowering's cost).
      const { entries, reports: more } = grantEntries(grants, ctx);
      reports.push(...more);
      reports.push(...checkQuota(entries, role, direction, options.max_rules).map(same));
      return entries.map((e) => ({
        ...e,
        description: e.rule ? describe(e.rule) : allEgress ? ALL_EGRESS : `default ${direction} allow`,
        origin: e.rule?.name ?? (allEgress ? `${role.name}-egress-all` : `${role.name}-default-${direction}`),
      }));
    };
    rawGroups.push({ role, ingress: side('ingress'), egress: side('egress') });
  }
  // Only the rules that become security-group rules need an AWS description.
  const used = new Set<Rule>();
  for (const g of rawGroups) for (const list of [g.ingress, g.egress]) for (const e of list) if (e.rule) used.add(e.rule);
  for (const rule of ir.rules.filter((r) => used.has(r))) {
    const text = describe(rule);
    if (text.length > 255) reports.push(same(error('PAL6102', rule.span, rule.name, `it has ${text.length} characters; AWS allows at most 255`)));
    const bad = [...text].find((c) => !DESCRIPTION.test(c));
    if (bad !== undefined) {
      reports.push(same(error('PAL6102', rule.span, rule.name, `AWS does not allow ${JSON.stringify(bad)}; allowed are letters, digits, spaces and ._-:/()#,@[]+=;{}!$*`)));
    }
  }
  // Naming every entry is only needed for the artifacts: a refused ruleset (check alone) skips it.
  // The unnamed entries are let go once named (the lowering is cached with the ruleset).
  let model: SgModel | undefined;
  let unnamed: typeof rawGroups | undefined = rawGroups;
  return {
    get model(): SgModel {
      if (model !== undefined) return model;
      const raw = unnamed!;
      unnamed = undefined;
      return (model = {
        groups: nameEntries(raw).map(
          (g): SecurityGroup => ({
            role: g.role.name,
            name: `${options.name_prefix}${g.role.name}`,
            description: `palisade role ${g.role.name}`,
            ingress: g.ingress,
            egress: g.egress,
            span: g.role.span,
          }),
        ),
      });
    },
    reports,
  };
}

/** A rule's description on AWS: its description, or else its name. */
export function describe(rule: Rule): string {
  return rule.description ?? rule.name;
}

/** A finding that does not name the target. */
function same(d: Diagnostic): Report {
  return () => d;
}

function checkQuota(entries: readonly Entry[], role: Role, direction: Direction, limit: number): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const groups = entries.filter((e) => e.peer.kind === 'group').length;
  for (const family of ['ipv4', 'ipv6'] as const) {
    const count = groups + entries.filter((e) => e.peer.kind === family).length;
    if (count > limit) {
      const d = error('PAL6101', role.span as Span, role.name, count, direction === 'ingress' ? 'inbound' : 'outbound', family === 'ipv4' ? 'IPv4' : 'IPv6', limit);
      const hint = `each CIDR, port range, ICMP type and group reference is one rule (group references count for IPv4 and IPv6); merge adjacent CIDRs or ports in the ruleset, or, if your account's quota is higher, raise the \`max_rules\` option (rules per group times groups per interface may not exceed 1000)`;
      diagnostics.push(withExtras(d, { hint }));
    }
  }
  return diagnostics;
}
