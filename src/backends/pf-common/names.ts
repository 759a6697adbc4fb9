/**
 * Alias names valid in both products: pfSense's `is_validaliasname` and OPNsense's
 * `AliasNameField` (reference pfsense-opnsense.md §2). A name is `[A-Za-z0-9_]`, at most 31
 * characters (pf's table-name limit), starts with a letter, and is not a pf keyword, a reserved
 * table, a protocol or service name, or an interface name (compared case-insensitively, which is
 * stricter than either product).
 */
import { createHash } from 'node:crypto';

export const MAX_ALIAS_NAME = 31;

const OPNSENSE_NAME = /^([a-zA-Z]|(([_a-zA-Z][a-zA-Z0-9]|[a-zA-Z][_a-zA-Z0-9])[_a-zA-Z0-9]{0,29}))$/;

// pfSense globals.inc $pf_reserved_keywords and OPNsense AliasNameField's list.
const PF_KEYWORDS = `all allow-opts altq anchor antispoof any bandwidth binat binat-anchor bitmask block block-policy
borrow cbq code codelq crop debug default drop drop-ovl dup-to fairq fastroute file fingerprints flags for fragment
from group hfsc hostid icmp-type icmp6-type if-bound in inet inet6 keep label limit linkshare load log loginterface
match max max-mss max-src-conn max-src-conn-rate max-src-nodes max-src-states min-ttl modulate nat nat-anchor no
no-df no-route no-sync on optimization os out overload pass port prio priority priq probability proto qlimit queue
quick random random-id rdr rdr-anchor realtime reassemble reject reply-to require-order return return-icmp
return-icmp6 return-rst round-robin route route-to rule ruleset-optimization scrub self set skip sloppy source-hash
source-track state state-policy static-port sticky-address synproxy table tag tagged tbrsize timeout to tos ttl
upperlimit urpf-failed user`;

const RESERVED_TABLES = 'bogons bogonsv6 sshguard snort2c virusprot vpn_networks negate_networks tonatsubnets sshlockout';

// Protocol names (/etc/protocols aliases the products check with getprotobyname) and the
// common tcp/udp service names (getservbyname).
const PROTOCOLS = 'ip icmp igmp ggp ipencap st tcp egp pup udp hmp xns-idp rdp iso-tp4 xtp ddp idpr-cmtp ipv6 ipv6-route ipv6-frag idrp rsvp gre esp ah skip ipv6-icmp ipv6-nonxt ipv6-opts rspf vmtp ospf ipip etherip encap pim ipcomp vrrp l2tp isis sctp fc carp pfsync divert';
const SERVICES = 'ftp ftp-data ssh telnet smtp domain dns http https www pop3 imap imaps pop3s ntp snmp snmptrap ldap ldaps syslog tftp bootps bootpc kerberos nfs sunrpc rsync mysql postgresql ms-sql-s rdp sip isakmp ipsec-nat-t openvpn radius submission netbios-ns netbios-dgm netbios-ssn microsoft-ds';

const RESERVED = new Set(
  [PF_KEYWORDS, RESERVED_TABLES, PROTOCOLS, SERVICES]
    .join(' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase()),
);

const INTERFACE_NAME = /^(wan|lan|opt\d+|lo\d*|enc0|openvpn|ipsec|wireguard|any)(ip|__network)?$/i;

/** Why a name is not a valid alias name, or undefined when it is one. */
export function aliasNameProblem(name: string): string | undefined {
  if (name.length > MAX_ALIAS_NAME) return `it is longer than ${MAX_ALIAS_NAME} characters`;
  if (!OPNSENSE_NAME.test(name) || !/^[A-Za-z]/.test(name)) {
    return 'an alias name is letters, digits and "_", starting with a letter';
  }
  if (RESERVED.has(name.toLowerCase())) return 'it is a pf keyword, a reserved table, or a protocol or service name';
  if (INTERFACE_NAME.test(name)) return 'it is an interface name';
  if (/^(pkg_|cpzoneid_)/i.test(name)) return 'names starting with pkg_ or cpzoneid_ are reserved';
  return undefined;
}

/** Six hex digits of a name's SHA-1: a short, stable disambiguator. */
export function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 6).toUpperCase();
}

/**
 * The alias name for a palisade name: `prefix` + the name in UPPER_SNAKE + `suffix`. A name
 * that would be too long keeps its start and gets a hash of the whole, so it stays unique.
 */
export function aliasName(prefix: string, name: string, suffix = ''): string {
  const base = `${prefix}${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  if (base.length + suffix.length <= MAX_ALIAS_NAME) return `${base}${suffix}`;
  const hash = `_${shortHash(`${prefix}${name}`)}`;
  return `${base.slice(0, MAX_ALIAS_NAME - suffix.length - hash.length)}${hash}${suffix}`;
}
