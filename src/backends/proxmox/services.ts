/**
 * Services in Proxmox's words: protocol names from /etc/protocols, `dport` lists of `N` and `N:M`
 * with at most 15 "numbers" per rule (a range counts 2), and one ICMP type name per rule (PVE
 * accepts only names, from its own tables). Used by the lowering and by the readers.
 */
import type { Range } from '../../ir/intervals.js';

/** The names PVE's /etc/protocols knows for the protocols it is asked about (Debian netbase). */
export const PROTOCOL_NAMES: Readonly<Record<number, string>> = {
  0: 'hopopt', 1: 'icmp', 2: 'igmp', 3: 'ggp', 4: 'ipencap', 5: 'st', 6: 'tcp', 8: 'egp', 9: 'igp', 12: 'pup',
  17: 'udp', 20: 'hmp', 22: 'xns-idp', 27: 'rdp', 29: 'iso-tp4', 33: 'dccp', 36: 'xtp', 37: 'ddp', 38: 'idpr-cmtp',
  41: 'ipv6', 43: 'ipv6-route', 44: 'ipv6-frag', 45: 'idrp', 46: 'rsvp', 47: 'gre', 50: 'esp', 51: 'ah', 57: 'skip',
  58: 'ipv6-icmp', 59: 'ipv6-nonxt', 60: 'ipv6-opts', 73: 'rspf', 81: 'vmtp', 88: 'eigrp', 89: 'ospf', 93: 'ax.25',
  94: 'ipip', 97: 'etherip', 98: 'encap', 103: 'pim', 108: 'ipcomp', 112: 'vrrp', 115: 'l2tp', 124: 'isis',
  132: 'sctp', 133: 'fc', 135: 'mobility-header', 136: 'udplite', 137: 'mpls-in-ip', 138: 'manet', 139: 'hip',
  140: 'shim6', 141: 'wesp', 142: 'rohc', 143: 'ethernet',
};

/** Extra spellings PVE accepts besides the /etc/protocols names. */
const PROTOCOL_ALIASES: Readonly<Record<string, number>> = { icmpv6: 58, ip: 0 };

/** Protocols that take a `dport` (PVE's list: tcp, udp, udplite, dccp, sctp). */
export const DPORT_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 33, 132, 136]);

/** ICMP type names PVE accepts that stand for a whole type (every code), by type number. */
export const PVE_ICMP_TYPES: Readonly<Record<number, Readonly<Record<string, number>>>> = {
  1: {
    'echo-reply': 0, 'destination-unreachable': 3, 'source-quench': 4, redirect: 5, 'echo-request': 8,
    'router-advertisement': 9, 'router-solicitation': 10, 'time-exceeded': 11, 'parameter-problem': 12,
    'timestamp-request': 13, 'timestamp-reply': 14, 'address-mask-request': 17, 'address-mask-reply': 18,
  },
  58: {
    'destination-unreachable': 1, 'packet-too-big': 2, 'time-exceeded': 3, 'parameter-problem': 4,
    'echo-request': 128, 'echo-reply': 129, 'router-solicitation': 133, 'router-advertisement': 134,
    'neighbour-solicitation': 135, 'neighbor-solicitation': 135, 'neighbour-advertisement': 136,
    'neighbor-advertisement': 136, redirect: 137,
  },
};

/** The protocol field palisade writes: the /etc/protocols name (`icmpv6` for 58). */
export function protocolField(n: number): string | undefined {
  return n === 58 ? 'icmpv6' : PROTOCOL_NAMES[n];
}

/** A protocol field back to its number (names or numbers, as PVE accepts them). */
export function protocolNumber(text: string): number | undefined {
  const t = text.toLowerCase();
  if (/^\d+$/.test(t)) return Number(t) <= 255 && PROTOCOL_NAMES[Number(t)] !== undefined ? Number(t) : undefined;
  if (Object.hasOwn(PROTOCOL_ALIASES, t)) return PROTOCOL_ALIASES[t];
  const hit = Object.entries(PROTOCOL_NAMES).find(([, name]) => name === t);
  return hit ? Number(hit[0]) : undefined;
}

/** The type name PVE knows for an ICMP(v6) type; the first spelling when there are two. */
export function icmpTypeField(protocol: number, type: number): string | undefined {
  const table = PVE_ICMP_TYPES[protocol] ?? {};
  return Object.keys(table).find((k) => table[k] === type);
}

/** Port ranges as `dport` values of at most 15 numbers each (a range counts 2). */
export function dportChunks(ranges: readonly Range<number>[]): string[] {
  const chunks: string[] = [];
  let items: string[] = [];
  let count = 0;
  for (const [lo, hi] of ranges) {
    const weight = lo === hi ? 1 : 2;
    if (count + weight > 15) {
      chunks.push(items.join(','));
      items = [];
      count = 0;
    }
    items.push(lo === hi ? String(lo) : `${lo}:${hi}`);
    count += weight;
  }
  if (items.length > 0) chunks.push(items.join(','));
  return chunks;
}

/** A `dport`/`sport` value back to ranges; undefined when it is not PVE's syntax or over 15 numbers. */
export function parsePorts(text: string): Range<number>[] | undefined {
  const out: Range<number>[] = [];
  let count = 0;
  for (const item of text.split(',')) {
    const m = /^(\d+)(?::(\d+))?$/.exec(item);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > 65535 || hi > 65535 || lo > hi) return undefined;
    count += m[2] === undefined ? 1 : 2;
    out.push([lo, hi]);
  }
  return count <= 15 ? out : undefined;
}
