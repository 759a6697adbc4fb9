/**
 * The protocols and ICMP types pfSense and OPNsense rules can name. Protocols are pfSense's list
 * (globals.inc): a protocol outside it cannot be written in a rule. ICMP type names are pf's
 * (`icmp-type echoreq`), the option keys of OPNsense Filter.xml's `icmptype`; ICMPv6 types are
 * pf's `icmp6-type` names, whose numbers are the option values of Filter.xml's `icmp6type`.
 */

/** pfSense's lower-case protocol words by IP protocol number (ICMPv6 is `icmp` with inet6). */
export const PF_PROTOCOLS: ReadonlyMap<number, string> = new Map([
  [1, 'icmp'],
  [2, 'igmp'],
  [6, 'tcp'],
  [17, 'udp'],
  [41, 'ipv6'],
  [47, 'gre'],
  [50, 'esp'],
  [51, 'ah'],
  [58, 'icmp'],
  [89, 'ospf'],
  [97, 'etherip'],
  [103, 'pim'],
  [112, 'carp'],
  [132, 'sctp'],
  [240, 'pfsync'],
]);

/** Protocols whose rules may carry a destination port in pfSense. */
export const PF_PORT_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'tcp/udp', 'sctp']);

export const ICMP4_TYPES: ReadonlyMap<string, number> = new Map([
  ['echorep', 0],
  ['unreach', 3],
  ['squench', 4],
  ['redir', 5],
  ['althost', 6],
  ['echoreq', 8],
  ['routeradv', 9],
  ['routersol', 10],
  ['timex', 11],
  ['paramprob', 12],
  ['timereq', 13],
  ['timerep', 14],
  ['inforeq', 15],
  ['inforep', 16],
  ['maskreq', 17],
  ['maskrep', 18],
  ['trace', 30],
  ['dataconv', 31],
  ['mobredir', 32],
  ['ipv6-where', 33],
  ['ipv6-here', 34],
  ['mobregreq', 35],
  ['mobregrep', 36],
  ['skip', 39],
  ['photuris', 40],
]);

export const ICMP6_TYPES: ReadonlyMap<string, number> = new Map([
  ['unreach', 1],
  ['toobig', 2],
  ['timex', 3],
  ['paramprob', 4],
  ['echoreq', 128],
  ['echorep', 129],
  ['listqry', 130],
  ['listenrep', 131],
  ['listendone', 132],
  ['routersol', 133],
  ['routeradv', 134],
  ['neighbrsol', 135],
  ['neighbradv', 136],
  ['redir', 137],
  ['routrrenum', 138],
  ['niqry', 139],
  ['nirep', 140],
  ['mtraceresp', 200],
  ['mtrace', 201],
]);

/** The ICMP type table of a family: ICMP for inet, ICMPv6 for inet6. */
export function icmpTable(family: 4 | 6): ReadonlyMap<string, number> {
  return family === 4 ? ICMP4_TYPES : ICMP6_TYPES;
}

/** pf's name of an ICMP type, if the products can write it. */
export function icmpTypeWord(family: 4 | 6, type: number): string | undefined {
  for (const [name, n] of icmpTable(family)) if (n === type) return name;
  return undefined;
}

/** The IP protocol number of a pfSense protocol word in a family (`icmp` is 58 with inet6). */
export function protocolNumber(word: string, family: 4 | 6): number | undefined {
  if (word === 'icmp') return family === 6 ? 58 : 1;
  if (word === 'ipv6-icmp' || word === 'icmp6') return 58;
  for (const [n, w] of PF_PROTOCOLS) if (w === word) return n;
  return undefined;
}
