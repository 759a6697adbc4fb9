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
import { location, type Span } from '../diagnostics/index.js';
import { splitByDecider } from './attribute.js';
import { packetText } from './explain.js';
import { PolicyAnalysis } from './gates.js';
import type { Policy } from './policy.js';
import { diffSingleAcls } from './segment-diff.js';
import { examplePacket, PacketUniverse, setKey, type PacketSet, type Product } from './universe.js';

export { examplePacket };

export interface DiffResult {
  /** The universe of the sets below (it knows both policies' opaque roles). */
  readonly universe: PacketUniverse;
  readonly a: PolicyAnalysis;
  readonly b: PolicyAnalysis;
  /** Permitted by B and not by A, within what both judge. */
  readonly addedSet: PacketSet;
  /** Permitted by A and not by B, within what both judge. */
  readonly removedSet: PacketSet;
  readonly equivalent: boolean;
}

export function diffPolicies(a: Policy, b: Policy): DiffResult {
  const universe = new PacketUniverse([...a.opaqueRoles, ...b.opaqueRoles]);
  const pa = new PolicyAnalysis(universe, a);
  const pb = new PolicyAnalysis(universe, b);
  const fast = diffSingleAcls(pa, pb);
  if (fast) return { universe, a: pa, b: pb, ...fast, equivalent: fast.addedSet.isEmpty() && fast.removedSet.isEmpty() };
  const domain = pa.domain().intersect(pb.domain());
  const inA = pa.permitted().intersect(domain);
  const inB = pb.permitted().intersect(domain);
  const addedSet = inB.minus(inA);
  const removedSet = inA.minus(inB);
  return { universe, a: pa, b: pb, addedSet, removedSet, equivalent: addedSet.isEmpty() && removedSet.isEmpty() };
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
  for (const [change, set] of [
    ['added', result.addedSet],
    ['removed', result.removedSet],
  ] as const) {
    for (const product of set.products()) {
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

function where(origin: { label: string; span?: Span }): string {
  return origin.span ? `${origin.label} at ${location(origin.span)}` : origin.label;
}

export function textDifferences(result: DiffResult, name: Namer): string {
  const lines = [`--- ${result.a.policy.label}`, `+++ ${result.b.policy.label}`];
  if (result.equivalent) {
    lines.push('equivalent: both permit exactly the same packets');
    return `${lines.join('\n')}\n`;
  }
  const counts = { added: 0, removed: 0 };
  for (const [change, set, permits, denies] of [
    ['added', result.addedSet, result.b, result.a],
    ['removed', result.removedSet, result.a, result.b],
  ] as const) {
    const sign = change === 'added' ? '+' : '-';
    for (const part of splitByDecider(permits, set, 'allow')) {
      lines.push(`${sign} ${part.origin.text}  [${where(part.origin)}]`);
      const others = splitByDecider(denies, part.region, 'deny');
      const verb = change === 'added' ? 'was' : 'now';
      if (others.length === 1) lines.push(`    ${verb} denied by ${others[0]!.origin.text}  [${where(others[0]!.origin)}]`);
      else lines.push(`    ${verb} denied by ${others.length} rules: ${others.map((o) => o.origin.label).join(', ')}`);
      const products = part.region.products();
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
