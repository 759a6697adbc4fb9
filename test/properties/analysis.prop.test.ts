/**
 * Properties of the analysis engine, through its public API only (PacketUniverse, PacketSet,
 * rulesetPolicy, permittedSet, diffPolicies, jsonDifferences; the IR's `evaluate`; the
 * nftables backend and its reader), so that they hold whatever represents the sets inside:
 *
 * a. Set algebra: PacketSets built from random products obey the laws of a Boolean algebra, and
 *    agree point-wise with the naive meaning of a product; witnesses, emptiness, equality and
 *    the listing as products are exact.
 * b. The permitted set of a random ruleset (./model.ts) holds exactly the packets `evaluate`
 *    (explain) permits.
 * c. `diff` reports equivalent for a ruleset and itself, and for rewritings that keep the
 *    meaning: swapping adjacent rules that cannot both match a packet, splitting a CIDR or a port
 *    range, merging ranges, renaming, moving declarations.
 * d. A random single-rule edit that changes the meaning (by the naive evaluator) is reported,
 *    the difference sets hold exactly the packets whose verdict changed, and EVERY example of
 *    `diff --format json`, checked with explain on both operands, shows the claimed difference.
 * e. The nftables round trip: a ruleset compiled to nftables and read back by the nftables
 *    reader is equivalent to the ruleset (within the packets the artifact judges), all files
 *    together and each file alone; also for every golden of the repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  diffPolicies,
  jsonDifferences,
  PacketUniverse,
  permittedSet,
  rulesetPolicy,
  type DiffResult,
  type JsonDifference,
  type PacketSet,
  type Policy,
} from '../../src/analysis/index.js';
import { analyze, compile } from '../../src/compile.js';
import { getBackend } from '../../src/backends/index.js';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import {
  cidrSet,
  containsAddress,
  emptySet,
  evaluate,
  icmpTypeTable,
  intersectSets,
  intervals,
  parseAddress,
  subtractSets,
  universe,
  type AddressSet,
  type Packet,
  type PacketEnd,
  type Ruleset,
  type ServiceEntry,
  type ServiceSet,
} from '../../src/ir/index.js';
import { assignments } from '../helpers.js';
import { goldenCases } from '../golden/rulesets.js';
import {
  BITS,
  buildPacket,
  candidates,
  cidrArb,
  defaultAction,
  liveRules,
  MAX,
  modelArb,
  naiveVerdict,
  predictNeverMatches,
  printModel,
  PROTO,
  rawPacketArb,
  V4_BASE,
  V6_BASE,
  V6_MAPPED,
  type AddrExpr,
  type Candidates,
  type Cidr,
  type End,
  type Item,
  type Model,
  type PortItem,
  type Pkt,
  type RawPacket,
  type Rule,
  type Svc,
  type Term,
} from './model.js';

const SCALE = Number(process.env['PALISADE_PROP_SCALE'] ?? 1);
const runs = (n: number): number => Math.max(10, Math.round(n * SCALE));
/** Larger runs (PALISADE_PROP_SCALE) need more than the default minute. */
const TIMEOUT = 60_000 * Math.max(1, SCALE);

// =====================================================================================
// Shared: packets, validity, rulesets from models
// =====================================================================================

type Family = 4 | 6;

/** LANGUAGE.md's valid packets: one family, ICMP only over IPv4, ICMPv6 only over IPv6, ports by protocol. */
function validPacket(p: Packet): boolean {
  const fams = [p.source, p.destination].flatMap((e) => (e.kind === 'address' ? [e.family] : []));
  if (fams.length === 2 && fams[0] !== fams[1]) return false;
  if (p.protocol === 1 && fams.includes(6)) return false;
  if (p.protocol === 58 && fams.includes(4)) return false;
  if (!Number.isInteger(p.protocol) || p.protocol < 0 || p.protocol > 255) return false;
  for (const e of [p.source, p.destination]) {
    if (e.kind === 'address' && (e.value < 0n || e.value > MAX[e.family])) return false;
  }
  if ([6, 17, 132].includes(p.protocol)) return p.port !== undefined && p.port >= 1 && p.port <= 65535;
  if ([1, 58].includes(p.protocol)) return p.port !== undefined && p.port >= 0 && p.port <= 255;
  return p.port === undefined;
}

function toEnd(e: End): PacketEnd {
  return e.kind === 'role' ? { kind: 'role', role: e.role } : { kind: 'address', family: e.fam, value: e.value };
}

function toPacket(p: Pkt): Packet {
  const base = { source: toEnd(p.src), destination: toEnd(p.dst), protocol: p.proto };
  return p.port === undefined ? base : { ...base, port: p.port };
}

function fromPacket(p: Packet): Pkt {
  const end = (e: PacketEnd): End => (e.kind === 'role' ? { kind: 'role', role: e.role } : { kind: 'addr', fam: e.family, value: e.value });
  const base = { src: end(p.source), dst: end(p.destination), proto: p.protocol };
  return p.port === undefined ? base : { ...base, port: p.port };
}

function endText(e: PacketEnd): string {
  if (e.kind === 'role') return e.role;
  if (e.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((e.value >> s) & 255n)).join('.');
  return `0x${e.value.toString(16)} (IPv6)`;
}

function packetString(p: Packet): string {
  return `proto ${p.protocol} ${endText(p.source)} -> ${endText(p.destination)}${p.port === undefined ? '' : ` port/type ${p.port}`}`;
}

