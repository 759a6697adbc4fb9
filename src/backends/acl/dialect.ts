/**
 * The three ACL dialects as data: header keywords, address and port notation, protocol and
 * ICMP type names, counters, and how an ACL is bound to an interface. Printer and reader both
 * use these tables, so what one writes the other reads.
 */
import type { Family } from '../../ir/index.js';

export type DialectId = 'cisco' | 'arista' | 'nxos';

export interface Dialect {
  readonly id: DialectId;
  /** `ip access-list extended` (IOS) or `ip access-list` (EOS, NX-OS). */
  readonly header: Readonly<Record<Family, string>>;
  /** IOS IPv4 uses wildcard masks; everything else prefixes. */
  readonly wildcard: Readonly<Record<Family, boolean>>;
  /** Per-entry counters line inside the ACL, if any. */
  readonly counters: string | undefined;
  /** What precedes a sequence number (IOS IPv6: `sequence`). */
  readonly sequenceWord: Readonly<Record<Family, string>>;
  /** Remarks carry sequence numbers (EOS, NX-OS), or stand unnumbered (IOS). */
  readonly numberedRemarks: boolean;
  /** Binding command on an interface, per family. */
  readonly bind: Readonly<Record<Family, string>>;
  /** Name of ICMPv6 as a protocol keyword in an IPv6 ACL. */
  readonly icmpv6: string;
  readonly indent: string;
  readonly comment: string;
}

export const dialects: Readonly<Record<DialectId, Dialect>> = {
  cisco: {
    id: 'cisco',
    header: { 4: 'ip access-list extended', 6: 'ipv6 access-list' },
    wildcard: { 4: true, 6: false },
    counters: undefined,
    sequenceWord: { 4: '', 6: 'sequence ' },
    numberedRemarks: false,
    bind: { 4: 'ip access-group', 6: 'ipv6 traffic-filter' },
    icmpv6: 'icmp',
    indent: ' ',
    comment: '!',
  },
  arista: {
    id: 'arista',
    header: { 4: 'ip access-list', 6: 'ipv6 access-list' },
    wildcard: { 4: false, 6: false },
    counters: 'counters per-entry',
    sequenceWord: { 4: '', 6: '' },
    numberedRemarks: true,
    bind: { 4: 'ip access-group', 6: 'ipv6 access-group' },
    icmpv6: 'icmpv6',
    indent: '   ',
    comment: '!',
  },
  nxos: {
    id: 'nxos',
    header: { 4: 'ip access-list', 6: 'ipv6 access-list' },
    wildcard: { 4: false, 6: false },
    counters: 'statistics per-entry',
    sequenceWord: { 4: '', 6: '' },
    numberedRemarks: true,
    bind: { 4: 'ip access-group', 6: 'ipv6 traffic-filter' },
    icmpv6: 'icmp',
    indent: '  ',
    comment: '!',
  },
};

/** Protocol keywords written for IPv4/IPv6 (others are numbers). */
export const protocolWords: Readonly<Record<string, number>> = { tcp: 6, udp: 17, icmp: 1, gre: 47, esp: 50, ahp: 51 };

/** IOS/EOS/NX-OS ICMP type keywords (IPv4). */
export const icmpWords: Readonly<Record<string, number>> = {
  'echo-reply': 0,
  unreachable: 3,
  'source-quench': 4,
  redirect: 5,
  'alternate-address': 6,
  echo: 8,
  'router-advertisement': 9,
  'router-solicitation': 10,
  'time-exceeded': 11,
  'parameter-problem': 12,
  'timestamp-request': 13,
  'timestamp-reply': 14,
  'information-request': 15,
  'information-reply': 16,
  'mask-request': 17,
  'mask-reply': 18,
  'conversion-error': 31,
  'mobile-redirect': 32,
};

/** ICMPv6 type keywords. */
export const icmpv6Words: Readonly<Record<string, number>> = {
  unreachable: 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'parameter-problem': 4,
  'echo-request': 128,
  'echo-reply': 129,
  'router-solicitation': 133,
  'router-advertisement': 134,
  'nd-ns': 135,
  'nd-na': 136,
  redirect: 137,
};

/** Port keywords the reader accepts (IOS/EOS names; Capirca's Arista output uses them). */
export const portWords: Readonly<Record<string, number>> = {
  bgp: 179, bootpc: 68, bootps: 67, domain: 53, echo: 7, ftp: 21, 'ftp-data': 20, https: 443, isakmp: 500,
  ldap: 389, ntp: 123, pop3: 110, smtp: 25, snmp: 161, snmptrap: 162, ssh: 22, syslog: 514, tacacs: 49,
  telnet: 23, tftp: 69, www: 80, 'non500-isakmp': 4500,
};

/** Each table read backwards (value → its first word), built on first use. */
const reversed = new WeakMap<Readonly<Record<string, number>>, ReadonlyMap<number, string>>();

export function wordFor(table: Readonly<Record<string, number>>, n: number): string | undefined {
  let words = reversed.get(table);
  if (!words) {
    const map = new Map<number, string>();
    for (const [word, value] of Object.entries(table)) if (!map.has(value)) map.set(value, word);
    reversed.set(table, (words = map));
  }
  return words.get(n);
}
