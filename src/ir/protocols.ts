/**
 * IP protocols and ICMP types the language names. Type names are nftables' (`nft describe icmp
 * type`, `icmpv6 type`), the vocabulary Linux users already know.
 */
export const protocolNumbers = {
  icmp: 1,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  sctp: 132,
} as const;

export type ProtocolName = keyof typeof protocolNumbers;

const byNumber = new Map<number, ProtocolName>(
  Object.entries(protocolNumbers).map(([name, n]) => [n, name as ProtocolName]),
);

/** The language's name for a protocol number (`tcp`), or `proto/N` for others. */
export function protocolLabel(n: number): string {
  return byNumber.get(n) ?? `proto/${n}`;
}

export function protocolName(n: number): ProtocolName | undefined {
  return byNumber.get(n);
}

/** Protocols whose packets carry a destination port. */
export const PORT_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 132]);
/** Protocols whose packets carry a type (ICMP and ICMPv6). */
export const TYPE_PROTOCOLS: ReadonlySet<number> = new Set([1, 58]);

/** The family a protocol belongs to, when it belongs to one. */
export function protocolFamily(n: number): 4 | 6 | undefined {
  return n === 1 ? 4 : n === 58 ? 6 : undefined;
}

export const icmpTypes: Readonly<Record<string, number>> = {
  'echo-reply': 0,
  'destination-unreachable': 3,
  'source-quench': 4,
  redirect: 5,
  'echo-request': 8,
  'router-advertisement': 9,
  'router-solicitation': 10,
  'time-exceeded': 11,
  'parameter-problem': 12,
  'timestamp-request': 13,
  'timestamp-reply': 14,
  'info-request': 15,
  'info-reply': 16,
  'address-mask-request': 17,
  'address-mask-reply': 18,
};

export const icmpv6Types: Readonly<Record<string, number>> = {
  'destination-unreachable': 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'parameter-problem': 4,
  'echo-request': 128,
  'echo-reply': 129,
  'mld-listener-query': 130,
  'mld-listener-report': 131,
  'mld-listener-done': 132,
  'nd-router-solicit': 133,
  'nd-router-advert': 134,
  'nd-neighbor-solicit': 135,
  'nd-neighbor-advert': 136,
  'nd-redirect': 137,
  'router-renumbering': 138,
  'ind-neighbor-solicit': 141,
  'ind-neighbor-advert': 142,
  'mld2-listener-report': 143,
};

export function icmpTypeTable(protocol: number): Readonly<Record<string, number>> {
  return protocol === 58 ? icmpv6Types : icmpTypes;
}

/** The name of an ICMP/ICMPv6 type number, if it has one. */
export function icmpTypeName(protocol: number, type: number): string | undefined {
  const table = icmpTypeTable(protocol);
  return Object.keys(table).find((k) => table[k] === type);
}
