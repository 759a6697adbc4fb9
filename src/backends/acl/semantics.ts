/**
 * What an ACL means as a policy, in two views:
 *
 * - `opening`: the packets that open connections (what `diff` compares). TCP `established`
 *   entries match none of them (a first segment has no ACK); a permit with a source port
 *   matches a packet when some source port would, so the extra packets stateless reply entries
 *   admit are counted, never hidden.
 * - `reply`: the connections (source, destination, protocol, port or ICMP type, as opened)
 *   whose replies the ACL passes for every client port. An entry is read in reverse: its
 *   destination is the connection's source, its source ports are the connection's ports, and
 *   echo-reply answers echo-request. A permit that restricts the client's port counts as not
 *   matching and a deny as matching, so the view never claims more than is certain.
 *
 * Both are network gates over the packets that touch a role (all packets without roles),
 * with each family's implicit rules; a family without an ACL is unfiltered.
 */
import { emptySet, unionSets, universe, type AddressSet, type Family, type Role, type ServiceSet } from '../../ir/index.js';
import { cidrSet } from '../../ir/index.js';
import type { AclRule, Gate, Origin, Policy } from '../../analysis/policy.js';
import type { DialectId } from './dialect.js';
import { ECHO_REPLY, ECHO_REQUEST, ICMP, ICMPV6, type Acl, type AclAddress, type AclEntry } from './model.js';

const FAMILY_ALL: Readonly<Record<Family, AddressSet>> = {
  4: { v4: [[0, 0xffffffff]], v6: [], opaque: [] },
  6: { v4: [], v6: [[0n, (1n << 128n) - 1n]], opaque: [] },
};

const ANY_SERVICE: ServiceSet = { any: true, entries: [] };

/** A CIDR's set, parsed once per distinct CIDR (rules then share set objects, as the analysis expects). */
function addressesOf(): (a: AclAddress, family: Family) => AddressSet {
  const sets = new Map<string, AddressSet>();
  return (a, family) => {
    if (a.kind === 'any') return FAMILY_ALL[family];
    let set = sets.get(a.cidr);
    if (!set) sets.set(a.cidr, (set = cidrSet(a.cidr)));
    return set;
  };
}

const full = (r: readonly [number, number] | undefined): boolean => r === undefined || (r[0] === 0 && r[1] === 65535);

function openingServices(e: AclEntry): ServiceSet | undefined {
  if (e.established) return undefined;
  if (e.protocol === undefined) return ANY_SERVICE;
  if (e.icmpType !== undefined) return { any: false, entries: [{ protocol: e.protocol, ports: [[e.icmpType, e.icmpType]] }] };
  if (!full(e.destinationPorts)) return { any: false, entries: [{ protocol: e.protocol, ports: [e.destinationPorts!] }] };
  return { any: false, entries: [{ protocol: e.protocol }] };
}

function replyServices(e: AclEntry, family: Family): ServiceSet | undefined {
  // The reply's destination port is the client's: a permit must not restrict it, a deny may.
  if (e.action === 'allow' && !full(e.destinationPorts)) return undefined;
  if (e.protocol === undefined) return ANY_SERVICE;
  if (e.protocol === ICMP || e.protocol === ICMPV6) {
    if (e.icmpType === undefined) return { any: false, entries: [{ protocol: e.protocol }] };
    if (e.icmpType !== ECHO_REPLY[family]) return undefined;
    const req = ECHO_REQUEST[family];
    return { any: false, entries: [{ protocol: e.protocol, ports: [[req, req]] }] };
  }
  if (!full(e.sourcePorts)) return { any: false, entries: [{ protocol: e.protocol, ports: [e.sourcePorts!] }] };
  return { any: false, entries: [{ protocol: e.protocol }] };
}

