/**
 * First-match rulesets as allow-lists, for targets that only allow (security groups, Talos):
 * the exact set of packets a ruleset permits to (ingress) or from (egress) one role, as grants
 * attributed to the rules that permit them, with deny rules compiled away by set subtraction.
 *
 * Grant i is allow rule i's packets minus those of every earlier deny rule. Their union, plus the
 * packets no rule matches where the defaults permit them, is exactly what the ruleset permits at
 * the role (a packet permitted by rule j lies in no earlier deny, so in grant j; a packet of grant
 * i is decided by rule i or an earlier allow). Earlier allows are not subtracted, so a grant keeps
 * the peers its rule names; grants may overlap, which an allow-list does not mind.
 *
 * An allow-list is attached to every member of the role alike, so a grant must hold for all of
 * the role's addresses (per address family): a rule, or the subtraction of a deny, that applies
 * to only some of them cannot be expressed and is reported at the rule.
 */
import { PacketUniverse, type PacketSet } from '../analysis/index.js';
import { firstReaching, type DstPiece } from '../analysis/sets.js';
import { setKey } from '../analysis/universe.js';
import { error, type Diagnostic, type Span } from '../diagnostics/index.js';
import {
  emptySet,
  intersectSets,
  isEmptySet,
  formatAddress,
  opaqueSet,
  unionSets,
  type AddressSet,
  type Direction,
  type PacketEnd,
  type Role,
  type Rule,
  type Ruleset,
  type ServiceSet,
} from '../ir/index.js';
import type { Range } from '../ir/intervals.js';
import { RoleIndex } from './role-index.js';

/** Packets an allow-list entry admits: protocols × ports (or ICMP types) × peers. */
export interface Grant {
  /** The allow rule these packets are permitted by, or undefined for the defaults. */
  readonly rule: Rule | undefined;
  /** Protocol numbers; 0-255 whole means every protocol. */
  readonly protocols: readonly Range<number>[];
  /** Ports or ICMP types; empty for protocols without either (then: all of the protocol). */
  readonly ports: readonly Range<number>[];
  /** Sources (ingress) or destinations (egress): addresses and opaque roles. */
  readonly peers: AddressSet;
}

/**
 * A lowering computed once per ruleset and key: `check` and `emit` of a target (and the targets
 * sharing a lowering) ask for the same result, and the IR is immutable, so the second call
 * returns the first call's answer instead of lowering every role again.
 */
export function lowerOnce<T>(cache: WeakMap<Ruleset, Map<string, T>>, ir: Ruleset, key: string, lower: () => T): T {
  let byKey = cache.get(ir);
  if (!byKey) cache.set(ir, (byKey = new Map()));
  let value = byKey.get(key);
  if (value === undefined) byKey.set(key, (value = lower()));
  return value;
}

/**
 * The union of many packet sets, merged pairwise in a balanced tree: adding them one by one to
 * a growing union walks that union once per set (quadratic in the number of sets). Sets are
 * canonical, so the order of merging does not change the result.
 */
export function unionAll(universe: PacketUniverse, sets: readonly PacketSet[]): PacketSet {
  let layer = sets;
  while (layer.length > 1) {
    const next: PacketSet[] = [];
    for (let i = 0; i < layer.length; i += 2) next.push(i + 1 < layer.length ? layer[i]!.union(layer[i + 1]!) : layer[i]!);
    layer = next;
  }
  return layer[0] ?? universe.empty();
}

