/**
 * The options of the Talos targets (`talos` and `talos-nft` share them): which documented gaps
 * between a ruleset and Talos's ingress firewall the user accepts, and the cluster settings that
 * decide Talos's built-in accepts (pod and service subnets, host DNS forwarding).
 */
import { cidrSet, emptySet, parseCidr, toCidrs, unionSets, type AddressRanges, type AddressSet } from '../../ir/index.js';
import type { OptionSpecs, OptionValues } from '../types.js';

const CIDR_LIST = /^\s*[0-9A-Fa-f.:]+\/\d{1,3}(\s*,\s*[0-9A-Fa-f.:]+\/\d{1,3})*\s*$|^$/;

export const talosOptions = {
  egress: {
    type: 'string',
    default: 'error',
    pattern: /^(error|elsewhere)$/,
    description:
      'error: what the ruleset denies to traffic leaving a role is an error (Talos filters only ingress); elsewhere: egress is enforced by another firewall, reported as warnings',
  },
  icmp: {
    type: 'string',
    default: 'error',
    pattern: /^(error|talos)$/,
    description:
      "error: a ruleset whose ICMP/ICMPv6 to a role differs from Talos's built-in ICMP accept is an error; talos: accept Talos's built-in ICMP handling, with warnings",
  },
  protocols: {
    type: 'string',
    default: 'error',
    pattern: /^(error|tcp-udp)$/,
    description:
      'error: permitting a protocol other than TCP, UDP, ICMP and ICMPv6 to a role is an error; tcp-udp: drop those protocols (narrower), with warnings',
  },
  'pod-subnets': {
    type: 'string',
    default: '10.244.0.0/16',
    pattern: CIDR_LIST,
    description: "the cluster's pod subnets (cluster.network.podSubnets), comma-separated",
  },
  'service-subnets': {
    type: 'string',
    default: '10.96.0.0/12',
    pattern: CIDR_LIST,
    description: "the cluster's service subnets (cluster.network.serviceSubnets), comma-separated",
  },
  'host-dns': {
    type: 'bool',
    default: true,
    description: "hostDNS forwardKubeDNSToHost is on (Talos's default): pods may reach the host DNS address on port 53",
  },
} as const satisfies OptionSpecs;

export type TalosOptions = OptionValues<typeof talosOptions>;

/** Defaults, for readers and tests. */
export const defaultTalosOptions: TalosOptions = {
  egress: 'error',
  icmp: 'error',
  protocols: 'error',
  'pod-subnets': '10.244.0.0/16',
  'service-subnets': '10.96.0.0/12',
  'host-dns': true,
};

/** The CIDRs of a comma-separated list option; an invalid entry is reported by `cidrError`. */
export function cidrList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Why a CIDR list option is invalid (not a network, host bits set), or undefined. */
export function cidrListError(text: string): string | undefined {
  for (const cidr of cidrList(text)) {
    let canonical: string | undefined;
    try {
      const { family, range } = parseCidr(cidr);
      canonical = toCidrs(family, [range] as AddressRanges)[0];
    } catch {
      return `${JSON.stringify(cidr)} is not a network`;
    }
    if (canonical !== cidr.toLowerCase()) return `${JSON.stringify(cidr)} has host bits set; the network is ${canonical}`;
  }
  return undefined;
}

/** The pod and service subnets as one address set. */
export function clusterSubnets(options: Pick<TalosOptions, 'pod-subnets' | 'service-subnets'>): AddressSet {
  return [...cidrList(options['pod-subnets']), ...cidrList(options['service-subnets'])].reduce((acc, c) => unionSets(acc, cidrSet(c)), emptySet);
}
