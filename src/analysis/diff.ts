/**
 * `palisade diff A B`: the exact difference between the packets two policies permit, within
 * the packets both judge (everything for a ruleset; an artifact's scope otherwise).
 *
 * `added` is permitted by B and not by A, `removed` the reverse. Each is reported as products
 * (protocol × ports × sources × destinations), each with a real example packet; the text form
 * groups them under the rule that decides them, in the operand's own words.
 */
import { formatAddress, icmpTypeName, protocolLabel, setToCidrs, type AddressSet, type Packet, type PacketEnd } from '../ir/index.js';
import type { Range } from '../ir/intervals.js';
import { location } from '../diagnostics/index.js';
import { FALSE, type Node } from './bdd.js';
import { decompose, type Product } from './decompose.js';
import type { PacketSpace } from './encoding.js';
import { PacketUniverse, type PacketSet } from './packet-set.js';
import { PolicyAnalysis } from './permitted.js';
import type { Policy } from './policy.js';
import { splitByDecider } from './attribute.js';
import { packetText } from './explain.js';

export interface DiffResult {
  /** The universe of the sets below (it knows both policies' opaque roles). */
  readonly universe: PacketUniverse;
  readonly space: PacketSpace;
  readonly a: PolicyAnalysis;
  readonly b: PolicyAnalysis;
  readonly added: Node;
  readonly removed: Node;
  /** `added` and `removed` as packet sets. */
  readonly addedSet: PacketSet;
  readonly removedSet: PacketSet;
  readonly equivalent: boolean;
}

export function diffPolicies(a: Policy, b: Policy): DiffResult {
  const universe = new PacketUniverse([...a.opaqueRoles, ...b.opaqueRoles]);
  const space = universe.space;
  const pa = new PolicyAnalysis(space, a);
  const pb = new PolicyAnalysis(space, b);
  const bdd = space.bdd;
  const domain = bdd.and(pa.domain(), pb.domain());
  const inA = bdd.and(pa.permitted(), domain);
  const inB = bdd.and(pb.permitted(), domain);
  const added = bdd.diff(inB, inA);
  const removed = bdd.diff(inA, inB);
  return {
    universe,
    space,
    a: pa,
    b: pb,
    added,
    removed,
    addedSet: universe.wrap(added),
    removedSet: universe.wrap(removed),
    equivalent: added === FALSE && removed === FALSE,
  };
}

// ------------------------------------------------------------------ products as data

export interface JsonExample {
  readonly protocol: string;
  readonly src: string;
  readonly dst: string;
  readonly port?: number;
  readonly type?: number;
}

export interface JsonDifference {
  readonly change: 'added' | 'removed';
  readonly protocol: string;
  readonly src: readonly string[];
  readonly dst: readonly string[];
  readonly ports: readonly string[];
  readonly example: JsonExample;
}

const TYPE_PROTOCOLS = new Set([1, 58]);

