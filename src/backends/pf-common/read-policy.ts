/**
 * Rules read from pfSense or OPNsense XML → a policy for `palisade diff`.
 *
 * The firewall model (docs/targets/pfsense.md): the rules of one interface (or interface group)
 * judge every packet that enters it, first match (`quick`), then pf's implicit default deny.
 * Replies pass by state. A ruleset means the same on the packets that touch one of its roles
 * (LANGUAGE.md "Meaning", network targets), so when the other side of the diff is a ruleset the
 * policy has two gates, for packets from and to its roles; otherwise one gate over all packets.
 */
import { error, SourceFile, type Diagnostic, type Span } from '../../diagnostics/index.js';
import type { ArtifactFile, ReadContext, ReadResult } from '../types.js';
import {
  emptySet,
  intersectSets,
  subtractSets,
  unionSets,
  universe,
  type Action,
  type AddressSet,
  type Role,
  type ServiceEntry,
  type ServiceSet,
} from '../../ir/index.js';
import { normalize, type Range } from '../../ir/intervals.js';
import type { AclRule, Gate, Policy } from '../../analysis/policy.js';
import { invalid, opaqueInFamily, ReadFailure, unsupported, type ReadEnv } from './read-env.js';
import { PF_PORT_PROTOCOLS, protocolNumber } from './protocols.js';

/** One side of a rule as written: values (`any`, aliases, addresses, or interface networks). */
export interface RawEnd {
  readonly values: readonly { readonly kind: 'address' | 'network'; readonly value: string }[];
  readonly not: boolean;
  readonly port?: string;
}

export interface RawRule {
  readonly action: 'pass' | 'block' | 'reject';
  readonly family: 'inet' | 'inet6' | 'inet46';
  /** Lower-case pf word (`tcp`, `tcp/udp`, `icmp`...), undefined for any. */
  readonly protocol?: string;
  /** ICMP types as numbers of the rule's family (ICMP for inet, ICMPv6 for inet6). */
  readonly icmpTypes?: readonly number[];
  readonly source: RawEnd;
  readonly destination: RawEnd;
  readonly label: string;
  readonly text: string;
  readonly span: Span | undefined;
}

const FAMILY_SETS: Record<4 | 6, AddressSet> = {
  4: { v4: [[0, 0xffffffff]], v6: [], opaque: [] },
  6: { v4: [], v6: [[0n, (1n << 128n) - 1n]], opaque: [] },
};

function endAddresses(end: RawEnd, env: ReadEnv, span: Span | undefined): AddressSet {
  let set = emptySet;
  for (const v of end.values) set = unionSets(set, v.kind === 'network' ? env.network(v.value, span) : env.address(v.value, span));
  if (!end.not) return set;
  if (set.opaque.length > 0) return unsupported(span, `a negated ("not") interface address that is dynamic (${set.opaque.join(', ')})`);
  return subtractSets(universe([]), set);
}

/** The rule's AclRules: one per address family it applies to. */
export function aclRules(rule: RawRule, env: ReadEnv): AclRule[] {
  const span = rule.span;
  if (rule.source.port !== undefined) unsupported(span, 'a source port');
  const source = endAddresses(rule.source, env, span);
  const destination = endAddresses(rule.destination, env, span);
  const ports = rule.destination.port !== undefined ? env.ports(rule.destination.port, span) : undefined;
  if (ports && !(rule.protocol !== undefined && PF_PORT_PROTOCOLS.has(rule.protocol))) {
    invalid(span, `a destination port with protocol ${rule.protocol ?? 'any'}: ports need tcp, udp, tcp/udp or sctp`);
  }
  const action: Action = rule.action === 'pass' ? 'allow' : 'deny';
  const families = rule.family === 'inet46' ? ([4, 6] as const) : rule.family === 'inet6' ? ([6] as const) : ([4] as const);
  return families.map((family) => {
    // Opaque endpoints: a dynamic interface address stays in its own family; `(self)` in both.
    const only = (set: AddressSet): AddressSet =>
      unionSets(intersectSets(set, FAMILY_SETS[family]), { v4: [], v6: [], opaque: set.opaque.filter((n) => opaqueInFamily(n, family)) });
    return {
      action,
      source: only(source),
      destination: only(destination),
      services: services(rule, family, ports),
      origin: { label: rule.label, text: rule.text, ...(span ? { span } : {}) },
    };
  });
}

function services(rule: RawRule, family: 4 | 6, ports: Range<number>[] | undefined): ServiceSet {
  if (rule.protocol === undefined) return { any: true, entries: [] };
  const words = rule.protocol === 'tcp/udp' ? ['tcp', 'udp'] : [rule.protocol];
  const entries: ServiceEntry[] = words.map((w) => {
    const protocol = protocolNumber(w, family);
    if (protocol === undefined) return unsupported(rule.span, `protocol ${JSON.stringify(w)}`);
    if ((protocol === 1 || protocol === 58) && rule.icmpTypes) {
      return { protocol, ports: normalize(rule.icmpTypes.map((t): Range<number> => [t, t])) };
    }
    return ports ? { protocol, ports } : { protocol };
  });
  return { any: false, entries: entries.sort((a, b) => a.protocol - b.protocol) };
}

/** The policy of one interface's rules, scoped to the roles of the other side when given. */
export function interfacePolicy(rules: readonly AclRule[], roles: readonly Role[] | undefined, fallbackSpan: Span | undefined, what: string): Policy {
  const fallbackOrigin = { label: `${what} default deny`, text: `${what}: block what no rule passes (pf's implicit default deny)`, ...(fallbackSpan ? { span: fallbackSpan } : {}) };
  const roleSet = (roles ?? []).reduce((acc, r) => unionSets(acc, r.addresses ?? { v4: [], v6: [], opaque: [r.name] }), emptySet);
  const opaqueRoles = [...new Set(rules.flatMap((r) => [...r.source.opaque, ...r.destination.opaque]))].sort();
  const gate = (name: string, scope: Gate['scope']): Gate => ({ name, scope, rules, fallback: 'deny', fallbackOrigin });
  if (!roles) return { label: '', opaqueRoles, gates: [gate(what, { kind: 'all' })] };
  return {
    label: '',
    opaqueRoles,
    gates: [
      gate(`${what} (from a role)`, { kind: 'source', addresses: roleSet }),
      gate(`${what} (to a role)`, { kind: 'destination', addresses: roleSet }),
    ],
  };
}

/**
 * A reader over several files: each file's rules in file order, then the interface policy;
 * a file that fails is a positioned error (PAL6004 malformed, PAL6005 not modelled).
 */
export function readFiles(
  files: readonly ArtifactFile[],
  context: ReadContext,
  target: string,
  readFile: (source: SourceFile) => readonly AclRule[],
): ReadResult {
  const diagnostics: Diagnostic[] = [];
  const rules: AclRule[] = [];
  let fallbackSpan;
  for (const file of files) {
    const source = new SourceFile(file.path, file.text);
    fallbackSpan ??= source.span(0, 0);
    try {
      for (const rule of readFile(source)) rules.push(rule);
    } catch (e) {
      if (!(e instanceof ReadFailure)) throw e;
      diagnostics.push(error(e.kind === 'invalid' ? 'PAL6004' : 'PAL6005', e.span ?? source.span(0, 0), target, e.why));
    }
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { policy: interfacePolicy(rules, context.roles, fallbackSpan, target), diagnostics };
}
