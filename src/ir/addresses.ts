/**
 * Address sets: IPv4 and IPv6 ranges plus opaque roles (roles declared without addresses,
 * which are endpoint sets disjoint from every literal address; LANGUAGE.md "Meaning").
 * Parsing and printing of addresses is ipaddr.js's; the set algebra is ours (intervals.ts).
 *
 * IPv4 ranges are plain numbers (every IPv4 address fits a double exactly, and number arithmetic
 * allocates nothing); IPv6 ranges are BigInts. Single addresses in packets are BigInts for both.
 */
import ipaddr from 'ipaddr.js';
import * as I from './intervals.js';

export type Family = 4 | 6;
export type V4Ranges = I.Ranges<number>;
export type V6Ranges = I.Ranges<bigint>;
/** The ranges of one family, whichever it is. */
export type AddressRanges = I.Ranges<number> | I.Ranges<bigint>;

export interface AddressSet {
  readonly v4: V4Ranges;
  readonly v6: V6Ranges;
  /** Names of opaque roles in the set, sorted. */
  readonly opaque: readonly string[];
}

export const V4_MAX = 0xffffffff;
export const V6_MAX = (1n << 128n) - 1n;
const bitsOf = (family: Family): bigint => (family === 4 ? 32n : 128n);

export const emptySet: AddressSet = { v4: [], v6: [], opaque: [] };

/** Every IPv4 and IPv6 address and every opaque role (`any`). */
export function universe(opaqueRoles: readonly string[]): AddressSet {
  return { v4: [[0, V4_MAX]], v6: [[0n, V6_MAX]], opaque: [...opaqueRoles].sort() };
}

export function opaqueSet(role: string): AddressSet {
  return { v4: [], v6: [], opaque: [role] };
}

/** The set of one canonical CIDR (`10.0.1.0/24`, `fd00::/8`). */
export function cidrSet(cidr: string): AddressSet {
  const { family, range } = parseCidr(cidr);
  return family === 4 ? { v4: [[Number(range[0]), Number(range[1])]], v6: [], opaque: [] } : { v4: [], v6: [range], opaque: [] };
}

/** A CIDR as a range of BigInts (either family). */
export function parseCidr(cidr: string): { family: Family; range: I.Range<bigint> } {
  const [address, length] = ipaddr.parseCIDR(cidr);
  const family: Family = address.kind() === 'ipv4' ? 4 : 6;
  const start = bytesToBigint(address.toByteArray());
  const hostBits = bitsOf(family) - BigInt(length);
  const size = 1n << hostBits;
  const base = (start >> hostBits) << hostBits;
  return { family, range: [base, base + size - 1n] };
}

/** Parses a single address (no prefix); undefined when it is not one. */
export function parseAddress(text: string): { family: Family; value: bigint } | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return { family: 4, value: bytesToBigint(ipaddr.IPv4.parse(text).toByteArray()) };
  if (ipaddr.IPv6.isValid(text)) return { family: 6, value: bytesToBigint(ipaddr.IPv6.parse(text).toByteArray()) };
  return undefined;
}