function errorsText(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.span ? `${d.span.source.name}:${d.span.line}:${d.span.column}: ` : ''}${d.code} ${d.message}`)
    .join('\n');
}

const memory = (files: Record<string, string>) => (p: string) => (Object.hasOwn(files, p) ? { text: files[p]! } : { error: 'no such file' });

function filesText(files: Record<string, string>): string {
  return Object.entries(files)
    .map(([name, text]) => `--- ${name}\n${text}`)
    .join('');
}

interface Loaded {
  readonly model: Model;
  readonly ir: Ruleset;
  readonly files: Record<string, string>;
  readonly text: string;
  /** The model's rules in effect, in order (those palisade rejects as never matching left out). */
  readonly rules: readonly Rule[];
}

/** Prints a model (leaving out the rules whose families cannot meet) and analyzes it; no errors allowed. */
function load(m: Model): Loaded {
  const never = predictNeverMatches(m);
  const { files } = printModel(m, never);
  const text = filesText(files);
  const result = analyze({ entry: 'main.pal', read: memory(files) });
  expect(errorsText(result.diagnostics), text).toBe('');
  expect(result.ir, text).toBeDefined();
  return { model: m, ir: result.ir!, files, text, rules: liveRules(m, never) };
}

function naive(l: Loaded, p: Pkt): boolean {
  return naiveVerdict(l.model, l.rules, p).permitted;
}

function mergeCandidates(a: Candidates, b: Candidates): Candidates {
  const u = <T>(x: readonly T[], y: readonly T[]): T[] => [...new Set([...x, ...y])];
  return {
    v4: u(a.v4, b.v4),
    v6: u(a.v6, b.v6),
    opaque: u(a.opaque, b.opaque),
    ports: u(a.ports, b.ports),
    types: u(a.types, b.types),
    protos: u(a.protos, b.protos),
    targets: [...a.targets, ...b.targets],
  };
}

// =====================================================================================
// a. Set algebra
// =====================================================================================

const ROLES = ['alpha', 'beta', 'gamma'];
/** `delta` is in the universe but in no generated set. */
const UNIVERSE_ROLES = [...ROLES, 'delta'];
const SET_PROTOCOLS = [0, 1, 2, 6, 17, 47, 58, 132, 255];
const PORT_PROTOCOLS = new Set([6, 17, 132]);
const TYPE_PROTOCOLS = new Set([1, 58]);

type R = readonly [bigint, bigint];

const cidrRange = (c: Cidr): R => [c.base, c.base + (1n << BigInt(BITS[c.fam] - c.len)) - 1n];

/** Ranges of one family: CIDRs (including /0 and IPv4-mapped IPv6), or small ranges near a base. */
const familyRangeArb: fc.Arbitrary<{ fam: Family; range: R }> = fc.oneof(
  { weight: 3, arbitrary: cidrArb.map((c) => ({ fam: c.fam, range: cidrRange(c) })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ fam: fc.constantFrom<Family>(4, 4, 6), off: fc.integer({ min: 0, max: 1023 }), len: fc.integer({ min: 0, max: 300 }), mapped: fc.boolean() })
      .map(({ fam, off, len, mapped }) => {
        const base = fam === 4 ? V4_BASE : mapped ? V6_MAPPED : V6_BASE;
        return { fam, range: [base + BigInt(off), base + BigInt(off + len)] as R };
      }),
  },
);

const addressSetArb: fc.Arbitrary<AddressSet> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ ranges: fc.array(familyRangeArb, { maxLength: 3 }), opaque: fc.subarray(ROLES) }).map(({ ranges, opaque }) => ({
      v4: intervals.normalize(ranges.filter((r) => r.fam === 4).map((r) => [Number(r.range[0]), Number(r.range[1])] as const)),
      v6: intervals.normalize(ranges.filter((r) => r.fam === 6).map((r) => r.range)),
      opaque: [...opaque].sort(),
    })),
  },
  { weight: 1, arbitrary: fc.constant(universe(UNIVERSE_ROLES)) },
  { weight: 1, arbitrary: fc.constant(emptySet) },
);

const portNumberArb = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 65530, max: 65535 }));
const typeNumberArb = fc.oneof(fc.constantFrom(0, 3, 8, 11, 128, 129, 255), fc.integer({ min: 0, max: 255 }));
const numberRangeArb = (a: fc.Arbitrary<number>): fc.Arbitrary<readonly [number, number]> =>
  fc.tuple(a, a).map(([x, y]) => [Math.min(x, y), Math.max(x, y)] as const);

const serviceSetArb: fc.Arbitrary<ServiceSet> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<ServiceSet>({ any: true, entries: [] }) },
  {
    weight: 6,
    arbitrary: fc
      .array(
        fc.record({
          protocol: fc.constantFrom(...SET_PROTOCOLS),
          all: fc.boolean(),
          ports: fc.array(numberRangeArb(portNumberArb), { minLength: 1, maxLength: 3 }),
          types: fc.array(numberRangeArb(typeNumberArb), { minLength: 1, maxLength: 2 }),
        }),
        { maxLength: 3 },
      )
      .map((raw): ServiceSet => {
        const byProtocol = new Map<number, ServiceEntry>();
        for (const r of raw) {
          const ranges = PORT_PROTOCOLS.has(r.protocol) ? r.ports : TYPE_PROTOCOLS.has(r.protocol) ? r.types : undefined;
          const prior = byProtocol.get(r.protocol);
          if (ranges === undefined || r.all || (prior && prior.ports === undefined)) byProtocol.set(r.protocol, { protocol: r.protocol });
          else byProtocol.set(r.protocol, { protocol: r.protocol, ports: intervals.normalize([...(prior?.ports ?? []), ...ranges]) });
        }
        return { any: false, entries: [...byProtocol.values()].sort((a, b) => a.protocol - b.protocol) };
      }),
  },
);

interface Prod {
  readonly src: AddressSet;
  readonly dst: AddressSet;
  readonly svc: ServiceSet;
}

const prodArb: fc.Arbitrary<Prod> = fc.record({ src: addressSetArb, dst: addressSetArb, svc: serviceSetArb });
/** A set: the union of 0-3 products. */
const setArb = fc.array(prodArb, { maxLength: 3 });

function inAddressSet(s: AddressSet, e: PacketEnd): boolean {
  if (e.kind === 'role') return s.opaque.includes(e.role);
  return (e.family === 4 ? s.v4 : s.v6).some(([lo, hi]) => lo <= e.value && e.value <= hi);
}

function inService(s: ServiceSet, p: Packet): boolean {
  if (s.any) return true;
  const entry = s.entries.find((e) => e.protocol === p.protocol);
  if (!entry) return false;
  return entry.ports === undefined || (p.port !== undefined && entry.ports.some(([lo, hi]) => lo <= p.port! && p.port! <= hi));
}

/** The naive meaning of a product: a valid packet with both ends and its service in it. */
const inProd = (x: Prod, p: Packet): boolean => validPacket(p) && inAddressSet(x.src, p.source) && inAddressSet(x.dst, p.destination) && inService(x.svc, p);
const inUnion = (xs: readonly Prod[], p: Packet): boolean => xs.some((x) => inProd(x, p));

/** Whether a product holds at least one valid packet, decided by its kinds of ends and its protocols. */
function prodNonEmpty(x: Prod): boolean {
  const kinds = (s: AddressSet): ('4' | '6' | 'o')[] => [
    ...(s.v4.length > 0 ? (['4'] as const) : []),
    ...(s.v6.length > 0 ? (['6'] as const) : []),
    ...(s.opaque.length > 0 ? (['o'] as const) : []),
  ];
  for (const a of kinds(x.src)) {
    for (const b of kinds(x.dst)) {
      if (a !== 'o' && b !== 'o' && a !== b) continue;
      const fam = a !== 'o' ? a : b !== 'o' ? b : undefined;
      if (x.svc.any) return true;
      if (x.svc.entries.some((e) => !(e.protocol === 1 && fam === '6') && !(e.protocol === 58 && fam === '4'))) return true;
    }
  }
  return false;
}

function buildSet(u: PacketUniverse, xs: readonly Prod[]): PacketSet {
  return xs.reduce((acc, x) => acc.union(u.product(x.src, x.dst, x.svc)), u.empty());
}

/** The same set built another way: products in reverse order, each cut in two along its source and its services. */
function rebuildSet(u: PacketUniverse, xs: readonly Prod[], cut4: bigint, cut6: bigint): PacketSet {
  const low: AddressSet = { v4: [[0, Number(cut4)]], v6: [[0n, cut6]], opaque: ['alpha', 'beta'] };
  let acc = u.empty();
  for (const x of [...xs].reverse()) {
    const halves = [intersectSets(x.src, low), subtractSets(x.src, low)];
    const svcs: ServiceSet[] = x.svc.any
      ? [x.svc]
      : [
          { any: false, entries: x.svc.entries.filter((_, i) => i % 2 === 0) },
          { any: false, entries: x.svc.entries.filter((_, i) => i % 2 === 1) },
        ];
    for (const src of halves) for (const svc of svcs) acc = u.product(src, x.dst, svc).union(acc);
  }
  return acc;
}

/** A ServiceSet for a product listed by `products()`. */
function productServices(protocols: readonly (readonly [number, number])[], ports: readonly (readonly [number, number])[]): ServiceSet {
  const entries: ServiceEntry[] = [];
  for (const [lo, hi] of protocols) {
    for (let p = lo; p <= hi; p++) {
      const carries = PORT_PROTOCOLS.has(p) || TYPE_PROTOCOLS.has(p);
      entries.push(carries && ports.length > 0 ? { protocol: p, ports } : { protocol: p });
    }
  }
  return { any: false, entries };
}

interface RawSetPacket {
  fam: Family;
  srcRole: boolean;
  dstRole: boolean;
  src: number;
  dst: number;
  proto: number;
  port: number;
  random: number | undefined;
  /** Aim at a product of the first set: a packet inside it (when it has one). */
  aim: number | undefined;
}

const rawSetPacketArb: fc.Arbitrary<RawSetPacket> = fc.record({
  fam: fc.constantFrom<Family>(4, 6),
  srcRole: fc.boolean(),
  dstRole: fc.boolean(),
  src: fc.nat(),
  dst: fc.nat(),
  proto: fc.nat(),
  port: fc.nat(),
  random: fc.option(fc.integer({ min: 0, max: 1400 }), { nil: undefined, freq: 4 }),
  aim: fc.option(fc.nat(), { nil: undefined, freq: 2 }),
});

/** Points near every boundary of the sets, so that random packets land on both sides of each. */
function setPoints(sets: readonly (readonly Prod[])[]) {
  const v4 = new Set<bigint>([0n, MAX[4], V4_BASE]);
  const v6 = new Set<bigint>([0n, MAX[6], V6_BASE, V6_MAPPED]);
  const ports = new Set<number>([1, 2, 65535]);
  const types = new Set<number>([0, 8, 255]);
  const edges = (set: Set<bigint>, rs: readonly R[], max: bigint): void => {
    for (const [lo, hi] of rs) for (const x of [lo - 1n, lo, lo + 1n, hi - 1n, hi, hi + 1n]) if (x >= 0n && x <= max) set.add(x);
  };
  for (const xs of sets) {
    for (const x of xs) {
      for (const s of [x.src, x.dst]) {
        edges(v4, s.v4.map(([a, b]) => [BigInt(a), BigInt(b)] as R), MAX[4]);
        edges(v6, s.v6, MAX[6]);
      }
      for (const e of x.svc.entries) {
        for (const [lo, hi] of e.ports ?? []) {
          const target = TYPE_PROTOCOLS.has(e.protocol) ? types : ports;
          const [min, max] = TYPE_PROTOCOLS.has(e.protocol) ? [0, 255] : [1, 65535];
          for (const q of [lo - 1, lo, hi, hi + 1]) if (q >= min && q <= max) target.add(q);
        }
      }
    }
  }
  return { v4: [...v4], v6: [...v6], ports: [...ports], types: [...types] };
}

/** A packet inside a product, chosen by the raw numbers; undefined when the product is empty. */
function packetIn(x: Prod, r: RawSetPacket): Packet | undefined {
  const ends = (s: AddressSet): PacketEnd[] => [
    ...s.v4.map(([a, b]) => [BigInt(a), BigInt(b)] as const).flatMap(([lo, hi]) => [lo, hi, lo + (hi - lo) / 2n].map((value): PacketEnd => ({ kind: 'address', family: 4, value }))),
    ...s.v6.flatMap(([lo, hi]) => [lo, hi, lo + (hi - lo) / 2n].map((value): PacketEnd => ({ kind: 'address', family: 6, value }))),
    ...s.opaque.map((role): PacketEnd => ({ kind: 'role', role })),
  ];
  const famOf = (e: PacketEnd): Family | undefined => (e.kind === 'address' ? e.family : undefined);
  const options: Packet[] = [];
  for (const source of ends(x.src)) {
    for (const destination of ends(x.dst)) {
      const fs = famOf(source);
      const fd = famOf(destination);
      if (fs !== undefined && fd !== undefined && fs !== fd) continue;
      const fam = fs ?? fd;
      const entries: ServiceEntry[] = x.svc.any ? SET_PROTOCOLS.map((protocol) => ({ protocol })) : [...x.svc.entries];
      for (const e of entries) {
        if ((e.protocol === 1 && fam === 6) || (e.protocol === 58 && fam === 4)) continue;
        const carries = PORT_PROTOCOLS.has(e.protocol) || TYPE_PROTOCOLS.has(e.protocol);
        if (!carries) {
          options.push({ source, destination, protocol: e.protocol });
          continue;
        }
        const ranges = e.ports ?? [PORT_PROTOCOLS.has(e.protocol) ? ([1, 65535] as const) : ([0, 255] as const)];
        const [lo, hi] = ranges[r.port % ranges.length]!;
        options.push({ source, destination, protocol: e.protocol, port: r.port % 2 === 0 ? lo : hi });
      }
    }
  }
  return options.length === 0 ? undefined : options[(r.src * 7 + r.dst + r.proto) % options.length];
}

function setPacket(pts: ReturnType<typeof setPoints>, r: RawSetPacket, aimAt: readonly Prod[]): Packet {
  if (r.aim !== undefined && aimAt.length > 0) {
    const p = packetIn(aimAt[r.aim % aimAt.length]!, r);
    if (p) return p;
  }
  const end = (role: boolean, n: number): PacketEnd => {
    if (role) return { kind: 'role', role: UNIVERSE_ROLES[n % UNIVERSE_ROLES.length]! };
    if (r.random !== undefined) return { kind: 'address', family: r.fam, value: (r.fam === 4 ? V4_BASE : V6_BASE) + BigInt(r.random + (n % 7)) };
    const list = r.fam === 4 ? pts.v4 : pts.v6;
    return { kind: 'address', family: r.fam, value: list[n % list.length]! };
  };
  const source = end(r.srcRole, r.src);
  const destination = end(r.dstRole, r.dst);
  let protocol = SET_PROTOCOLS[r.proto % SET_PROTOCOLS.length]!;
  const anyAddress = source.kind === 'address' || destination.kind === 'address';
  if (anyAddress && protocol === 1 && r.fam === 6) protocol = 58;
  else if (anyAddress && protocol === 58 && r.fam === 4) protocol = 1;
  if (PORT_PROTOCOLS.has(protocol)) return { source, destination, protocol, port: pts.ports[r.port % pts.ports.length]! };
  if (TYPE_PROTOCOLS.has(protocol)) return { source, destination, protocol, port: pts.types[r.port % pts.types.length]! };
  return { source, destination, protocol };
}

describe('a. packet sets obey the laws of set algebra', () => {
  it('on sets built from random products (IPv4, IPv6, opaque roles, services)', () => {
    const stats = { runs: 0, nonEmpty: 0, empty: 0, witnesses: 0, equalPairs: 0, unequalPairs: 0, products: 0, multiProduct: 0, inA: 0, notInA: 0, ipv6: 0, opaque: 0, rebuiltEqual: 0 };
    fc.assert(
      fc.property(
        setArb,
        setArb,
        setArb,
        fc.array(rawSetPacketArb, { minLength: 24, maxLength: 24 }),
        fc.bigInt({ min: 0n, max: MAX[4] }),
        fc.bigInt({ min: 0n, max: MAX[6] }),
        fc.nat(3),
        (xa, xb, xc, raws, cut4, cut6, bMode) => {
          stats.runs++;
          const u = new PacketUniverse(UNIVERSE_ROLES);
          const A = buildSet(u, xa);
          const C = buildSet(u, xc);
          // B is independent, or built from A so that it sometimes equals A.
          const xbEff = bMode === 0 ? xa : xb;
          const B0 = buildSet(u, xbEff);
          const B = bMode === 0 ? rebuildSet(u, xa, cut4, cut6) : bMode === 1 ? A.union(A.intersect(B0)) : B0;
          const nB = (p: Packet): boolean => (bMode === 1 ? inUnion(xa, p) : inUnion(xbEff, p));
          const E = u.empty();
          const ALL = u.all();
          const ctx = () => JSON.stringify({ xa, xb, xc, bMode }, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

          // Point-wise: every operation means what it says.
          const pts = setPoints([xa, xb, xc]);
          for (const raw of raws) {
            const p = setPacket(pts, raw, raw.src % 2 === 0 ? xa : xbEff);
            expect(validPacket(p)).toBe(true);
            const a = inUnion(xa, p);
            const b = nB(p);
            const c = inUnion(xc, p);
            const where = `${packetString(p)}\n${ctx()}`;
            expect(A.has(p), where).toBe(a);
            expect(B.has(p), where).toBe(b);
            expect(C.has(p), where).toBe(c);
            expect(A.union(B).has(p), where).toBe(a || b);
            expect(A.intersect(B).has(p), where).toBe(a && b);
            expect(A.minus(B).has(p), where).toBe(a && !b);
            expect(A.complement().has(p), where).toBe(!a);
            expect(ALL.has(p), where).toBe(true);
            expect(E.has(p), where).toBe(false);
            if (a) stats.inA++;
            else stats.notInA++;
            if (p.source.kind === 'role' || p.destination.kind === 'role') stats.opaque++;
            if ([p.source, p.destination].some((e) => e.kind === 'address' && e.family === 6)) stats.ipv6++;
          }

          // The laws.
          expect(A.union(B).equals(B.union(A)), ctx()).toBe(true);
          expect(A.intersect(B).equals(B.intersect(A)), ctx()).toBe(true);
          expect(A.union(B).union(C).equals(A.union(B.union(C))), ctx()).toBe(true);
          expect(A.intersect(B).intersect(C).equals(A.intersect(B.intersect(C))), ctx()).toBe(true);
          expect(A.intersect(B.union(C)).equals(A.intersect(B).union(A.intersect(C))), ctx()).toBe(true);
          expect(A.union(B.intersect(C)).equals(A.union(B).intersect(A.union(C))), ctx()).toBe(true);
          expect(A.union(E).equals(A), ctx()).toBe(true);
          expect(A.intersect(ALL).equals(A), ctx()).toBe(true);
          expect(A.intersect(E).isEmpty(), ctx()).toBe(true);
          expect(A.union(ALL).isAll(), ctx()).toBe(true);
          expect(A.minus(A).isEmpty(), ctx()).toBe(true);
          expect(A.minus(B).intersect(B).isEmpty(), ctx()).toBe(true);
          expect(A.minus(B).union(A.intersect(B)).equals(A), ctx()).toBe(true);
          expect(A.minus(B).equals(A.intersect(B.complement())), ctx()).toBe(true);
          expect(A.union(B).complement().equals(A.complement().intersect(B.complement())), ctx()).toBe(true);
          expect(A.intersect(B).complement().equals(A.complement().union(B.complement())), ctx()).toBe(true);
          expect(A.complement().complement().equals(A), ctx()).toBe(true);
          expect(A.union(A.complement()).isAll(), ctx()).toBe(true);
          expect(A.intersect(A.complement()).isEmpty(), ctx()).toBe(true);
          expect(A.isAll(), ctx()).toBe(A.complement().isEmpty());
          expect(ALL.isAll() && E.isEmpty() && !ALL.isEmpty() && !E.isAll(), ctx()).toBe(true);
          expect(ALL.complement().isEmpty() && E.complement().isAll(), ctx()).toBe(true);

          // equals is mutual inclusion.
          for (const [X, Y] of [
            [A, B],
            [A, C],
            [B, C],
          ] as const) {
            const eq = X.equals(Y);
            expect(eq, ctx()).toBe(X.minus(Y).isEmpty() && Y.minus(X).isEmpty());
            expect(Y.equals(X), ctx()).toBe(eq);
            if (eq) stats.equalPairs++;
            else stats.unequalPairs++;
          }
          if (bMode <= 1) {
            expect(A.equals(B), ctx()).toBe(true);
            stats.rebuiltEqual++;
          }

          // Emptiness is exact, and a witness is a valid member.
          const nonEmpty = xa.some(prodNonEmpty);
          expect(A.isEmpty(), ctx()).toBe(!nonEmpty);
          for (const X of [A, B, C, A.minus(B), A.complement(), A.intersect(C)]) {
            const w = X.witness();
            if (X.isEmpty()) {
              expect(w, ctx()).toBeUndefined();
            } else {
              expect(w, ctx()).toBeDefined();
              expect(validPacket(w!), `${packetString(w!)}\n${ctx()}`).toBe(true);
              expect(X.has(w!), `${packetString(w!)}\n${ctx()}`).toBe(true);
              stats.witnesses++;
            }
          }
          const wa = A.witness();
          if (wa) expect(inUnion(xa, wa), `${packetString(wa)}\n${ctx()}`).toBe(true);
          if (nonEmpty) stats.nonEmpty++;
          else stats.empty++;

          // The products listed are the set.
          for (const X of [A, A.minus(B), A.union(C).complement()]) {
            const products = X.products();
            stats.products += products.length;
            if (products.length > 1) stats.multiProduct++;
            const rebuilt = products.reduce((acc, p) => acc.union(u.product(p.source, p.destination, productServices(p.protocols, p.ports))), u.empty());
            expect(rebuilt.equals(X), ctx()).toBe(true);
            for (const p of products) expect(u.product(p.source, p.destination, productServices(p.protocols, p.ports)).isEmpty(), ctx()).toBe(false);
          }
        },
      ),
      { numRuns: runs(250) },
    );
    const n = runs(250);
    console.log(`set algebra: ${JSON.stringify(stats)}`);
    expect(stats.runs).toBe(n);
    expect(stats.nonEmpty).toBeGreaterThan(n / 4);
    expect(stats.empty).toBeGreaterThan(0);
    expect(stats.witnesses).toBeGreaterThan(n);
    expect(stats.equalPairs).toBeGreaterThan(n / 10);
    expect(stats.unequalPairs).toBeGreaterThan(n / 2);
    expect(stats.rebuiltEqual).toBeGreaterThan(n / 10);
    expect(stats.multiProduct).toBeGreaterThan(n / 4);
    expect(stats.inA).toBeGreaterThan(n);
    expect(stats.notInA).toBeGreaterThan(n);
    expect(stats.ipv6).toBeGreaterThan(n);
    expect(stats.opaque).toBeGreaterThan(n);
  }, TIMEOUT);
});

// =====================================================================================
// b. The permitted set is explain
// =====================================================================================

describe('b. the permitted set holds exactly the packets explain permits', () => {
  it('on random rulesets and packets aimed at their boundaries', () => {
    const stats = { rulesets: 0, packets: 0, permitted: 0, denied: 0, opaque: 0, ipv6: 0, witnesses: 0 };
    fc.assert(
      fc.property(modelArb, fc.array(rawPacketArb, { minLength: 24, maxLength: 24 }), (m, raws) => {
        stats.rulesets++;
        const l = load(m);
        const policy = rulesetPolicy(l.ir, 'main.pal');
        const u = new PacketUniverse(policy.opaqueRoles);
        const { permitted, domain } = permittedSet(u, policy);
        expect(domain.isAll(), l.text).toBe(true);
        const c = candidates(m);
        for (const raw of raws) {
          const pkt = buildPacket(c, raw).pkt;
          const p = toPacket(pkt);
          const where = `${l.text}\npacket: ${packetString(p)}`;
          expect(validPacket(p), where).toBe(true);
          const verdict = evaluate(l.ir, p).permitted;
          expect(naive(l, pkt), where).toBe(verdict);
          expect(permitted.has(p), where).toBe(verdict);
          stats.packets++;
          if (verdict) stats.permitted++;
          else stats.denied++;
          if (p.source.kind === 'role' || p.destination.kind === 'role') stats.opaque++;
          if ([p.source, p.destination].some((e) => e.kind === 'address' && e.family === 6)) stats.ipv6++;
        }
        // Witnesses of both sides are judged the same way by explain.
        const denied = permitted.complement();
        for (const [set, want] of [
          [permitted, true],
          [denied, false],
        ] as const) {
          const w = set.witness();
          if (w === undefined) continue;
          expect(validPacket(w), `${l.text}\n${packetString(w)}`).toBe(true);
          expect(evaluate(l.ir, w).permitted, `${l.text}\nwitness ${packetString(w)}`).toBe(want);
          stats.witnesses++;
        }
      }),
      { numRuns: runs(300) },
    );
    const n = runs(300);
    console.log(`permitted = explain: ${JSON.stringify(stats)}`);
    expect(stats.rulesets).toBe(n);
    expect(stats.permitted).toBeGreaterThan(n);
    expect(stats.denied).toBeGreaterThan(n);
    expect(stats.opaque).toBeGreaterThan(n / 4);
    expect(stats.ipv6).toBeGreaterThan(n / 4);
    expect(stats.witnesses).toBeGreaterThan(n);
  }, TIMEOUT);
});

// =====================================================================================
// Rewriting models
// =====================================================================================

/** Counts candidate sites in a first pass (k = -1), then rewrites the k-th in a second. */
class Picker {
  count = 0;
  hits = 0;
  constructor(readonly k: number) {}
  hit(): boolean {
    const yes = this.count++ === this.k;
    if (yes) this.hits++;
    return yes;
  }
}

function mapItems(items: readonly Item[], f: (r: Rule) => Rule[]): Item[] {
  return items.flatMap((it): Item[] => {
    if (it.t === 'rule') return f(it.rule).map((rule) => ({ t: 'rule', rule }));
    const then = mapItems(it.then, f);
    return it.else ? [{ ...it, then, else: mapItems(it.else, f) }] : [{ ...it, then }];
  });
}

function mapItemLists(items: readonly Item[], f: (list: Item[]) => Item[]): Item[] {
  const inner = items.map((it): Item => {
    if (it.t === 'rule') return it;
    const then = mapItemLists(it.then, f);
    return it.else ? { ...it, then, else: mapItemLists(it.else, f) } : { ...it, then };
  });
  return f(inner);
}

function allRules(m: Model): Rule[] {
  const out: Rule[] = [];
  mapItems(m.items, (r) => (out.push(r), [r]));
  return out;
}

function mapTerms(e: AddrExpr, f: (t: Term) => Term[]): AddrExpr {
  const one = (t: Term): Term[] => (t.t === 'group' ? f({ t: 'group', e: mapTerms(t.e, f) }) : f(t));
  return { inc: e.inc.flatMap(one), exc: e.exc.flatMap(one) };
}

/** Rewrites every address expression of the model (declarations and rules). */
function mapModelTerms(m: Model, f: (t: Term) => Term[]): Model {
  return {
    ...m,
    addrs: m.addrs.map((d) => (d.expr ? { ...d, expr: mapTerms(d.expr, f) } : d)),
    items: mapItems(m.items, (r) => [{ ...r, src: mapTerms(r.src, f), dst: mapTerms(r.dst, f) }]),
  };
}

/** Rewrites every service list of the model (declarations and rules). */
function mapModelSvcs(m: Model, f: (s: Svc) => Svc[]): Model {
  return {
    ...m,
    svcs: m.svcs.map((d) => ({ ...d, terms: d.terms.flatMap(f) })),
    items: mapItems(m.items, (r) => [{ ...r, svcs: r.svcs.flatMap(f) }]),
  };
}

/** Applies a site rewrite to the k-th site (mod their number); undefined when there is none. */
function atSite(k: number, rewrite: (pick: Picker) => Model): Model | undefined {
  const counter = new Picker(-1);
  rewrite(counter);
  if (counter.count === 0) return undefined;
  const pick = new Picker(k % counter.count);
  const out = rewrite(pick);
  expect(pick.hits).toBe(1);
  return out;
}

function halves(c: Cidr): [Cidr, Cidr] {
  const len = c.len + 1;
  return [
    { ...c, len },
    { ...c, len, base: c.base + (1n << BigInt(BITS[c.fam] - len)) },
  ];
}

function splitCidr(m: Model, k: number): Model | undefined {
  return atSite(k, (pick) => {
    const split = (c: Cidr): Cidr[] => (c.len < BITS[c.fam] && pick.hit() ? halves(c) : [c]);
    const out = mapModelTerms(m, (t) => (t.t === 'cidr' ? split(t.c).map((c): Term => ({ t: 'cidr', c })) : [t]));
    return { ...out, cidrParams: out.cidrParams.map((p) => (p.list ? { ...p, values: p.values.flatMap(split) } : p)) };
  });
}

function splitPortRange(m: Model, k: number, separate: boolean): Model | undefined {
  return atSite(k, (pick) =>
    mapModelSvcs(m, (s) => {
      if (s.t !== 'ports' || !s.items) return [s];
      let extra: PortItem | undefined;
      const items = s.items.flatMap((i): PortItem[] => {
        if (i.t !== 'range' || i.from === i.to || !pick.hit()) return [i];
        const mid = Math.floor((i.from + i.to) / 2);
        const lo: PortItem = { t: 'range', from: i.from, to: mid, dashed: true };
        const hi: PortItem = { t: 'range', from: mid + 1, to: i.to, dashed: true };
        if (!separate) return [lo, hi];
        extra = hi;
        return [lo];
      });
      return extra ? [{ ...s, items }, { t: 'ports', proto: s.proto, items: [extra] }] : [{ ...s, items }];
    }),
  );
}

/** Merges overlapping or adjacent port ranges within each service term. */
function mergePortRanges(m: Model): Model | undefined {
  let changed = false;
  const out = mapModelSvcs(m, (s) => {
    if (s.t !== 'ports' || !s.items) return [s];
    const ranges = s.items.filter((i): i is Extract<PortItem, { t: 'range' }> => i.t === 'range');
    const merged = intervals.normalize(ranges.map((r) => [r.from, r.to] as const));
    if (merged.length === ranges.length) return [s];
    changed = true;
    const others = s.items.filter((i) => i.t !== 'range');
    return [{ ...s, items: [...others, ...merged.map(([from, to]): PortItem => ({ t: 'range', from, to, dashed: from !== to }))] }];
  });
  return changed ? out : undefined;
}

/** Renames every zone, role with addresses, service and named rule (opaque roles are identities, not names). */
function rename(m: Model): Model {
  return {
    ...m,
    addrs: m.addrs.map((d) => (d.expr ? { ...d, name: `n-${d.name}` } : d)),
    svcs: m.svcs.map((s) => ({ ...s, name: `s-${s.name}` })),
    items: mapItems(m.items, (r) => [r.name === undefined ? r : { ...r, name: `r-${r.name}` }]),
  };
}

function nextId(m: Model): number {
  return allRules(m).reduce((acc, r) => Math.max(acc, r.id), -1) + 1;
}

/** A copy of a rule, without its name (names are unique), right after it. */
function duplicateRule(m: Model, k: number): Model | undefined {
  const id = nextId(m);
  return atSite(k, (pick) =>
    ({
      ...m,
      items: mapItems(m.items, (r) => {
        if (!pick.hit()) return [r];
        const { name: _name, ...copy } = r;
        return [r, { ...copy, id }];
      }),
    }) as Model,
  );
}

/** The ids of the rules in effect (in a taken branch, and not rejected as never matching). */
function liveIds(m: Model): Set<number> {
  return new Set(liveRules(m, predictNeverMatches(m)).map((r) => r.id));
}

const isSite = (r: Rule, live: ReadonlySet<number> | undefined): boolean => live === undefined || live.has(r.id);

/**
 * The adjacent rule pairs (within one list of statements; with `live`, pairs of which one is in
 * effect), and the model with the k-th pair swapped.
 */
function swapAdjacent(
  m: Model,
  k: number,
  live?: ReadonlySet<number>,
  /** Only pairs of rules in effect with different actions. */
  differentActions = false,
): { model: Model; first: Rule; second: Rule } | undefined {
  let found: { first: Rule; second: Rule } | undefined;
  const model = atSite(k, (pick) => ({
    ...m,
    items: mapItemLists(m.items, (list) => {
      const out = [...list];
      for (let i = 0; i + 1 < out.length; i++) {
        const a = out[i]!;
        const b = out[i + 1]!;
        const eligible =
          a.t === 'rule' &&
          b.t === 'rule' &&
          (differentActions ? isSite(a.rule, live) && isSite(b.rule, live) && a.rule.action !== b.rule.action : isSite(a.rule, live) || isSite(b.rule, live));
        if (eligible && pick.hit()) {
          out[i] = b;
          out[i + 1] = a;
          if (pick.k >= 0 && a.t === 'rule' && b.t === 'rule') found = { first: a.rule, second: b.rule };
        }
      }
      return out;
    }),
  }));
  return model && found ? { model, ...found } : undefined;
}

/**
 * A rule in effect and a copy of it with the other action, next to it: the copy first (`before`),
 * or after it, where it is shadowed.
 */
function withOpposedCopy(m: Model, k: number, live: ReadonlySet<number>, before: boolean): Model | undefined {
  const id = nextId(m);
  return atSite(k, (pick) => ({
    ...m,
    items: mapItems(m.items, (r) => {
      if (!isSite(r, live) || !pick.hit()) return [r];
      const { name: _name, ...rest } = r;
      const copy: Rule = { ...rest, id, action: r.action === 'allow' ? 'deny' : 'allow' };
      return before ? [copy, r] : [r, copy];
    }),
  }));
}

function deleteRule(m: Model, k: number, live?: ReadonlySet<number>): Model | undefined {
  return atSite(k, (pick) => ({ ...m, items: mapItems(m.items, (r) => (isSite(r, live) && pick.hit() ? [] : [r])) }));
}

function flipRule(m: Model, k: number, live?: ReadonlySet<number>): Model | undefined {
  return atSite(k, (pick) => ({
    ...m,
    items: mapItems(m.items, (r) => [isSite(r, live) && pick.hit() ? { ...r, action: r.action === 'allow' ? 'deny' : 'allow' } : r]),
  }));
}

function replaceServices(m: Model, id: number, svcs: readonly Svc[]): Model {
  return { ...m, items: mapItems(m.items, (r) => [r.id === id ? { ...r, svcs } : r]) };
}

/** Widens or narrows one port (or type) range of a rule in effect, or of a service, by a few ports at either end. */
function resizePortRange(m: Model, k: number, dLo: number, dHi: number, live?: ReadonlySet<number>): Model | undefined {
  return atSite(k, (pick) => {
    const resize = (s: Svc): Svc => {
      if (s.t !== 'ports' || !s.items) return s;
      const [min, max] = s.proto === 'icmp' || s.proto === 'icmpv6' ? [0, 255] : [1, 65535];
      const items = s.items.map((i): PortItem => {
        if (i.t !== 'range' || !pick.hit()) return i;
        let from = Math.min(max, Math.max(min, i.from + dLo));
        let to = Math.min(max, Math.max(min, i.to + dHi));
        if (from > to) [from, to] = [to, from];
        return { t: 'range', from, to, dashed: true };
      });
      return { ...s, items };
    };
    return {
      ...m,
      svcs: m.svcs.map((d) => ({ ...d, terms: d.terms.map(resize) })),
      items: mapItems(m.items, (r) => [isSite(r, live) ? { ...r, svcs: r.svcs.map(resize) } : r]),
    };
  });
}

/** Replaces a CIDR in a rule's source (or, when it has none, its first source term) with another. */
function changeSourceCidr(m: Model, k: number, c: Cidr, live?: ReadonlySet<number>): Model | undefined {
  return atSite(k, (pick) => ({
    ...m,
    items: mapItems(m.items, (r) => {
      if (!isSite(r, live) || !pick.hit()) return [r];
      let replaced = false;
      const src = mapTerms(r.src, (t) => (t.t === 'cidr' && !replaced ? ((replaced = true), [{ t: 'cidr', c }]) : [t]));
      return [{ ...r, src: replaced ? src : { ...r.src, inc: [{ t: 'cidr', c }, ...r.src.inc.slice(1)] } }];
    }),
  }));
}

// =====================================================================================
// c. Rewritings that keep the meaning are reported equivalent
// =====================================================================================

function diffModels(a: Loaded, b: Loaded): DiffResult {
  return diffPolicies(rulesetPolicy(a.ir, 'a.pal'), rulesetPolicy(b.ir, 'b.pal'));
}

function describeDiff(result: DiffResult): string {
  return JSON.stringify(jsonDifferences(result), null, 1);
}

/**
 * Sample packets (aimed at both models) on which both are judged, naively and by explain; with
 * `focus`, every other packet is aimed at that rule (in whichever model it is in effect).
 */
function samplePackets(a: Loaded, b: Loaded, raws: readonly RawPacket[], focus?: number): Pkt[] {
  const ca = candidates(a.model);
  const c = mergeCandidates(ca, candidates(b.model));
  const ia = a.rules.findIndex((r) => r.id === focus);
  const ib = b.rules.findIndex((r) => r.id === focus);
  const target = ia >= 0 ? ia : ib >= 0 ? ca.targets.length + ib : undefined;
  return raws.map((r, i) => buildPacket(c, target !== undefined && i % 2 === 0 ? { ...r, target } : r).pkt);
}

/** The id of the first rule that differs between two models (moved, changed, added or removed). */
function editedRule(a: Model, b: Model): number | undefined {
  const ra = allRules(a);
  const rb = allRules(b);
  const key = (r: Rule | undefined): string => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
    if (key(ra[i]) !== key(rb[i])) return (ra[i] ?? rb[i])!.id;
  }
  return undefined;
}

type Equivalence = 'same' | 'swapDisjoint' | 'swapSameAction' | 'swapDead' | 'splitCidr' | 'splitPorts' | 'splitPortTerms' | 'mergePorts' | 'mergeCidr' | 'rename' | 'move' | 'duplicate';
const EQUIVALENCES: readonly Equivalence[] = ['same', 'swapDisjoint', 'splitCidr', 'splitPorts', 'splitPortTerms', 'mergePorts', 'mergeCidr', 'rename', 'move', 'duplicate'];

describe('c. rewritings that keep the meaning are equivalent', () => {
  it('diff(a, a), swaps of rules that cannot both match, split and merged ranges, renames, moved declarations', () => {
    const stats: Record<string, number> = { runs: 0, applied: 0, textChanged: 0 };
    fc.assert(
      fc.property(
        modelArb,
        fc.constantFrom(...EQUIVALENCES),
        fc.nat(),
        fc.array(fc.nat(12), { minLength: 16, maxLength: 16 }),
        fc.boolean(),
        fc.array(rawPacketArb, { minLength: 12, maxLength: 12 }),
        (m, kind, k, positions, toggleImport, raws) => {
          stats['runs']!++;
          let a = m;
          let b: Model | undefined;
          let label: string = kind;
          switch (kind) {
            case 'same':
              b = m;
              break;
            case 'swapDisjoint': {
              // Which adjacent rules may trade places: one in a branch not taken (or never
              // matching), the same action, or match sets that are disjoint (by the engine).
              const classify = (base: Model, sw: { first: Rule; second: Rule }): string => {
                const lm = load(base);
                const ids = lm.rules.map((r) => r.id);
                const i = ids.indexOf(sw.first.id);
                const j = ids.indexOf(sw.second.id);
                if (i < 0 || j < 0) return 'swapDead';
                if (sw.first.action === sw.second.action) return 'swapSameAction';
                const ri = lm.ir.rules[i]!;
                const rj = lm.ir.rules[j]!;
                const u = new PacketUniverse(rulesetPolicy(lm.ir, 'a').opaqueRoles);
                const overlap = u
                  .product(ri.source.addresses, ri.destination.addresses, ri.services)
                  .intersect(u.product(rj.source.addresses, rj.destination.addresses, rj.services));
                return overlap.isEmpty() ? 'swapDisjoint' : 'overlap';
              };
              // Preferably two rules in effect with different actions (the case that needs disjointness).
              let swapped = swapAdjacent(m, k, liveIds(m), true) ?? swapAdjacent(m, k);
              if (!swapped) break;
              label = classify(m, swapped);
              if (label === 'overlap') {
                // Make them disjoint: the second rule now matches only OSPF (proto/89).
                a = replaceServices(m, swapped.second.id, [{ t: 'num', n: 89 }]);
                swapped = swapAdjacent(a, k, liveIds(a), true) ?? swapAdjacent(a, k)!;
                const again = classify(a, swapped);
                stats[`remade:${again}`] = (stats[`remade:${again}`] ?? 0) + 1;
                if (again !== 'swapDisjoint') return;
                label = 'swapMadeDisjoint';
              }
              b = swapped.model;
              break;
            }
            case 'splitCidr':
              b = splitCidr(m, k);
              break;
            case 'splitPorts':
              b = splitPortRange(m, k, false);
              break;
            case 'splitPortTerms':
              b = splitPortRange(m, k, true);
              break;
            case 'mergePorts':
              // Ranges that happen to touch are merged; otherwise a range split in two is merged back.
              b = mergePortRanges(m);
              if (!b) {
                const split = splitPortRange(m, k, false);
                if (split) [a, b] = [split, m];
              } else label = 'mergePortsNatural';
              break;
            case 'mergeCidr': {
              const split = splitCidr(m, k);
              if (split) [a, b] = [split, m];
              break;
            }
            case 'rename':
              b = rename(m);
              break;
            case 'move':
              b = { ...m, positions, useImport: toggleImport ? !m.useImport : m.useImport };
              break;
            case 'duplicate':
              b = duplicateRule(m, k);
              break;
          }
          if (!b) return;
          const la = load(a);
          const lb = load(b);
          // (A rewriting of a rule that never matches, left out of the printed text, changes nothing.)
          if (lb.text !== la.text) stats['textChanged']!++;
          const context = `${label}\n=== A\n${la.text}=== B\n${lb.text}`;
          // The rewriting really keeps the meaning (a check of this test, by the naive evaluator).
          for (const pkt of samplePackets(la, lb, raws)) {
            expect(naive(lb, pkt), `naive evaluator: the rewriting changed ${packetString(toPacket(pkt))}\n${context}`).toBe(naive(la, pkt));
          }
          const result = diffModels(la, lb);
          expect(result.equivalent, `${context}\n${describeDiff(result)}`).toBe(true);
          expect(result.addedSet.isEmpty() && result.removedSet.isEmpty(), context).toBe(true);
          expect(jsonDifferences(result)).toEqual({ equivalent: true, differences: [] });
          stats['applied']!++;
          stats[label] = (stats[label] ?? 0) + 1;
        },
      ),
      { numRuns: runs(300) },
    );
    const n = runs(300);
    console.log(`equivalences: ${JSON.stringify(stats)}`);
    stats['swapDisjoint'] = (stats['swapDisjoint'] ?? 0) + (stats['swapMadeDisjoint'] ?? 0);
    for (const kind of EQUIVALENCES) if (kind !== 'mergePorts') expect(stats[kind] ?? 0, `${kind}: ${JSON.stringify(stats)}`).toBeGreaterThan(n / 100);
    expect((stats['mergePorts'] ?? 0) + (stats['mergePortsNatural'] ?? 0)).toBeGreaterThan(n / 100);
    expect(stats['mergePortsNatural'] ?? 0).toBeGreaterThan(0);
    expect(stats['textChanged']).toBeGreaterThan(stats['applied']! - (stats['same'] ?? 0) - n / 10);
  }, TIMEOUT);
});

// =====================================================================================
// d. Edits that change the meaning are reported, with real examples
// =====================================================================================

/** The protocols a difference lists: `any`, or names, numbers and ranges. */
function listedProtocols(text: string): (p: number) => boolean {
  if (text === 'any') return () => true;
  const parts = text.split(',').map((s): [number, number] => {
    const range = /^(\d+)-(\d+)$/.exec(s);
    if (range) return [Number(range[1]), Number(range[2])];
    const n = PROTO[s] ?? Number(s);
    expect(Number.isInteger(n), `protocol ${JSON.stringify(s)}`).toBe(true);
    return [n, n];
  });
  return (p) => parts.some(([lo, hi]) => lo <= p && p <= hi);
}

function listedEnds(list: readonly string[], e: PacketEnd): boolean {
  return list.some((s) => {
    if (!s.includes('/')) return e.kind === 'role' && e.role === s;
    if (e.kind !== 'address') return false;
    const set = cidrSet(s);
    return containsAddress(set, e.family, e.value);
  });
}

function listedPorts(list: readonly string[], protocol: number, port: number | undefined): boolean {
  if (list.length === 0) return port === undefined;
  if (port === undefined) return false;
  return list.some((s) => {
    const range = /^(\d+)-(\d+)$/.exec(s);
    if (range) return Number(range[1]) <= port && port <= Number(range[2]);
    if (/^\d+$/.test(s)) return Number(s) === port;
    return icmpTypeTable(protocol)[s] === port;
  });
}

/** An example of `diff --format json` back as a packet, as `palisade explain` would read it. */
function exampleToPacket(ex: JsonDifference['example'], opaqueRoles: readonly string[]): Packet {
  const protocol = PROTO[ex.protocol] ?? Number(ex.protocol);
  expect(Number.isInteger(protocol), `protocol ${ex.protocol}`).toBe(true);
  const end = (s: string): PacketEnd => {
    const a = parseAddress(s);
    if (a) return { kind: 'address', family: a.family, value: a.value };
    expect(opaqueRoles, `end ${s}`).toContain(s);
    return { kind: 'role', role: s };
  };
  expect(ex.port === undefined || ex.type === undefined).toBe(true);
  if (ex.port !== undefined) expect(PORT_PROTOCOLS.has(protocol), JSON.stringify(ex)).toBe(true);
  if (ex.type !== undefined) expect(TYPE_PROTOCOLS.has(protocol), JSON.stringify(ex)).toBe(true);
  const base = { source: end(ex.src), destination: end(ex.dst), protocol };
  const port = ex.port ?? ex.type;
  return port === undefined ? base : { ...base, port };
}

const diffStats = { examples: 0, added: 0, removed: 0 };

/**
 * Every difference's example is a valid packet of the product it lists, and explain on both
 * operands shows the claimed change.
 */
function checkExamples(
  result: DiffResult,
  irA: Ruleset,
  irB: Ruleset,
  context: string,
  independent?: (p: Packet) => { a: boolean; b: boolean },
): void {
  const json = jsonDifferences(result);
  expect(json.equivalent).toBe(result.equivalent);
  expect(json.differences.length > 0, context).toBe(!result.equivalent);
  const opaque = [...new Set([...irA.roles, ...irB.roles].filter((r) => r.addresses === undefined).map((r) => r.name))];
  for (const d of json.differences) {
    const where = `${context}\ndifference: ${JSON.stringify(d)}`;
    const p = exampleToPacket(d.example, opaque);
    expect(validPacket(p), where).toBe(true);
    expect(listedProtocols(d.protocol)(p.protocol), where).toBe(true);
    expect(listedEnds(d.src, p.source), where).toBe(true);
    expect(listedEnds(d.dst, p.destination), where).toBe(true);
    expect(listedPorts(d.ports, p.protocol, p.port), where).toBe(true);
    const a = evaluate(irA, p).permitted;
    const b = evaluate(irB, p).permitted;
    // added: permitted by B and not by A; removed: the reverse.
    expect({ a, b }, where).toEqual(d.change === 'added' ? { a: false, b: true } : { a: true, b: false });
    if (independent) expect(independent(p), `${where}\n(the naive evaluator)`).toEqual({ a, b });
    expect((d.change === 'added' ? result.addedSet : result.removedSet).has(p), where).toBe(true);
    diffStats.examples++;
    diffStats[d.change]++;
  }
}

type Edit = 'flip' | 'widenNarrow' | 'sourceCidr' | 'delete' | 'insert' | 'swap' | 'default';
const EDITS: readonly Edit[] = ['flip', 'widenNarrow', 'sourceCidr', 'delete', 'insert', 'swap', 'default'];

describe('d. edits that change the meaning are reported, and every JSON example shows the change', () => {
  it('on many random pairs', () => {
    const stats: Record<string, number> = { pairs: 0, changedNaive: 0, notEquivalent: 0, equivalent: 0, packets: 0 };
    for (const k of Object.keys(diffStats) as (keyof typeof diffStats)[]) diffStats[k] = 0;
    fc.assert(
      fc.property(
        modelArb,
        fc.constantFrom(...EDITS),
        fc.nat(),
        fc.oneof(fc.integer({ min: -6, max: 6 }), fc.integer({ min: -400, max: 400 })),
        fc.oneof(fc.integer({ min: -6, max: 6 }), fc.integer({ min: -400, max: 400 })),
        cidrArb,
        fc.array(rawPacketArb, { minLength: 30, maxLength: 30 }),
        (m, edit, k, dLo, dHi, cidr, raws) => {
          let a = m;
          let b: Model | undefined;
          const live = liveIds(m);
          switch (edit) {
            case 'flip':
              b = flipRule(m, k, live);
              break;
            case 'widenNarrow':
              b = resizePortRange(m, k, dLo, dHi, live);
              break;
            case 'sourceCidr':
              b = changeSourceCidr(m, k, cidr, live);
              break;
            case 'delete':
              b = deleteRule(m, k, live);
              break;
            case 'insert': {
              const without = deleteRule(m, k, live);
              if (without) [a, b] = [without, m];
              break;
            }
            case 'swap':
              if (k % 2 === 0) {
                b = swapAdjacent(m, k >> 1, live, true)?.model;
              } else {
                // Two overlapping rules of different actions trade places.
                const shadowed = withOpposedCopy(m, k >> 1, live, false);
                if (shadowed) [a, b] = [shadowed, withOpposedCopy(m, k >> 1, live, true)!];
              }
              break;
            case 'default':
              // The other action than the one in effect, written at the top level.
              b =
                k % 2 === 0
                  ? { ...m, ingress: { t: 'top', action: defaultAction(m, m.ingress, 'deny') === 'deny' ? 'allow' : 'deny' } }
                  : { ...m, egress: { t: 'top', action: defaultAction(m, m.egress, 'allow') === 'allow' ? 'deny' : 'allow' } };
              break;
          }
          if (!b) return;
          stats['pairs']!++;
          const la = load(a);
          const lb = load(b);
          const context = `${edit}\n=== A\n${la.text}=== B\n${lb.text}`;
          const result = diffModels(la, lb);
          let changed: Packet | undefined;
          for (const pkt of samplePackets(la, lb, raws, editedRule(a, b))) {
            const p = toPacket(pkt);
            const na = naive(la, pkt);
            const nb = naive(lb, pkt);
            const where = `${context}\npacket ${packetString(p)}`;
            expect(evaluate(la.ir, p).permitted, where).toBe(na);
            expect(evaluate(lb.ir, p).permitted, where).toBe(nb);
            // The difference sets hold exactly the packets whose verdict changed.
            expect(result.addedSet.has(p), `${where}\n${describeDiff(result)}`).toBe(!na && nb);
            expect(result.removedSet.has(p), `${where}\n${describeDiff(result)}`).toBe(na && !nb);
            if (na !== nb) changed ??= p;
            stats['packets']!++;
          }
          if (changed) {
            stats['changedNaive']!++;
            expect(result.equivalent, `${context}\nchanged: ${packetString(changed)}`).toBe(false);
          }
          if (result.equivalent) stats['equivalent']!++;
          else stats['notEquivalent']!++;
          checkExamples(result, la.ir, lb.ir, context, (p) => ({ a: naive(la, fromPacket(p)), b: naive(lb, fromPacket(p)) }));
          // A change, seen by the naive evaluator or reported by the engine with examples checked above.
          if (changed || !result.equivalent) stats[`changed:${edit}`] = (stats[`changed:${edit}`] ?? 0) + 1;
        },
      ),
      { numRuns: runs(300) },
    );
    const n = runs(300);
    console.log(`diff edits: ${JSON.stringify({ ...stats, ...diffStats })}`);
    expect(stats['changedNaive']).toBeGreaterThan(n / 6);
    expect(stats['notEquivalent']).toBeGreaterThan(n / 4);
    for (const edit of EDITS) expect(stats[`changed:${edit}`] ?? 0, `${edit}: ${JSON.stringify(stats)}`).toBeGreaterThan(n / 100);
    expect(diffStats.examples).toBeGreaterThan(n);
    expect(diffStats.added).toBeGreaterThan(n / 5);
    expect(diffStats.removed).toBeGreaterThan(n / 5);
  }, TIMEOUT);
});

// =====================================================================================
// e. nftables round trip
// =====================================================================================

const nftables = getBackend('nftables');

/** Compiles to nftables, reads the artifacts back, and diffs them with the ruleset. */
function roundTrip(ir: Ruleset, artifacts: readonly { path: string; contents: string }[], context: string): { result: DiffResult; read: Policy } {
  const read = nftables.read!(
    artifacts.map((a) => ({ path: a.path, text: a.contents })),
    { roles: ir.roles },
  );
  expect(errorsText(read.diagnostics), context).toBe('');
  expect(read.policy, context).toBeDefined();
  const artifact = { ...read.policy!, label: 'nftables' };
  const result = diffPolicies(rulesetPolicy(ir, 'ruleset'), artifact);
  expect(result.equivalent, `${context}\n${describeDiff(result)}`).toBe(true);
  return { result, read: artifact };
}

/** Models where every role has addresses (the nftables target needs them) and there is a role. */
const nftModelArb: fc.Arbitrary<Model> = fc.tuple(modelArb, fc.array(cidrArb, { minLength: 7, maxLength: 7 })).map(([m, cidrs]) => {
  let addrs = m.addrs.map((d, i) => (d.kind === 'role' && !d.expr ? { ...d, expr: { inc: [{ t: 'cidr' as const, c: cidrs[i]! }], exc: [] } } : d));
  if (!addrs.some((d) => d.kind === 'role')) addrs = addrs.map((d, i) => (i === 0 ? { ...d, kind: 'role' as const } : d));
  return { ...m, addrs };
});

describe('e. nftables: compile, read back, diff', () => {
  it('is equivalent for random rulesets', () => {
    const stats = { rulesets: 0, artifacts: 0, outputChains: 0, packets: 0, judged: 0, judgedPermitted: 0, judgedDenied: 0, ipv6Judged: 0 };
    fc.assert(
      fc.property(nftModelArb, fc.array(rawPacketArb, { minLength: 20, maxLength: 20 }), (m, raws) => {
        const l = load(m);
        const compiled = compile({ entry: 'main.pal', read: memory(l.files), target: 'nftables' });
        expect(errorsText(compiled.diagnostics), l.text).toBe('');
        const artifacts = compiled.artifacts!;
        const context = `${l.text}${artifacts.map((a) => `--- ${a.path}\n${a.contents}`).join('')}`;
        const { result, read } = roundTrip(l.ir, artifacts, context);
        // Each host's file alone decides what it judges as the ruleset does (it may not rely on
        // the other hosts' output chains).
        for (const artifact of artifacts) roundTrip(l.ir, [artifact], `${context}\n(${artifact.path} alone)`);
        stats.rulesets++;
        stats.artifacts += artifacts.length;
        stats.outputChains += artifacts.filter((a) => a.contents.includes('chain output')).length;
        // Point-wise too: where the artifact judges a packet, it judges it as explain does.
        const { permitted, domain } = permittedSet(result.universe, read);
        const c = candidates(m);
        for (const raw of raws) {
          const p = toPacket(buildPacket(c, raw).pkt);
          stats.packets++;
          if (!domain.has(p)) continue;
          const want = evaluate(l.ir, p).permitted;
          expect(permitted.has(p), `${context}\npacket ${packetString(p)}`).toBe(want);
          stats.judged++;
          if (want) stats.judgedPermitted++;
          else stats.judgedDenied++;
          if ([p.source, p.destination].some((e) => e.kind === 'address' && e.family === 6)) stats.ipv6Judged++;
        }
      }),
      { numRuns: runs(160) },
    );
    const n = runs(160);
    console.log(`nftables round trip: ${JSON.stringify(stats)}`);
    expect(stats.rulesets).toBe(n);
    expect(stats.outputChains).toBeGreaterThan(n / 10);
    expect(stats.judgedPermitted).toBeGreaterThan(n);
    expect(stats.judgedDenied).toBeGreaterThan(n);
    expect(stats.ipv6Judged).toBeGreaterThan(n / 10);
  }, TIMEOUT);

  it('reads back ICMP type names that hold hyphens (echo-request, nd-router-solicit)', () => {
    // Found by the property above: the reader took `echo-request` for a range `echo`-`request`.
    const files = { 'main.pal': 'role web = 10.0.1.0/24\nrole v6 = fd00::/64\nping allow any -> [web, v6] icmp/echo-request, icmpv6/echo-request\n' };
    const l = analyze({ entry: 'main.pal', read: memory(files) });
    const compiled = compile({ entry: 'main.pal', read: memory(files), target: 'nftables' });
    const text = compiled.artifacts!.map((a) => a.contents).join('');
    expect(text).toContain('icmp type echo-request');
    expect(text).toContain('icmpv6 type { nd-router-solicit,');
    roundTrip(l.ir!, compiled.artifacts!, text);
  });

  const readFile = (p: string) => {
    try {
      return { text: readFileSync(p, 'utf8') };
    } catch {
      return { error: 'no such file' };
    }
  };

  describe.each(goldenCases)('the golden of $name', ({ name, file, set }) => {
    it('is equivalent to its ruleset, read back', () => {
      const analyzed = analyze({ entry: file, read: readFile, set: assignments(...set) });
      expect(errorsText(analyzed.diagnostics)).toBe('');
      const dir = path.join('test/golden/nftables', name);
      const goldens = readdirSync(dir)
        .filter((f) => f.endsWith('.nft'))
        .sort()
        .map((f) => ({ path: f, contents: readFileSync(path.join(dir, f), 'utf8') }));
      expect(goldens.length).toBe(analyzed.ir!.roles.length);
      roundTrip(analyzed.ir!, goldens, `${file} ${set.join(' ')}`);
      for (const golden of goldens) roundTrip(analyzed.ir!, [golden], `${file} ${set.join(' ')}: ${golden.path} alone`);
    });
  });
});
