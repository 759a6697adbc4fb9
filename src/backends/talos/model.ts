/**
 * A small typed model of a Talos firewall patch: the documents one role's machine config gets.
 * The printer (print.ts) turns it into multi-document YAML; the talos-nft target renders it the
 * way Talos's controller does (src/backends/talos-nft/render.ts).
 */
import type { Range } from '../../ir/intervals.js';

/** One `ingress` entry of a NetworkRuleConfig: a source subnet, optionally minus one prefix. */
export interface TalosIngress {
  /** Canonical, lower-case CIDR. */
  readonly subnet: string;
  /** Talos removes every `except` of a document from all of the document's subnets. */
  readonly except?: string;
}

export type TalosProtocol = 'tcp' | 'udp';

/** A NetworkRuleConfig document. */
export interface TalosRuleDoc {
  /** Unique among the patch's documents. */
  readonly name: string;
  readonly protocol: TalosProtocol;
  /** Sorted, non-overlapping, non-adjacent inclusive ranges. */
  readonly ports: readonly Range<number>[];
  readonly ingress: readonly TalosIngress[];
  /** The rule it comes from (`default ingress allow` for the default), for a comment. */
  readonly origin: string;
  readonly description?: string;
}

/** What one role's nodes get: a NetworkDefaultActionConfig and the NetworkRuleConfigs. */
export interface TalosPatch {
  readonly role: string;
  /** The role's addresses as CIDRs (empty for a role without addresses). */
  readonly roleCidrs: readonly string[];
  readonly defaultAction: 'accept' | 'block';
  readonly rules: readonly TalosRuleDoc[];
}

export const PROTOCOL_NUMBERS: Readonly<Record<TalosProtocol, number>> = { tcp: 6, udp: 17 };
