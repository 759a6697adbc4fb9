/**
 * What Talos's ingress chain accepts by itself in block mode, before any NetworkRuleConfig
 * (reference: talos.md §2): ICMP except the timestamp and address-mask types and all ICMPv6 at up
 * to 5 packets per second from anywhere; traffic between the pod and service subnets; and, with
 * host DNS forwarding, DNS from those subnets to the host DNS address. Loopback, SideroLink and
 * KubeSpan interfaces and established connections are accepted too, but lie outside the packet
 * model (a ruleset's connections are stateful, and the tunnels are Talos's own).
 */
import type { PacketSet, PacketUniverse } from '../../analysis/index.js';
import { cidrSet, emptySet, intersectSets, unionSets, type AddressSet, type ServiceSet } from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';
import { cidrList, clusterSubnets, type TalosOptions } from './options.js';

/** ICMP types Talos drops in block mode (CVE-1999-0524): timestamp and address-mask. */
export const ICMP_DROPPED: readonly number[] = [13, 14, 17, 18];
/** The ICMP types Talos's rate-limited accept lets through. */
export const ICMP_ACCEPTED: readonly Range<number>[] = [
  [0, 12],
  [15, 16],
  [19, 255],
];

export const HOST_DNS_V4 = '169.254.116.108';
export const HOST_DNS_V6 = 'fd54:616c:6f73::204f:5320:444e:531';

/** ICMP (but the dropped types) and all of ICMPv6. */
export const builtinIcmpServices: ServiceSet = {
  any: false,
  entries: [
    { protocol: 1, ports: ICMP_ACCEPTED },
    { protocol: 58, ports: [[0, 255]] },
  ],
};

export const dnsServices: ServiceSet = {
  any: false,
  entries: [
    { protocol: 6, ports: [[53, 53]] },
    { protocol: 17, ports: [[53, 53]] },
  ],
};

const anyService: ServiceSet = { any: true, entries: [] };

/** The host DNS addresses Talos renders: IPv4 always, IPv6 when a pod subnet is IPv6 (v1.14). */
export function hostDnsAddresses(options: Pick<TalosOptions, 'pod-subnets'>): AddressSet {
  const v6 = cidrList(options['pod-subnets']).some((c) => c.includes(':'));
  return v6 ? unionSets(cidrSet(`${HOST_DNS_V4}/32`), cidrSet(`${HOST_DNS_V6}/128`)) : cidrSet(`${HOST_DNS_V4}/32`);
}

/** Talos's built-in accepts for packets to `self` (a role's addresses), split by kind. */
export function builtinAccepts(
  universe: PacketUniverse,
  self: AddressSet,
  options: TalosOptions,
): { readonly icmp: PacketSet; readonly cluster: PacketSet } {
  const icmp = universe.product(universe.everySource, self, builtinIcmpServices);
  const subnets = clusterSubnets(options);
  let cluster = universe.empty();
  const inCluster = intersectSets(self, subnets);
  if (inCluster !== emptySet) cluster = cluster.union(universe.product(subnets, inCluster, anyService));
  if (options['host-dns']) {
    const dns = intersectSets(self, hostDnsAddresses(options));
    cluster = cluster.union(universe.product(subnets, dns, dnsServices));
  }
  return { icmp, cluster };
}
