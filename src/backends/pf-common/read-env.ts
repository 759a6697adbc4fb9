/**
 * What a pfSense or OPNsense rule's words mean, for the readers: alias tables (network and
 * port aliases, nested), interface networks (`lan`, `lanip`, from a full config.xml's
 * `<interfaces>`), literal addresses and ports. Anything that cannot be resolved to exact
 * addresses or ports (an FQDN or URL alias, an unknown name) is an error, never a guess.
 * Interface addresses that are dynamic (DHCP, track6, SLAAC) and `(self)` become opaque
 * endpoints: sets of addresses the file does not fix, disjoint from every literal address.
 */
import type { Span } from '../../diagnostics/index.js';
import { emptySet, opaqueSet, parseAddress, parseCidr, rangeSet, unionSets, type AddressSet } from '../../ir/index.js';
import { normalize, type Range } from '../../ir/intervals.js';

export class ReadFailure extends Error {
  constructor(
    readonly kind: 'invalid' | 'unsupported',
    readonly span: Span | undefined,
    readonly why: string,
  ) {
    super(why);
  }
}

export const invalid = (span: Span | undefined, why: string): never => {
  throw new ReadFailure('invalid', span, why);
};
export const unsupported = (span: Span | undefined, what: string): never => {
  throw new ReadFailure('unsupported', span, what);
};

export interface ReadAlias {
  readonly name: string;
  readonly type: string;
  readonly entries: readonly string[];
  readonly span: Span | undefined;
}

export interface InterfaceAddress {
  /** `ipaddr`/`subnet` (or the v6 pair) as written; a non-address means dynamic. */
  readonly v4?: { readonly address: string; readonly prefix: string };
  readonly v6?: { readonly address: string; readonly prefix: string };
}

// Well-known service names the products accept in port fields (getservbyname, tcp/udp).
const SERVICE_PORTS: Readonly<Record<string, number>> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, http: 80, www: 80, pop3: 110, ntp: 123, imap: 143,
  snmp: 161, ldap: 389, https: 443, submission: 587, ldaps: 636, imaps: 993, pop3s: 995, openvpn: 1194,
};

export class ReadEnv {
  /** Address fields already resolved: rules repeat a few aliases and networks many times. */
  readonly #addresses = new Map<string, AddressSet>();

  constructor(
    readonly aliases: ReadonlyMap<string, ReadAlias>,
    readonly interfaces: ReadonlyMap<string, InterfaceAddress>,
  ) {}

  /** An address field value: `any`, an alias, an address or CIDR, an address range `a-b`. */
  address(value: string, span: Span | undefined, seen: readonly string[] = []): AddressSet {
    if (seen.length > 0) return this.#resolve(value, span, seen);
    let set = this.#addresses.get(value);
    if (!set) this.#addresses.set(value, (set = this.#resolve(value, span, seen)));
    return set;
  }

