/**
 * The intermediate representation: what a ruleset means, with parameters bound, conditionals
 * expanded and names resolved. Deeply readonly and canonical (address and port sets merged and
 * sorted), so every backend and analysis sees the same thing and emits deterministically.
 * Every rule and declaration keeps the span it came from.
 */
import type { SourceFile, Span } from '../diagnostics/index.js';
import type { AddressSet } from './addresses.js';
import type { Range } from './intervals.js';

export type Action = 'allow' | 'deny';
export type Direction = 'ingress' | 'egress';

export type ParamType = 'bool' | 'int' | 'string' | 'cidr' | 'list(cidr)' | 'list(string)' | 'list(int)';
/** cidr values are canonical CIDR strings; lists keep their written order. */
export type ParamValue = boolean | number | string | readonly string[] | readonly number[];

export interface BoundParam {
  readonly name: string;
  readonly type: ParamType;
  readonly value: ParamValue;
  /** Where the value came from. */
  readonly origin: 'default' | 'vars' | 'set';
  readonly span: Span;
}

export interface Zone {
  readonly name: string;
  readonly addresses: AddressSet;
  readonly span: Span;
}

export interface Role {
  readonly name: string;
  /** Undefined for a role declared without addresses: an opaque set of endpoints. */
  readonly addresses: AddressSet | undefined;
  readonly span: Span;
}

/** Ports (TCP, UDP, SCTP) or types (ICMP, ICMPv6) as inclusive ranges. */
export type PortRanges = readonly Range<number>[];

export interface ServiceEntry {
  /** IP protocol number. */
  readonly protocol: number;
  /** Ports or ICMP types; undefined means all of them (and always for protocols without either). */
  readonly ports?: PortRanges;
}

/** `any`, or a union of per-protocol entries sorted by protocol, one entry per protocol. */
export interface ServiceSet {
  readonly any: boolean;
  readonly entries: readonly ServiceEntry[];
}

export interface NamedService {
  readonly name: string;
  readonly services: ServiceSet;
  readonly span: Span;
}

/** One address term of an endpoint, as written (after `$param` expansion and bracket flattening). */
export type EndpointTerm =
  | { readonly kind: 'role' | 'zone'; readonly name: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'cidr'; readonly cidr: string }
  /** A nested `[... except ...]` that does not flatten; only its addresses are known. */
  | { readonly kind: 'group'; readonly text: string; readonly addresses: AddressSet };

export interface Endpoint {
  /** The address terms united, in written order. */
  readonly terms: readonly EndpointTerm[];
  /** The address terms subtracted (`except`). */
  readonly except: readonly EndpointTerm[];
  /** What the endpoint means. */
  readonly addresses: AddressSet;
  /** The endpoint in the language's own words, e.g. `[controlplane, worker]`, `vpc except 10.0.0.0/20`. */
  readonly text: string;
  readonly span: Span;
}

export interface Rule {
  /** The given name, or a deterministic one derived from the rule's content. */
  readonly name: string;
  readonly named: boolean;
  readonly action: Action;
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly services: ServiceSet;
  /** The services in the language's own words, e.g. `k8s-api, tcp/50000`. */
  readonly servicesText: string;
  readonly description?: string;
  readonly span: Span;
}

export interface DefaultPolicy {
  readonly action: Action;
  /** Absent when the default was not written (ingress deny, egress allow). */
  readonly span?: Span;
}

export type OptionValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'address'; readonly cidr: string }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'list'; readonly items: readonly OptionValue[] }
  /** From `--set target.key=text`: the target's option schema gives it a type. */
  | { readonly kind: 'text'; readonly text: string };

export interface TargetOption {
  readonly key: string;
  readonly value: OptionValue;
  readonly span: Span;
}

export interface TargetBlock {
  readonly name: string;
  readonly options: readonly TargetOption[];
  readonly span: Span;
  /** The target's name in the block header (or in `--set NAME.key=...`). */
  readonly nameSpan: Span;
}

export interface Ruleset {
  /** The entry file first, then imported files in import order. */
  readonly sources: readonly SourceFile[];
  readonly params: readonly BoundParam[];
  readonly zones: readonly Zone[];
  readonly roles: readonly Role[];
  readonly services: readonly NamedService[];
  /** In first-match order. */
  readonly rules: readonly Rule[];
  readonly defaults: { readonly ingress: DefaultPolicy; readonly egress: DefaultPolicy };
  readonly targets: readonly TargetBlock[];
}
