/**
 * A small typed model of the nftables ruleset palisade writes: one `inet` table with named
 * address sets and base chains. The printer (print.ts) is the only place that knows the syntax.
 */
import type { Family } from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';

export type NftMatch =
  | { readonly kind: 'ct-state'; readonly states: readonly ('established' | 'related' | 'invalid')[] }
  | { readonly kind: 'interface'; readonly direction: 'iif' | 'oif'; readonly name: string }
  | { readonly kind: 'nfproto'; readonly family: Family }
  | {
      readonly kind: 'address';
      readonly family: Family;
      readonly side: 'saddr' | 'daddr';
      /** A named set (`@vpc_v4`) or literal CIDRs. */
      readonly set?: string;
      readonly cidrs?: readonly string[];
    }
  | { readonly kind: 'l4proto'; readonly protocol: number }
  | { readonly kind: 'dport'; readonly protocol: number; readonly ports: readonly Range<number>[] }
  | { readonly kind: 'icmp-type'; readonly protocol: number; readonly types: readonly Range<number>[] }
  | { readonly kind: 'hoplimit'; readonly value: number };

export interface NftStatement {
  readonly kind: 'statement';
  readonly matches: readonly NftMatch[];
  readonly counter: boolean;
  readonly verdict: 'accept' | 'drop';
  /** The rule name; names are identifiers, so they are safe inside nft's quotes. */
  readonly comment?: string;
}

/** A `#` comment line (rule descriptions), printed with control characters removed. */
export interface NftRemark {
  readonly kind: 'remark';
  readonly text: string;
}

export interface NftChain {
  readonly name: 'input' | 'output';
  readonly policy: 'accept' | 'drop';
  readonly lines: readonly (NftStatement | NftRemark)[];
}

export interface NftSet {
  readonly name: string;
  readonly family: Family;
  readonly cidrs: readonly string[];
}

export interface NftTable {
  readonly name: string;
  /** `#` lines at the top of the file. */
  readonly header: readonly string[];
  readonly sets: readonly NftSet[];
  readonly chains: readonly NftChain[];
}