  #resolve(value: string, span: Span | undefined, seen: readonly string[]): AddressSet {
    const v = value.trim();
    if (v === 'any') return { v4: [[0, 0xffffffff]], v6: [[0n, (1n << 128n) - 1n]], opaque: [] };
    const literal = literalAddress(v);
    if (literal) return literal;
    const alias = this.aliases.get(v);
    if (alias) {
      if (seen.includes(v)) return invalid(alias.span, `alias ${JSON.stringify(v)} contains itself (${[...seen, v].join(' -> ')})`);
      if (alias.type !== 'host' && alias.type !== 'network') {
        return unsupported(alias.span ?? span, `a ${JSON.stringify(alias.type)} alias (${v}) in an address field`);
      }
      return alias.entries.reduce((acc, e) => unionSets(acc, this.aliasEntry(e, alias, [...seen, v])), emptySet);
    }
    return invalid(span, `${JSON.stringify(v)} is neither an address nor a defined alias`);
  }

  private aliasEntry(entry: string, alias: ReadAlias, seen: readonly string[]): AddressSet {
    const literal = literalAddress(entry);
    if (literal) return literal;
    if (this.aliases.has(entry)) return this.address(entry, alias.span, seen);
    return unsupported(alias.span, `the entry ${JSON.stringify(entry)} of alias ${JSON.stringify(alias.name)} (a host name or unknown alias)`);
  }

  /** An interface network (`lan`), address (`lanip`), or `(self)`. */
  network(value: string, span: Span | undefined): AddressSet {
    if (value === '(self)' || value === 'self') return opaqueSet('(self)');
    const ip = value.endsWith('ip');
    const name = ip ? value.slice(0, -2) : value;
    const iface = this.interfaces.get(name) ?? (ip ? undefined : this.interfaces.get(value));
    if (!iface) return invalid(span, `network ${JSON.stringify(value)} names no interface of this file`);
    let set = emptySet;
    for (const [family, pair] of [['IPv4', iface.v4], ['IPv6', iface.v6]] as const) {
      if (!pair || pair.address === '') continue;
      const address = parseAddress(pair.address);
      const prefix = Number(pair.prefix);
      if (!address || (!ip && !(prefix >= 0))) {
        set = unionSets(set, opaqueSet(dynamicName(value, family === 'IPv4' ? 4 : 6)));
        continue;
      }
      set = unionSets(set, literalAddress(ip ? pair.address : `${pair.address}/${prefix}`)!);
    }
    return set;
  }

  /** A port field: a port, a range `a-b` (or `a:b`), a port alias, or a service name. */
  ports(value: string, span: Span | undefined, seen: readonly string[] = []): Range<number>[] {
    const out: Range<number>[] = [];
    for (const part of value.split(/[\s,]+/).filter(Boolean)) {
      const range = /^(\d+)(?:[-:](\d+))?$/.exec(part);
      if (range) {
        const lo = Number(range[1]);
        const hi = range[2] !== undefined ? Number(range[2]) : lo;
        if (lo < 1 || hi > 65535 || lo > hi) return invalid(span, `port ${JSON.stringify(part)} is not a port or range of ports 1-65535`);
        out.push([lo, hi]);
        continue;
      }
      const alias = this.aliases.get(part);
      if (alias) {
        if (alias.type !== 'port') return unsupported(alias.span ?? span, `a ${JSON.stringify(alias.type)} alias (${part}) in a port field`);
        if (seen.includes(part)) return invalid(alias.span, `alias ${JSON.stringify(part)} contains itself`);
        for (const e of alias.entries) out.push(...this.ports(e, alias.span ?? span, [...seen, part]));
        continue;
      }
      const service = SERVICE_PORTS[part.toLowerCase()];
      if (service === undefined) return invalid(span, `${JSON.stringify(part)} is not a port, a port range, a port alias or a known service name`);
      out.push([service, service]);
    }
    if (out.length === 0) return invalid(span, 'an empty port field');
    return [...normalize(out)];
  }
}

/** The opaque endpoint of an interface address the file does not fix, in one family. */
export function dynamicName(value: string, family: 4 | 6): string {
  return `${value} (IPv${family}, dynamic)`;
}

/** Whether an opaque endpoint can be an address of the family (interface addresses have one). */
export function opaqueInFamily(name: string, family: 4 | 6): boolean {
  return !name.endsWith(`(IPv${family === 4 ? 6 : 4}, dynamic)`);
}

/** An address, a CIDR (host bits ignored, as pf does) or an address range `a-b`. */
export function literalAddress(text: string): AddressSet | undefined {
  const dash = text.indexOf('-');
  if (dash > 0 && !text.includes('/')) {
    const lo = parseAddress(text.slice(0, dash));
    const hi = parseAddress(text.slice(dash + 1));
    if (lo && hi && lo.family === hi.family && lo.value <= hi.value) return rangeSet(lo.family, lo.value, hi.value);
    return undefined;
  }
  const slash = text.indexOf('/');
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const bits = address.family === 4 ? 32 : 128;
  const prefix = slash < 0 ? bits : /^\d+$/.test(text.slice(slash + 1)) ? Number(text.slice(slash + 1)) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  const { range } = parseCidr(`${text.slice(0, slash < 0 ? text.length : slash)}/${prefix}`);
  return rangeSet(address.family, range[0], range[1]);
}
