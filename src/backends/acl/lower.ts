/**
 * IR -> switch ACL model. One ACL per address family that holds role addresses: first the
 * reply entries of every allow rule (replies.ts), then the rules in order, then the defaults
 * as entries (LANGUAGE.md "Meaning" 2), then an explicit final `deny ip any any`. Each rule's
 * source x destination prefixes x services become entries (no object groups), each under a
 * remark with the rule's name and description; the ACL keeps them as that product, one block
 * per rule (model.ts `AclPlan`), and the printer writes the entries out.
 */
import { rulesetPolicy, type AclRule } from '../../analysis/index.js';
import {
  intersectSets,
  toCidrs,
  unionSets,
  emptySet,
  type AddressSet,
  type Family,
  type Ruleset,
  type ServiceSet,
} from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';
import { ANY, ICMP, ICMPV6, TCP, UDP, groupSize, type AclAddress, type AclBlock, type AclEntryGroup, type AclMatch, type AclPlan } from './model.js';
import { ReplyCoverage, replySpecs, type ReplySpec } from './replies.js';

export const MAX_REMARK = 100;

const FAMILY_ALL: Readonly<Record<Family, AddressSet>> = {
  4: { v4: [[0, 0xffffffff]], v6: [], opaque: [] },
  6: { v4: [], v6: [[0n, (1n << 128n) - 1n]], opaque: [] },
};

/** The prefixes of a set in one family (`any` when it is the whole family). */
export function prefixes(set: AddressSet, family: Family): AclAddress[] {
  const ranges = family === 4 ? set.v4 : set.v6;
  const cidrs = toCidrs(family, ranges);
  if (cidrs.length === 1 && cidrs[0]!.endsWith('/0')) return [ANY];
  return cidrs.map((cidr) => ({ kind: 'prefix', cidr }));
}

/** Splits text into remarks of at most MAX_REMARK characters, at spaces where possible. */
export function remarks(text: string): string[] {
  const out: string[] = [];
  let rest = text.replace(/\s+/g, ' ').trim();
  while (rest.length > MAX_REMARK) {
    let cut = rest.lastIndexOf(' ', MAX_REMARK);
    // No space to split at: cut at the limit, but never between the two halves of a character.
    if (cut <= 0) cut = /[\uD800-\uDBFF]/.test(rest[MAX_REMARK - 1]!) ? MAX_REMARK - 1 : MAX_REMARK;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) out.push(rest);
  return out;
}

type Match = AclMatch;

/** The protocol/port/type matches of a service set in one family. */
function matches(services: ServiceSet, family: Family): Match[] {
  if (services.any) return [{ protocol: undefined }];
  const out: Match[] = [];
  for (const { protocol, ports } of services.entries) {
    if ((protocol === ICMP && family === 6) || (protocol === ICMPV6 && family === 4)) continue;
    if (protocol === ICMP || protocol === ICMPV6) {
      if (ports === undefined || (ports.length === 1 && ports[0]![0] === 0 && ports[0]![1] === 255)) out.push({ protocol });
      else for (const [lo, hi] of ports) for (let t = lo; t <= hi; t++) out.push({ protocol, icmpType: t });
    } else if ((protocol === TCP || protocol === UDP) && ports !== undefined && !fullPorts(ports)) {
      for (const range of ports) out.push({ protocol, destinationPorts: range });
    } else {
      out.push({ protocol });
    }
  }
  return out;
}

const fullPorts = (ports: readonly Range<number>[]): boolean => ports.length === 1 && ports[0]![0] === 0 && ports[0]![1] === 65535;

function replyMatches(spec: ReplySpec): Match[] {
  const base = { protocol: spec.protocol, ...(spec.established ? { established: true } : {}) };
  if (spec.icmpType !== undefined) return [{ ...base, icmpType: spec.icmpType }];
  if (spec.sourcePorts) return spec.sourcePorts.map((r) => ({ ...base, sourcePorts: r }));
  return [base];
}

