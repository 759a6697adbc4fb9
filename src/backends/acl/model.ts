/**
 * The typed model shared by the switch ACL targets (cisco, arista, nxos): an ACL is a list of
 * remarks and entries (ACEs), each entry one protocol, one source and destination prefix (or
 * `any`), at most one port range per side, at most one ICMP type, and `established`.
 * Lowering fills it from the IR, printers render it per dialect, and the reader parses all
 * three dialects (and Capirca's output) back into it.
 */
import type { Action, Family } from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';

/** A prefix (`10.0.0.0/16`, `fd00::/64`: canonical, as toCidrs writes it) or every address of the ACL's family. */
export type AclAddress = { readonly kind: 'any' } | { readonly kind: 'prefix'; readonly cidr: string };

export interface AclEntry {
  readonly kind: 'entry';
  readonly action: Action;
  /** IP protocol number, or undefined for every protocol (`ip` / `ipv6`). */
  readonly protocol: number | undefined;
  readonly source: AclAddress;
  /** Source port range (TCP/UDP only); undefined: every port. */
  readonly sourcePorts?: Range<number>;
  readonly destination: AclAddress;
  readonly destinationPorts?: Range<number>;
  /** ICMP / ICMPv6 type; undefined: every type. */
  readonly icmpType?: number;
  /** TCP `established`: matches only segments with ACK or RST, never a connection's first. */
  readonly established?: boolean;
}

export interface AclRemark {
  readonly kind: 'remark';
  readonly text: string;
}

export type AclLine = AclEntry | AclRemark;

export interface Acl {
  readonly name: string;
  readonly family: Family;
  readonly lines: readonly AclLine[];
}

/** What an entry matches besides its action and addresses. */
export type AclMatch = Omit<AclEntry, 'kind' | 'action' | 'source' | 'destination'>;

/** Entries as a product: for each source, each destination, each match, in that order. */
export interface AclEntryGroup {
  readonly action: Action;
  readonly sources: readonly AclAddress[];
  readonly destinations: readonly AclAddress[];
  readonly matches: readonly AclMatch[];
}

/** Remarks, then the entries of each group in turn. */
export interface AclBlock {
  readonly remarks: readonly string[];
  readonly groups: readonly AclEntryGroup[];
}

/**
 * An ACL as lowering writes it: the lines of an `Acl`, kept as one block per rule (an ACL of
 * 10k rules has some 200k entries; the blocks hold each rule's prefixes and matches once).
 */
export interface AclPlan {
  readonly name: string;
  readonly family: Family;
  readonly blocks: readonly AclBlock[];
}

/** The entries a group writes. */
export const groupSize = (g: AclEntryGroup): number => g.sources.length * g.destinations.length * g.matches.length;

/** Where the ACLs go: SVIs, each with the ACL bound in and out. */
export interface AclBinding {
  readonly interfaces: readonly string[];
}

export const ANY: AclAddress = { kind: 'any' };
export const TCP = 6;
export const UDP = 17;
export const ICMP = 1;
export const ICMPV6 = 58;
export const ECHO_REQUEST: Readonly<Record<Family, number>> = { 4: 8, 6: 128 };
export const ECHO_REPLY: Readonly<Record<Family, number>> = { 4: 0, 6: 129 };

export const isPortProtocol = (p: number | undefined): boolean => p === TCP || p === UDP;
export const icmpOf = (family: Family): number => (family === 4 ? ICMP : ICMPV6);
