/**
 * A small typed model of the `inet talos` table Talos's NfTablesChainController installs: its
 * chains and their rules in Talos's expression order (iifname, ct state, l4proto, nfproto,
 * addresses, ports, limit, counter, verdict). print.ts is the only place that knows the syntax.
 */
import type { Family } from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';

export type TalosMatch =
  | { readonly kind: 'iifname'; readonly names: readonly string[] }
  | { readonly kind: 'ct-state'; readonly states: readonly ('new' | 'established' | 'related' | 'invalid')[] }
  | { readonly kind: 'icmp-type'; readonly names: readonly string[] }
  | { readonly kind: 'l4proto'; readonly name: 'tcp' | 'udp' | 'icmp' | 'ipv6-icmp' }
  | { readonly kind: 'nfproto'; readonly family: Family }
  | {
      readonly kind: 'address';
      readonly family: Family;
      readonly side: 'saddr' | 'daddr';
      readonly negate: boolean;
      /** Address ranges as BigInts. */
      readonly ranges: readonly Range<bigint>[];
    }
  | { readonly kind: 'dport'; readonly protocol: 'tcp' | 'udp'; readonly ports: readonly Range<number>[] };

export interface TalosNftRule {
  readonly matches: readonly TalosMatch[];
  /** `limit rate 5/second burst 5 packets` (Talos's ICMP accepts). */
  readonly limit: boolean;
  readonly verdict: 'accept' | 'drop';
}

export interface TalosNftChain {
  readonly name: 'ingress' | 'prerouting';
  readonly hook: 'input' | 'prerouting';
  /** nft's symbolic priority, e.g. `mangle + 10`. */
  readonly priority: string;
  readonly policy: 'accept' | 'drop';
  readonly rules: readonly TalosNftRule[];
}

export interface TalosNftTable {
  readonly header: readonly string[];
  readonly chains: readonly TalosNftChain[];
}