export interface Lowered {
  readonly acls: AclPlan[];
  /** Rules and defaults whose `any` replies (other protocols) cannot be written. */
  readonly unrepliable: AclRule[];
}

/** The families an ACL is written for: those in which some role has addresses. */
export function aclFamilies(ir: Ruleset): Family[] {
  const roles = ir.roles.reduce((acc, r) => unionSets(acc, r.addresses ?? emptySet), emptySet);
  const found = ([4, 6] as const).filter((f) => (f === 4 ? roles.v4 : roles.v6).length > 0);
  // No role address at all: still one (IPv4) ACL, so there is always something to bind and read.
  return found.length > 0 ? found : [4];
}

export function lowerAcls(ir: Ruleset, names: Readonly<Record<Family, string>>): Lowered {
  const policy = rulesetPolicy(ir, 'ruleset');
  const coverage = new ReplyCoverage(policy);
  const unrepliable = new Set<AclRule>();
  const all = policy.gates[0]!.rules;
  // Allow rules, and allowing defaults (which come after every rule); trailing denies need none.
  const allowing = openingRules(all, ir.rules.length).filter((r) => r.action === 'allow');
  const acls: AclPlan[] = [];
  for (const family of aclFamilies(ir)) {
    const familyAll = FAMILY_ALL[family];
    // A rule's prefixes in this family, computed once per address set (rules share them).
    const known = new Map<AddressSet, AclAddress[]>();
    const prefixesOf = (set: AddressSet): AclAddress[] => {
      let list = known.get(set);
      if (!list) known.set(set, (list = prefixes(set, family)));
      return list;
    };
    // A set's addresses in this family, one object per set: the coverage index caches by it.
    const inFamily = new Map<AddressSet, AddressSet>();
    const restrict = (set: AddressSet): AddressSet => {
      let part = inFamily.get(set);
      if (!part) inFamily.set(set, (part = intersectSets(set, familyAll)));
      return part;
    };
    const blocks: AclBlock[] = [];
    const block = (text: string, groups: AclEntryGroup[]): void => {
      if (groups.some((g) => groupSize(g) > 0)) blocks.push({ remarks: remarks(text), groups });
    };
    for (const rule of allowing) {
      const sources = prefixesOf(rule.source);
      const destinations = prefixesOf(rule.destination);
      if (sources.length === 0 || destinations.length === 0) continue;
      const src = restrict(rule.source);
      const dst = restrict(rule.destination);
      const { specs, uncovered } = replySpecs(rule, family, src, dst, coverage);
      if (uncovered) unrepliable.add(rule);
      // Replies travel back: the rule's destinations are their sources.
      block(
        `replies to ${rule.origin.label}`,
        specs.map((s) => ({ action: 'allow', sources: destinations, destinations: sources, matches: replyMatches(s) })),
      );
    }
    const opening = openingRules(all, ir.rules.length);
    opening.forEach((rule, i) => {
      const description = ir.rules[i]?.description;
      const text = description ? `${rule.origin.label}: ${description}` : rule.origin.label;
      block(text, [{ action: rule.action, sources: prefixesOf(rule.source), destinations: prefixesOf(rule.destination), matches: matches(rule.services, family) }]);
    });
    blocks.push({ remarks: ['everything else'], groups: [{ action: 'deny', sources: [ANY], destinations: [ANY], matches: [{ protocol: undefined }] }] });
    acls.push({ name: names[family], family, blocks });
  }
  return { acls, unrepliable: [...unrepliable] };
}

/** The ruleset's rules and defaults, without the trailing denies the final deny covers. */
function openingRules(rules: readonly AclRule[], ruleCount: number): AclRule[] {
  const out = [...rules];
  while (out.length > ruleCount && out[out.length - 1]!.action === 'deny') out.pop();
  return out;
}
