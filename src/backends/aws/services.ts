/**
 * Protocols and ports between palisade's service sets and EC2's (IpProtocol, FromPort, ToPort)
 * conventions, both ways: `-1` is every protocol (no ports); tcp and udp carry a port range
 * (0-65535 is all of them); icmp and icmpv6 carry the type in FromPort and the code in ToPort
 * (-1 for all); any other protocol number matches all of its packets (written with -1/-1,
 * which EC2 accepts and ignores; Terraform leaves them out).
 */
import { protocolName, type ServiceSet } from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';

export const ALL_SERVICES: ServiceSet = { any: true, entries: [] };

/** IpProtocol for a protocol number: AWS's names for the four it names, the number otherwise. */
export function ipProtocol(protocol: number): string {
  const name = protocolName(protocol);
  return name === 'tcp' || name === 'udp' || name === 'icmp' || name === 'icmpv6' ? name : String(protocol);
}

const NAMED: Readonly<Record<string, number>> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

/** The protocol number of an IpProtocol value (`tcp`, `6`, `-1` → undefined for all). */
export function protocolNumber(value: string): number | 'all' | undefined {
  const v = value.toLowerCase();
  if (v === '-1' || v === 'all') return 'all';
  if (Object.hasOwn(NAMED, v)) return NAMED[v];
  if (/^\d{1,3}$/.test(v) && Number(v) <= 255) return Number(v);
  return undefined;
}

/** One atomic rule's protocol and ports, as EC2 writes them. */
export interface PortKey {
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
}

/**
 * The entries that allow exactly `ranges` of one protocol (ports for tcp/udp, types for ICMP),
 * or a reason why no set of entries can.
 */
export function portKeys(protocol: number, ranges: readonly Range<number>[] | undefined): PortKey[] | string {
  const name = ipProtocol(protocol);
  if (protocol === 6 || protocol === 17) {
    if (!ranges || (ranges.length === 1 && ranges[0]![0] <= 1 && ranges[0]![1] === 65535)) return [{ protocol: name, fromPort: 0, toPort: 65535 }];
    return ranges.map(([lo, hi]) => ({ protocol: name, fromPort: lo, toPort: hi }));
  }
  if (protocol === 1 || protocol === 58) {
    if (!ranges || (ranges.length === 1 && ranges[0]![0] === 0 && ranges[0]![1] === 255)) return [{ protocol: name, fromPort: -1, toPort: -1 }];
    return ranges.flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => ({ protocol: name, fromPort: lo + i, toPort: -1 })));
  }
  if (ranges && protocol === 132 && !(ranges.length === 1 && ranges[0]![0] <= 1 && ranges[0]![1] === 65535)) {
    return 'security groups filter ports only for tcp and udp; for SCTP a rule opens every port';
  }
  // Any other protocol has no ports; EC2 (and CloudFormation) take -1/-1 for "all".
  return [{ protocol: name, fromPort: -1, toPort: -1 }];
}

/**
 * The packets one atomic rule allows, as a service set; a reason when the key cannot be read
 * exactly (an ICMP code, an unknown protocol).
 */
export function keyServices(key: PortKey): ServiceSet | string {
  const protocol = protocolNumber(key.protocol);
  if (protocol === undefined) return `IpProtocol ${JSON.stringify(key.protocol)}`;
  if (protocol === 'all') return ALL_SERVICES;
  const from = key.fromPort;
  const to = key.toPort;
  if (protocol === 6 || protocol === 17) {
    if (from === undefined || to === undefined || from < 0 || to > 65535 || from > to) {
      return `the port range ${from ?? '?'}-${to ?? '?'} of ${key.protocol}`;
    }
    if (to === 0) return { any: false, entries: [] };
    return { any: false, entries: [{ protocol, ports: [[Math.max(1, from), to]] }] };
  }
  if (protocol === 1 || protocol === 58) {
    if (from === undefined || from === -1) return { any: false, entries: [{ protocol }] };
    if (to !== -1 && to !== undefined) return `an ICMP code (type ${from} code ${to})`;
    if (from < 0 || from > 255) return `ICMP type ${from}`;
    return { any: false, entries: [{ protocol, ports: [[from, from]] }] };
  }
  return { any: false, entries: [{ protocol }] };
}