export interface RoleGrants {
  readonly grants: readonly Grant[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * A diagnostic in the words of the target that reports it: lowerings shared by several targets
 * (aws, terraform and cloudformation; talos and talos-nft; the grants of all five) keep their
 * findings as reports and word them once per target.
 */
export type Report = (target: string) => Diagnostic;

/** Grants with their findings as reports: what `roleGrants` computes once per ruleset and role. */
export interface SharedGrants {
  readonly grants: readonly Grant[];
  readonly reports: readonly Report[];
}

/** The universe of a ruleset's packets (its roles without addresses are opaque endpoints). */
export function rulesetUniverse(ir: Ruleset): PacketUniverse {
  return new PacketUniverse(ir.roles.filter((r) => r.addresses === undefined).map((r) => r.name));
}

export function roleSet(role: Role): AddressSet {
  return role.addresses ?? opaqueSet(role.name);
}

const everyRole = new WeakMap<Ruleset, AddressSet>();

/** The addresses (and opaque roles) of all of a ruleset's roles, united once per ruleset. */
export function allRoleAddresses(ir: Ruleset): AddressSet {
  let set = everyRole.get(ir);
  if (set === undefined) everyRole.set(ir, (set = ir.roles.reduce((acc, r) => unionSets(acc, roleSet(r)), emptySet)));
  return set;
}

/**
 * What the ruleset permits to (`ingress`) or from (`egress`) `role`, as grants in rule order,
 * the defaults' grant last. `target` names the target in diagnostics.
 */
export function roleGrants(
  ir: Ruleset,
  role: Role,
  direction: Direction,
  target: string,
  universe: PacketUniverse = rulesetUniverse(ir),
): RoleGrants {
  const { grants, reports } = sharedRoleGrants(ir, role, direction, universe);
  return { grants, diagnostics: reports.map((report) => report(target)) };
}

const shared = new WeakMap<Ruleset, Map<string, SharedGrants>>();

/**
 * `roleGrants` with its findings as reports. A role's ingress grants are computed once per
 * ruleset and role and kept for every target that asks (all five do); egress grants only the
 * AWS lowering asks for, once (it is itself shared), so they are not kept. The grants hold no
 * packet sets, so they do not depend on the universe (any universe of the ruleset's opaque
 * roles gives the same).
 */
export function sharedRoleGrants(ir: Ruleset, role: Role, direction: Direction, universe: PacketUniverse = rulesetUniverse(ir)): SharedGrants {
  if (direction === 'egress') return computeRoleGrants(ir, role, direction, universe);
  return lowerOnce(shared, ir, role.name, () => computeRoleGrants(ir, role, direction, universe));
}

function computeRoleGrants(ir: Ruleset, role: Role, direction: Direction, universe: PacketUniverse): SharedGrants {
  const self = roleSet(role);
  const ingress = direction === 'ingress';
  const every = universe.everySource;
  // The packets at the role a rule matches: its cube with the role's side narrowed to the role.
  const atRole = (source: AddressSet, destination: AddressSet, services: ServiceSet): PacketSet | undefined => {
    const mine = intersectSets(ingress ? destination : source, self);
    if (isEmptySet(mine)) return undefined;
    return ingress ? universe.product(source, mine, services) : universe.product(mine, destination, services);
  };

  const grants: Grant[] = [];
  const reports: Report[] = [];
  const seen = new Set<string>();
  /**
   * Adds the packets as grants, or reports them at `at` when they hold for only part of the role.
   * The check runs for every grant: a set's products, read as per-role grants, can hold more than
   * the set even when every rule covers the whole role (an ICMP protocol range whose types were
   * partly denied, found by the property in test/backends/allow-only.test.ts), so skipping it for
   * "uniform" rules widened a default egress allow.
   */
  const grant = (rule: Rule | undefined, packets: PacketSet, at: { readonly span: Span; readonly name: string }): void => {
    const products = packets.products();
    const own = products.map((p) => ({ rule, protocols: p.protocols, ports: p.ports, peers: ingress ? p.source : p.destination }));
    // Each grant, applied to every member of the role, must give back exactly these packets.
    const whole = unionAll(
      universe,
      own.flatMap((g) => atRole(ingress ? g.peers : every, ingress ? every : g.peers, grantServices(g)) ?? []),
    );
    // Sets are canonical: when the two are equal (the usual case) nothing is missing, and the
    // subtraction that finds an example runs only when they differ.
    const missing = whole.equals(packets) ? undefined : whole.minus(packets).witness();
    if (missing) {
      const member = endText(ingress ? missing.destination : missing.source);
      reports.push((target) => {
        const why = `a ${target} allow-list applies to every member of role "${role.name}" alike, and this would permit ${ingress ? 'traffic to' : 'traffic from'} only part of them (not ${member})`;
        return error('PAL6002', at.span, target, at.name, why);
      });
      return;
    }
    for (const g of own) {
      const key = `${rule?.name}|${g.protocols.join(';')}|${g.ports.join(';')}|${setKey(g.peers)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      grants.push(g);
    }
  };

  let denied = universe.empty();
  const matched: PacketSet[] = [];
  // Only the rules whose role side meets the role can match packets at it.
  const index = RoleIndex.of(ir);
  for (const rule of ingress ? index.to(role) : index.from(role)) {
    const cube = atRole(rule.source.addresses, rule.destination.addresses, rule.services);
    if (!cube) continue;
    matched.push(cube);
    if (rule.action === 'deny') denied = denied.union(cube);
    else grant(rule, cube.minus(nearby(denied, cube)), rule);
  }

  // Packets no rule matches: permitted where every default that applies permits them (the
  // other direction's default applies where the peer lies in a role too).
  const own = ir.defaults[direction];
  const other = ir.defaults[ingress ? 'egress' : 'ingress'];
  if (own.action === 'allow') {
    let permitted = (atRole(every, every, anyService) ?? universe.empty()).minus(unionAll(universe, matched));
    if (other.action === 'deny') {
      const roles = allRoleAddresses(ir);
      permitted = permitted.minus(ingress ? universe.product(roles, self, anyService) : universe.product(self, roles, anyService));
    }
    grant(undefined, permitted, { span: own.span ?? role.span, name: `default ${direction} allow` });
  }
  return { grants, reports };
}

/**
 * The part of `set` at the destinations of `near`: the pieces of `set` (sorted by kind and
 * destination, canonical) that overlap one of `near`'s, found by binary search. A run of a
 * canonical list is canonical, and `near.minus(set)` equals `near.minus(nearby(set, near))`;
 * the subtraction then walks what is near, not every piece of `set` (a role's egress denies go
 * to many other roles, and walking all of them for every allow was quadratic).
 */
export function nearby(set: PacketSet, near: PacketSet): PacketSet {
  const pieces = set.pieces;
  const out: DstPiece[] = [];
  // Pieces before `taken` are taken already (a piece can meet two of near's).
  let taken = 0;
  for (const { kind, lo, hi } of near.pieces) {
    let a = firstReaching(pieces, kind, lo, taken);
    for (; a < pieces.length && pieces[a]!.kind === kind && pieces[a]!.lo <= hi; a++) out.push(pieces[a]!);
    taken = a;
  }
  return pieces.length === out.length ? set : set.universe.fromPieces(out);
}

const anyService: ServiceSet = { any: true, entries: [] };

function endText(end: PacketEnd): string {
  return end.kind === 'role' ? `a member of role "${end.role}"` : formatAddress(end.family, end.value);
}

/** A grant's protocols and ports as a service set (`any` when it is every protocol whole). */
export function grantServices(grant: Pick<Grant, 'protocols' | 'ports'>): ServiceSet {
  const [first] = grant.protocols;
  if (grant.protocols.length === 1 && first![0] === 0 && first![1] === 255) return anyService;
  const entries = grant.protocols.flatMap(([lo, hi]) =>
    Array.from({ length: hi - lo + 1 }, (_, i) => (grant.ports.length > 0 ? { protocol: lo + i, ports: grant.ports } : { protocol: lo + i })),
  );
  return { any: false, entries };
}
