/**
 * A small typed model of what pfSense and OPNsense share: aliases (named address or port
 * tables) and filter rules on one interface, first match ("quick"), stateful. The pfSense and
 * OPNsense printers turn it into their XML; the readers turn their XML back into it before it
 * becomes a policy (read-policy.ts).
 */
import type { Span } from '../../diagnostics/index.js';

export type PfFamily = 'inet' | 'inet6' | 'inet46';

export interface PfAlias {
  /** A valid alias name in both products (names.ts). */
  readonly name: string;
  readonly type: 'network' | 'port';
  /** CIDRs (network), or ports and `lo:hi` ranges (port), in order. */
  readonly entries: readonly string[];
  readonly description: string;
}

/** A rule's source or destination: any address, an alias, or one literal network. */
export type PfAddress =
  | { readonly kind: 'any' }
  | { readonly kind: 'alias'; readonly name: string }
  | { readonly kind: 'cidr'; readonly cidr: string };

/** A destination port: one port or range, or a port alias. */
export type PfPort =
  | { readonly kind: 'range'; readonly from: number; readonly to: number }
  | { readonly kind: 'alias'; readonly name: string };

/**
 * The protocol in pfSense's lower-case words (`tcp`, `tcp/udp`, `icmp` for both ICMP
 * versions, `gre`...); undefined for any protocol.
 */
export type PfProtocol = string | undefined;

export interface PfRule {
  /** What stable identifiers (trackers, uuids) are derived from: rule name and piece. */
  readonly key: string;
  /** The palisade rule (or default) the rule comes from. */
  readonly ruleName: string;
  readonly action: 'pass' | 'block' | 'reject';
  readonly family: PfFamily;
  readonly protocol: PfProtocol;
  /** ICMP (family inet) or ICMPv6 (inet6) type numbers; undefined for every type. */
  readonly icmpTypes?: readonly number[];
  readonly source: PfAddress;
  readonly destination: PfAddress;
  readonly port?: PfPort;
  /** One line: `name: description`, or the name alone. */
  readonly description: string;
  readonly span?: Span;
}

export interface PfModel {
  readonly interface: string;
  readonly aliases: readonly PfAlias[];
  readonly rules: readonly PfRule[];
}
