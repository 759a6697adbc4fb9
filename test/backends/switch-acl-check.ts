/**
 * The round-trip check for the switch ACL targets, shared by goldens and properties: reads the
 * artifacts back and proves, exactly, that
 *   1. every packet the ruleset permits, the ACL permits (nothing lost);
 *   2. every extra packet the ACL permits is one of the documented stateless reply gaps,
 *      computed here from the ruleset alone: for each allow rule S -> D, the reverse D -> S of
 *      its UDP, of echo-reply when it allows echo-request, and of its other named protocols;
 *   3. the replies of every permitted connection (TCP, UDP, echo, other protocols) pass.
 */
import { aclPolicy, parseAcls, type DialectId } from '../../src/backends/acl/index.js';
import { PacketUniverse, permittedSet, rulesetPolicy, type Policy } from '../../src/analysis/index.js';
import type { AclRule } from '../../src/analysis/policy.js';
import { intervals, type Ruleset, type ServiceEntry, type ServiceSet } from '../../src/ir/index.js';

export interface SwitchCheck {
  readonly errors: string;
  readonly lost?: string;
  readonly extra?: string;
  readonly noReply?: string;
  readonly gapUsed: boolean;
}

function gate(rules: AclRule[], label: string): Policy {
  return { label, opaqueRoles: [], gates: [{ name: label, scope: { kind: 'all' }, rules, fallback: 'deny', fallbackOrigin: { label, text: label } }] };
}

const svc = (entries: ServiceEntry[]): ServiceSet => ({ any: false, entries });

/** The documented extra packets of the reply entries, from the ruleset alone. */
export function replyGap(ir: Ruleset): Policy {
  const rules: AclRule[] = [];
  // Rules and allowing defaults (the defaults as rulesetPolicy writes them).
  for (const r of rulesetPolicy(ir, 'ruleset').gates[0]!.rules) {
    if (r.action !== 'allow') continue;
    const entries: ServiceEntry[] = [];
    const es = r.services.any ? [{ protocol: 17 }, { protocol: 1 }, { protocol: 58 }] : r.services.entries;
    for (const e of es) {
      if (e.protocol === 6) continue;
      if (e.protocol === 17) entries.push({ protocol: 17 });
      else if (e.protocol === 1 && (e.ports === undefined || intervals.contains(e.ports, 8))) entries.push({ protocol: 1, ports: [[0, 0]] });
      else if (e.protocol === 58 && (e.ports === undefined || intervals.contains(e.ports, 128))) entries.push({ protocol: 58, ports: [[129, 129]] });
      else if (e.protocol !== 1 && e.protocol !== 58) entries.push({ protocol: e.protocol });
    }
    if (entries.length > 0) rules.push({ action: 'allow', source: r.destination, destination: r.source, services: svc(entries), origin: r.origin });
  }
  return gate(rules, 'gap');
}

/** Connections that have replies: all but ICMP types other than echo-request. */
const NEEDS_REPLY: ServiceSet = svc(
  Array.from({ length: 256 }, (_, p) => (p === 1 ? { protocol: 1, ports: [[8, 8]] } : p === 58 ? { protocol: 58, ports: [[128, 128]] } : { protocol: p })) as ServiceEntry[],
);
/** With narrow-replies: only TCP, UDP and echo are promised replies. */
const NEEDS_REPLY_NARROW: ServiceSet = svc([{ protocol: 1, ports: [[8, 8]] }, { protocol: 6 }, { protocol: 17 }, { protocol: 58, ports: [[128, 128]] }]);

export function checkSwitch(ir: Ruleset, files: readonly { path: string; text: string }[], id: DialectId, narrow = false): SwitchCheck {
  const parsed = parseAcls(files, id);
  const errors = parsed.diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.message}`).join('\n');
  if (!parsed.acls) return { errors, gapUsed: false };
  const u = new PacketUniverse();
  const all = { v4: [[0, 0xffffffff]] as const, v6: [[0n, (1n << 128n) - 1n]] as const, opaque: [] };
  const want = permittedSet(u, rulesetPolicy(ir, 'ruleset')).permitted;
  // A network gate is judged on the packets it enforces: those that touch a role.
  const { permitted: opening, domain } = permittedSet(u, aclPolicy(parsed.acls, ir.roles, 'opening', id));
  const replies = permittedSet(u, aclPolicy(parsed.acls, ir.roles, 'reply', id)).permitted;
  const gap = permittedSet(u, replyGap(ir)).permitted;
  const needs = permittedSet(u, gate([{ action: 'allow', source: all, destination: all, services: narrow ? NEEDS_REPLY_NARROW : NEEDS_REPLY, origin: { label: 'n', text: 'n' } }], 'n')).permitted;
  const lost = want.intersect(domain).minus(opening).witness();
  const extraSet = opening.intersect(domain).minus(want);
  const extra = extraSet.minus(gap).witness();
  const noReply = want.intersect(needs).intersect(domain).minus(replies).witness();
  const show = (p: unknown): string => JSON.stringify(p, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
  const out: { -readonly [K in keyof SwitchCheck]: SwitchCheck[K] } = { errors, gapUsed: !extraSet.isEmpty() };
  if (lost) out.lost = show(lost);
  if (extra) out.extra = show(extra);
  if (noReply) out.noReply = show(noReply);
  return out;
}