export function formatAddress(family: Family, value: bigint | number): string {
  // IPv4 is dotted decimal (what ipaddr.js prints), written directly: backends print many.
  if (family === 4) {
    const v = Number(value);
    return `${Math.floor(v / 0x1000000) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  if (typeof value === 'number') value = BigInt(value);
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

function bytesToBigint(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

const cidrCache = new WeakMap<AddressRanges, readonly string[]>();

/**
 * The fewest CIDRs that cover exactly these ranges, in address order. Range lists are immutable
 * (the IR is frozen), so the answer is cached per list: backends print the same zone for many
 * rules and roles.
 */
export function toCidrs(family: Family, ranges: AddressRanges): readonly string[] {
  let cidrs = cidrCache.get(ranges);
  if (cidrs === undefined) {
    cidrs = Object.freeze(computeCidrs(family, ranges));
    cidrCache.set(ranges, cidrs);
  }
  return cidrs;
}

function computeCidrs(family: Family, ranges: AddressRanges): string[] {
  const bits = bitsOf(family);
  const out: string[] = [];
  for (const [low, high] of ranges) {
    const lo = BigInt(low);
    const hi = BigInt(high);
    let start = lo;
    while (start <= hi) {
      // The largest aligned block starting at `start` that does not pass `hi`.
      let size = start === 0n ? 1n << bits : start & -start;
      while (start + size - 1n > hi) size >>= 1n;
      const length = bits - BigInt(size.toString(2).length - 1);
      out.push(`${formatAddress(family, start)}/${length}`);
      start += size;
    }
  }
  return out;
}

/** All CIDRs of a set, IPv4 first. */
export function setToCidrs(set: AddressSet): string[] {
  return [...toCidrs(4, set.v4), ...toCidrs(6, set.v6)];
}

function mergeNames(a: readonly string[], b: readonly string[]): readonly string[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return [...new Set([...a, ...b])].sort();
}

export function unionSets(a: AddressSet, b: AddressSet): AddressSet {
  return { v4: I.union(a.v4, b.v4), v6: I.union(a.v6, b.v6), opaque: mergeNames(a.opaque, b.opaque) };
}

export function intersectSets(a: AddressSet, b: AddressSet): AddressSet {
  return {
    v4: I.intersect(a.v4, b.v4),
    v6: I.intersect(a.v6, b.v6),
    opaque: a.opaque.filter((n) => b.opaque.includes(n)),
  };
}

export function subtractSets(a: AddressSet, b: AddressSet): AddressSet {
  return {
    v4: I.subtract(a.v4, b.v4),
    v6: I.subtract(a.v6, b.v6),
    opaque: a.opaque.filter((n) => !b.opaque.includes(n)),
  };
}

export function isEmptySet(a: AddressSet): boolean {
  return a.v4.length === 0 && a.v6.length === 0 && a.opaque.length === 0;
}

export function isSubsetOf(a: AddressSet, b: AddressSet): boolean {
  return I.isSubset(a.v4, b.v4) && I.isSubset(a.v6, b.v6) && a.opaque.every((n) => b.opaque.includes(n));
}

export function setsEqual(a: AddressSet, b: AddressSet): boolean {
  if (a === b) return true;
  // Sets are canonical: equal sets have equal ranges.
  return I.equals(a.v4, b.v4) && I.equals(a.v6, b.v6) && a.opaque.length === b.opaque.length && a.opaque.every((n, i) => n === b.opaque[i]);
}

/** The address families with at least one literal address in the set. */
export function families(set: AddressSet): Family[] {
  const out: Family[] = [];
  if (set.v4.length > 0) out.push(4);
  if (set.v6.length > 0) out.push(6);
  return out;
}

export function rangesOf(set: AddressSet, family: Family): AddressRanges {
  return family === 4 ? set.v4 : set.v6;
}

// Ranges of one family, whichever it is: the interval functions are the same for both.
type Same = I.Ranges<number>;

/** a ⊆ b, for ranges of the same family. */
export function isSubset(a: AddressRanges, b: AddressRanges): boolean {
  return I.isSubset(a as Same, b as Same);
}

/** a = b, for ranges of the same family. */
export function rangesEqual(a: AddressRanges, b: AddressRanges): boolean {
  return I.equals(a as Same, b as Same);
}

export function containsAddress(set: AddressSet, family: Family, value: bigint): boolean {
  return family === 4 ? I.contains(set.v4, Number(value)) : I.contains(set.v6, value);
}

/** A set of one family's range given as BigInts (from a packet's or a parser's addresses). */
export function rangeSet(family: Family, lo: bigint, hi: bigint): AddressSet {
  return family === 4 ? { v4: [[Number(lo), Number(hi)]], v6: [], opaque: [] } : { v4: [], v6: [[lo, hi]], opaque: [] };
}
