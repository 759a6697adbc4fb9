/**
 * A small typed model of EC2 security groups, shared by the aws, terraform and cloudformation
 * targets: one group per role, each rule atomic (one protocol/port key and exactly one source),
 * the way AWS stores them (sgr-… ids). Printers group or split these as their format wants.
 */
import type { Span } from '../../diagnostics/index.js';

/** The one source (ingress) or destination (egress) of an atomic rule. */
export type SgPeer =
  | { readonly kind: 'ipv4'; readonly cidr: string }
  | { readonly kind: 'ipv6'; readonly cidr: string }
  /** Another palisade role's group (or the group itself: a self-reference). */
  | { readonly kind: 'group'; readonly role: string };

export type SgDirection = 'ingress' | 'egress';

export interface SgRule {
  readonly direction: SgDirection;
  /** `-1`, `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number as text. */
  readonly protocol: string;
  /** Absent for `-1` and numbered protocols (all ports); ICMP type (or -1) for ICMP. */
  readonly fromPort?: number;
  /** Absent with fromPort; the ICMP code (-1: all codes) for ICMP. */
  readonly toPort?: number;
  readonly peer: SgPeer;
  readonly description: string;
  /** The palisade rule the entry comes from (its name), or `default` for the defaults. */
  readonly origin: string;
  /** A stable identifier, unique per group and direction's resource type (Terraform, CFN). */
  readonly id: string;
}

export interface SecurityGroup {
  readonly role: string;
  /** GroupName: the name prefix plus the role name. */
  readonly name: string;
  readonly description: string;
  readonly ingress: readonly SgRule[];
  readonly egress: readonly SgRule[];
  /** The role's declaration. */
  readonly span: Span;
}

export interface SgModel {
  readonly groups: readonly SecurityGroup[];
}

/** The tag that maps a deployed group back to its role. */
export const ROLE_TAG = 'palisade:role';