/** `tcp`, `47`, or a range of protocol numbers `2-5`; `any` for every protocol. */
export function protocolName(protocols: readonly Range<number>[]): string {
  if (protocols.length === 1 && protocols[0]![0] === 0 && protocols[0]![1] === 255) return 'any';
  return protocols
    .map(([lo, hi]) => (lo === hi ? protocolLabel(lo).replace(/^proto\//, '') : `${lo}-${hi}`))
    .join(',');
}

function portNames(product: Product): string[] {
  const p = product.protocols[0]![0];
  const isType = product.protocols.length === 1 && product.protocols[0]![0] === product.protocols[0]![1] && TYPE_PROTOCOLS.has(p);
  return product.ports.flatMap(([lo, hi]) => {
    if (lo === hi) return [isType ? (icmpTypeName(p, lo) ?? String(lo)) : String(lo)];
    return [`${lo}-${hi}`];
  });
}

function endsOf(set: AddressSet): string[] {
  return [...setToCidrs(set), ...set.opaque];
}

/** A representative address of a set, of a kind compatible with `other` (if given). */
function pick(set: AddressSet, family?: 4 | 6): PacketEnd {
  const inRange = ([lo, hi]: readonly [bigint, bigint]): bigint => (hi - lo >= 3n ? lo + 1n : lo);
  if (family !== 6 && set.v4.length > 0) return { kind: 'address', family: 4, value: inRange(set.v4[0]!) };
  if (family !== 4 && set.v6.length > 0) return { kind: 'address', family: 6, value: inRange(set.v6[0]!) };
  if (set.opaque.length > 0) return { kind: 'role', role: set.opaque[0]! };
  throw new Error('no end of a compatible family in a product');
}

/** A real packet of a product. */
export function examplePacket(product: Product): Packet {
  const destination = pick(product.destination);
  const family = destination.kind === 'address' ? destination.family : undefined;
  const source = pick(product.source, family);
  const sourceFamily = source.kind === 'address' ? source.family : family;
  const destinationFinal = family === undefined && sourceFamily !== undefined ? pick(product.destination, sourceFamily) : destination;
  const protocol = product.protocols[0]![0];
  const port = product.ports[0]?.[0];
  return port === undefined ? { source, destination: destinationFinal, protocol } : { source, destination: destinationFinal, protocol, port };
}

function endText(end: PacketEnd): string {
  return end.kind === 'address' ? formatAddress(end.family, end.value) : end.role;
}

function jsonExample(p: Packet): JsonExample {
  const base = { protocol: protocolLabel(p.protocol).replace(/^proto\//, ''), src: endText(p.source), dst: endText(p.destination) };
  if (p.port === undefined) return base;
  return TYPE_PROTOCOLS.has(p.protocol) ? { ...base, type: p.port } : { ...base, port: p.port };
}

export function jsonDifferences(result: DiffResult): { equivalent: boolean; differences: JsonDifference[] } {
  const differences: JsonDifference[] = [];
  for (const [change, node] of [
    ['added', result.added],
    ['removed', result.removed],
  ] as const) {
    for (const product of decompose(result.space, node)) {
      differences.push({
        change,
        protocol: protocolName(product.protocols),
        src: endsOf(product.source),
        dst: endsOf(product.destination),
        ports: portNames(product),
        example: jsonExample(examplePacket(product)),
      });
    }
  }
  return { equivalent: result.equivalent, differences };
}

// ------------------------------------------------------------------ text

/** A canonical text of a set (sets are canonical, so equal sets have equal keys). */
function setKey(s: AddressSet): string {
  const r = (rs: readonly (readonly [bigint, bigint])[]): string => rs.map(([a, b]) => `${a}-${b}`).join(',');
  return `${r(s.v4)}|${r(s.v6)}|${s.opaque.join(',')}`;
}

/** Names an address set by a zone or role it equals, or lists its CIDRs. */
export type Namer = (set: AddressSet) => string;

export function namerOf(named: readonly { readonly name: string; readonly addresses: AddressSet | undefined }[]): Namer {
  const byKey = new Map<string, string>();
  for (const n of named) if (n.addresses !== undefined && !byKey.has(setKey(n.addresses))) byKey.set(setKey(n.addresses), n.name);
  return (set) => {
    const hit = byKey.get(setKey(set));
    if (hit !== undefined) return hit;
    const ends = endsOf(set);
    return ends.length > 4 ? `${ends.slice(0, 4).join(', ')}, ... (${ends.length} networks)` : ends.join(', ');
  };
}

const MAX_PRODUCTS_SHOWN = 8;

function productText(product: Product, name: Namer): string {
  const ports = portNames(product);
  const protocol = protocolName(product.protocols);
  const shownProtocol = /^\d/.test(protocol) ? `proto/${protocol}` : protocol;
  const portText =
    ports.length === 0
      ? ''
      : ports.length === 1 && ports[0] === '1-65535'
        ? ' all ports'
        : TYPE_PROTOCOLS.has(product.protocols[0]![0])
          ? ` type ${ports.join(', ')}`
          : ` port ${ports.join(', ')}`;
  return `${shownProtocol} ${name(product.source)} -> ${name(product.destination)}${portText}`;
}

function where(origin: { label: string; span?: import('../diagnostics/index.js').Span }): string {
  return origin.span ? `${origin.label} at ${location(origin.span)}` : origin.label;
}

export function textDifferences(result: DiffResult, name: Namer): string {
  const lines = [`--- ${result.a.policy.label}`, `+++ ${result.b.policy.label}`];
  if (result.equivalent) {
    lines.push('equivalent: both permit exactly the same packets');
    return `${lines.join('\n')}\n`;
  }
  const counts = { added: 0, removed: 0 };
  for (const [change, node, permits, denies] of [
    ['added', result.added, result.b, result.a],
    ['removed', result.removed, result.a, result.b],
  ] as const) {
    const sign = change === 'added' ? '+' : '-';
    for (const part of splitByDecider(permits, node, 'allow')) {
      lines.push(`${sign} ${part.origin.text}  [${where(part.origin)}]`);
      const others = splitByDecider(denies, part.region, 'deny');
      const verb = change === 'added' ? 'was' : 'now';
      if (others.length === 1) lines.push(`    ${verb} denied by ${others[0]!.origin.text}  [${where(others[0]!.origin)}]`);
      else lines.push(`    ${verb} denied by ${others.length} rules: ${others.map((o) => o.origin.label).join(', ')}`);
      const products = decompose(result.space, part.region);
      counts[change] += products.length;
      for (const product of products.slice(0, MAX_PRODUCTS_SHOWN)) {
        lines.push(`    ${productText(product, name)}`);
        lines.push(`      e.g. ${packetText(examplePacket(product))}`);
      }
      if (products.length > MAX_PRODUCTS_SHOWN) lines.push(`    ... and ${products.length - MAX_PRODUCTS_SHOWN} more`);
    }
  }
  lines.push(`not equivalent: ${counts.added} added, ${counts.removed} removed`);
  return `${lines.join('\n')}\n`;
}
