/**
 * IR → one Talos firewall patch per role (block mode): what the ruleset permits to the role, as
 * grants from allow-only.ts, becomes NetworkRuleConfig documents, one per (rule, protocol, port
 * set, source set), named after the rule. ICMP is left to Talos's built-in rules (gaps.ts checks
 * that they say the same), and everything Talos cannot express is a positioned diagnostic.
 */
import { error, type Diagnostic, type Span } from '../../diagnostics/index.js';
import { protocolName, setToCidrs, toCidrs, unionSets, type AddressSet, type Family, type Role, type Ruleset } from '../../ir/index.js';
import { normalize, subtract, type Range } from '../../ir/intervals.js';
import { grantServices, lowerOnce, rulesetUniverse, sharedRoleGrants, type Grant, type Report } from '../allow-only.js';
import { builtinGaps, egressGaps, gap, grantedSet, type Culprit } from './gaps.js';
import { builtinAccepts } from './implicit.js';
import { PROTOCOL_NUMBERS, type TalosIngress, type TalosPatch, type TalosProtocol, type TalosRuleDoc } from './model.js';
import { cidrListError, type TalosOptions } from './options.js';

export interface Lowered {
  readonly patches: readonly TalosPatch[];
  readonly diagnostics: readonly Diagnostic[];
}

const EXPRESSED = new Set([1, 6, 17, 58]);

/** A lowering for either Talos target: its findings are worded per target. */
interface Shared {
  readonly patches: readonly TalosPatch[];
  readonly reports: readonly Report[];
}

const lowered = new WeakMap<Ruleset, Map<string, Shared>>();

/**
 * The patches of a ruleset, computed once per ruleset and options: talos and talos-nft compiled
 * from one IR (with the same options) share one lowering.
 */
export function lowerTalos(ir: Ruleset, options: TalosOptions, target: string): Lowered {
  const diagnostics: Diagnostic[] = [];
  const optionSpan = (key: string): Span | undefined =>
    ir.targets.find((t) => t.name === target)?.options.find((o) => o.key === key)?.span ?? ir.sources[0]?.span(0, 0);
  for (const key of ['pod-subnets', 'service-subnets'] as const) {
    const why = cidrListError(options[key]);
    if (why) diagnostics.push(error('PAL4011', optionSpan(key), target, key, `comma-separated CIDRs (${why})`));
  }
  if (diagnostics.length > 0) return { patches: [], diagnostics };
  if (ir.roles.length === 0) return { patches: [], diagnostics: [error('PAL6003', ir.sources[0]?.span(0, 0), target)] };
  const key = JSON.stringify(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : 1)));
  const { patches, reports } = lowerOnce(lowered, ir, key, () => lower(ir, options));
  return { patches, diagnostics: reports.map((report) => report(target)) };
}

function lower(ir: Ruleset, options: TalosOptions): Shared {
  const universe = rulesetUniverse(ir);
  const reports: Report[] = [...egressGaps(ir, universe, options)];
  const patches = ir.roles.map((role) => {
    const { grants, reports: partial } = sharedRoleGrants(ir, role, 'ingress', universe);
    reports.push(...partial);
    const permitted = grantedSet(universe, role, grants, grantServices);
    reports.push(...builtinGaps(ir, universe, role, permitted, builtinAccepts(universe, role.addresses ?? { v4: [], v6: [], opaque: [role.name] }, options), grants, options));
    return lowerRole(ir, role, grants, options, reports);
  });
  return { patches, reports };
}

interface Draft {
  readonly origin: string;
  readonly description: string | undefined;
  readonly protocol: TalosProtocol;
  readonly ports: readonly Range<number>[];
  peers: AddressSet;
}

const rangesKey = (rs: readonly Range<number>[]): string => rs.map(([a, b]) => `${a}-${b}`).join(',');