/** Rules the platform appends to an IPv6 ACL (neighbour discovery), before its implicit deny. */
function implicitV6(id: DialectId): AclEntry[] {
  const types = id === 'cisco' ? [136, 135] : [136, 135, 134, 133];
  return types.map((t) => ({ kind: 'entry', action: 'allow', protocol: ICMPV6, source: { kind: 'any' }, destination: { kind: 'any' }, icmpType: t }));
}

/** An entry's origin, `NAME entry N`; the text is made only when output names the entry. */
class EntryOrigin implements Origin {
  constructor(
    readonly acl: string,
    /** The entry's number; undefined for the platform's implicit neighbour discovery. */
    readonly entry: number | undefined,
  ) {}

  get label(): string {
    return this.entry === undefined ? `${this.acl} implicit neighbour discovery` : `${this.acl} entry ${this.entry}`;
  }

  get text(): string {
    return this.label;
  }
}

/** One object per distinct service set, so a million entries hold a few hundred of them. */
function sharedServices(): (s: ServiceSet) => ServiceSet {
  const known = new Map<string, ServiceSet>();
  return (s) => {
    const key = s.any ? '*' : s.entries.map((e) => `${e.protocol}/${e.ports?.map(([a, b]) => `${a}-${b}`).join(',') ?? ''}`).join('+');
    const hit = known.get(key);
    if (hit) return hit;
    known.set(key, s);
    return s;
  };
}

export function aclRules(acl: Acl, view: 'opening' | 'reply', id: DialectId): AclRule[] {
  const entries = acl.lines.filter((l): l is AclEntry => l.kind === 'entry');
  // An empty ACL permits everything on the interface it is bound to.
  if (entries.length === 0) {
    return [{ action: 'allow', source: FAMILY_ALL[acl.family], destination: FAMILY_ALL[acl.family], services: ANY_SERVICE, origin: { label: `${acl.name} (empty)`, text: `empty ACL ${acl.name}` } }];
  }
  const all = acl.family === 6 ? [...entries, ...implicitV6(id)] : entries;
  const rules: AclRule[] = [];
  const addresses = addressesOf();
  const shared = sharedServices();
  all.forEach((e, i) => {
    const read = view === 'opening' ? openingServices(e) : replyServices(e, acl.family);
    if (!read) return;
    const services = shared(read);
    const src = addresses(e.source, acl.family);
    const dst = addresses(e.destination, acl.family);
    rules.push({
      action: e.action,
      source: view === 'opening' ? src : dst,
      destination: view === 'opening' ? dst : src,
      services,
      origin: new EntryOrigin(acl.name, i < entries.length ? i + 1 : undefined),
    });
  });
  return rules;
}

export function aclPolicy(acls: readonly Acl[], roles: readonly Role[] | undefined, view: 'opening' | 'reply', id: DialectId): Policy {
  const rules: AclRule[] = [];
  for (const family of [4, 6] as const) {
    const acl = acls.find((a) => a.family === family);
    if (acl) for (const r of aclRules(acl, view, id)) rules.push(r);
    else rules.push({ action: 'allow', source: FAMILY_ALL[family], destination: FAMILY_ALL[family], services: ANY_SERVICE, origin: { label: `no IPv${family} ACL`, text: `IPv${family} unfiltered` } });
  }
  const opaque = (roles ?? []).filter((r) => r.addresses === undefined).map((r) => r.name);
  const roleSet = (roles ?? []).reduce((acc, r) => unionSets(acc, r.addresses ?? { v4: [], v6: [], opaque: [r.name] }), emptySet);
  const gate = (name: string, scope: Gate['scope']): Gate => ({
    name,
    scope,
    rules,
    fallback: 'deny',
    fallbackOrigin: { label: 'implicit deny', text: 'implicit deny at the end of the ACL' },
  });
  const gates = roles === undefined ? [gate('acl', { kind: 'all' })] : [gate('acl to roles', { kind: 'destination', addresses: roleSet }), gate('acl from roles', { kind: 'source', addresses: roleSet })];
  void universe;
  return { label: '', gates, opaqueRoles: opaque };
}