function lowerRole(ir: Ruleset, role: Role, grants: readonly Grant[], options: TalosOptions, reports: Report[]): TalosPatch {
  const drafts: Draft[] = [];
  const byKey = new Map<string, Draft>();
  const unexpressed = new Map<string, { culprit: Culprit; protocols: Set<number> }>();
  for (const grant of grants) {
    const culprit: Culprit = grant.rule
      ? { rule: grant.rule, what: `rule "${grant.rule.name}"`, span: grant.rule.span }
      : { what: 'default ingress allow', span: ir.defaults.ingress.span ?? role.span };
    const protocols = grant.protocols.flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
    const others = protocols.filter((p) => !EXPRESSED.has(p));
    if (others.length > 0) {
      const entry = unexpressed.get(culprit.what) ?? { culprit, protocols: new Set<number>() };
      for (const p of others) entry.protocols.add(p);
      unexpressed.set(culprit.what, entry);
    }
    const tcpUdp = (['tcp', 'udp'] as const).filter((p) => protocols.includes(PROTOCOL_NUMBERS[p]));
    if (tcpUdp.length === 0) continue;
    if (grant.peers.opaque.length > 0) {
      const why = `source role "${grant.peers.opaque[0]}" has no addresses, and Talos matches sources by subnet`;
      reports.push(gap(culprit, why, undefined));
      continue;
    }
    const ports = normalize(grant.ports.length > 0 ? grant.ports : [[1, 65535] as const]);
    for (const protocol of tcpUdp) {
      // A rule's grants with the same protocol and ports become one document (their sources
      // united): each grant holds for the whole role, so the union is exact. Products of the
      // set algebra split by address family, which Talos documents need not do.
      const origin = grant.rule?.name ?? 'default-ingress-allow';
      const key = `${origin}|${protocol}|${rangesKey(ports)}`;
      const same = byKey.get(key);
      if (same) same.peers = unionSets(same.peers, grant.peers);
      else {
        const draft: Draft = { origin, description: grant.rule?.description, protocol, ports, peers: grant.peers };
        drafts.push(draft);
        byKey.set(key, draft);
      }
    }
  }
  for (const { culprit, protocols } of unexpressed.values()) {
    // Name the well-known protocols first: `sctp, gre, esp` says more than `proto/0`.
    const sorted = [...protocols].sort((a, b) => Number(protocolName(a) === undefined) - Number(protocolName(b) === undefined) || a - b);
    const names = sorted.slice(0, 3).map((p) => protocolName(p) ?? `proto/${p}`);
    const more = sorted.length > 3 ? ` and ${sorted.length - 3} more` : '';
    const why = `Talos's NetworkRuleConfig matches only TCP and UDP (ICMP is left to its built-in rules), and this permits ${names.join(', ')}${more} to role "${role.name}"`;
    reports.push(gap(culprit, why, options.protocols === 'tcp-udp' ? 'protocols=tcp-udp' : undefined));
  }
  return {
    role: role.name,
    roleCidrs: role.addresses ? setToCidrs(role.addresses) : [],
    defaultAction: 'block',
    rules: nameDocuments(drafts),
  };
}

/** Names from rule names: the rule's name, `-tcp`/`-udp` when it has both, `-2`... when needed. */
function nameDocuments(drafts: readonly Draft[]): TalosRuleDoc[] {
  const byOrigin = new Map<string, Draft[]>();
  for (const d of drafts) byOrigin.set(d.origin, [...(byOrigin.get(d.origin) ?? []), d]);
  const used = new Set<string>();
  const unique = (candidate: string): string => {
    let name = candidate;
    for (let n = 2; used.has(name); n++) name = `${candidate}-${n}`;
    used.add(name);
    return name;
  };
  const out: TalosRuleDoc[] = [];
  for (const [origin, group] of byOrigin) {
    const protocols = new Set(group.map((d) => d.protocol));
    const seen = new Map<TalosProtocol, number>();
    for (const d of group) {
      const count = group.filter((x) => x.protocol === d.protocol).length;
      const index = (seen.get(d.protocol) ?? 0) + 1;
      seen.set(d.protocol, index);
      let base = group.length === 1 ? origin : protocols.size > 1 ? `${origin}-${d.protocol}` : origin;
      if (count > 1) base = `${base}-${index}`;
      out.push({
        name: unique(base),
        protocol: d.protocol,
        ports: d.ports,
        ingress: ingressEntries(d.peers),
        origin: d.origin === 'default-ingress-allow' ? 'default ingress allow' : d.origin,
        ...(d.description !== undefined ? { description: d.description } : {}),
      });
    }
  }
  return out;
}

/**
 * A source set as `ingress` entries, per family: its CIDRs, or one covering prefix with one
 * `except` when that is shorter. Talos subtracts a document's excepts from all of its subnets,
 * which is exact here: the except lies inside the family's only subnet and outside the set.
 */
export function ingressEntries(peers: AddressSet): TalosIngress[] {
  const out: TalosIngress[] = [];
  for (const family of [4, 6] as const) {
    const own = family === 4 ? peers.v4 : peers.v6;
    if (own.length === 0) continue;
    // The set's own range list: toCidrs caches its answer per list.
    const cidrs = toCidrs(family, own);
    if (cidrs.length > 2) {
      const ranges = own.map(([a, b]) => [BigInt(a), BigInt(b)] as const);
      const hull = coveringPrefix(family, ranges[0]![0], ranges[ranges.length - 1]![1]);
      const holes = toCidrs(family, subtract([hull], ranges));
      if (holes.length === 1) {
        out.push({ subnet: toCidrs(family, [hull])[0]!, except: holes[0]! });
        continue;
      }
    }
    out.push(...cidrs.map((subnet) => ({ subnet })));
  }
  return out;
}

function coveringPrefix(family: Family, lo: bigint, hi: bigint): readonly [bigint, bigint] {
  const bits = family === 4 ? 32 : 128;
  let host = (lo ^ hi).toString(2).length;
  if (lo === hi) host = 0;
  if (host > bits) host = bits;
  const size = 1n << BigInt(host);
  const base = (lo / size) * size;
  return [base, base + size - 1n];
}
