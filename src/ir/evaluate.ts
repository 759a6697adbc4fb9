/**
 * The meaning of a ruleset for one packet (LANGUAGE.md, "Meaning"):
 *
 * 1. The first rule whose source, destination and services contain the packet decides.
 * 2. Otherwise: the ingress default applies if the destination lies in a role, the egress default
 *    if the source does; the packet is permitted only if every default that applies permits it.
 *    A packet that touches no role is outside the policy and permitted.
 */
import { containsAddress, type AddressSet, type Family } from './addresses.js';
import { contains } from './intervals.js';
import type { DefaultPolicy, Direction, Role, Rule, Ruleset, ServiceSet } from './types.js';

/** A packet end: a literal address, or a member of an opaque role. */
export type PacketEnd =
  | { readonly kind: 'address'; readonly family: Family; readonly value: bigint }
  | { readonly kind: 'role'; readonly role: string };

export interface Packet {
  readonly source: PacketEnd;
  readonly destination: PacketEnd;
  readonly protocol: number;
  /** Destination port (TCP, UDP, SCTP) or ICMP type; absent for other protocols. */
  readonly port?: number;
}

export type Verdict =
  | { readonly permitted: boolean; readonly by: 'rule'; readonly rule: Rule }
  | {
      readonly permitted: boolean;
      readonly by: 'defaults';
      /** The defaults that applied, with the role that made each apply; empty when the packet touches no role. */
      readonly defaults: readonly { readonly direction: Direction; readonly role: string; readonly policy: DefaultPolicy }[];
    };

export function inSet(set: AddressSet, end: PacketEnd): boolean {
  return end.kind === 'role' ? set.opaque.includes(end.role) : containsAddress(set, end.family, end.value);
}

export function serviceMatches(services: ServiceSet, protocol: number, port: number | undefined): boolean {
  if (services.any) return true;
  const entry = services.entries.find((e) => e.protocol === protocol);
  if (!entry) return false;
  if (entry.ports === undefined) return true;
  return port !== undefined && contains(entry.ports, port);
}

export function ruleMatches(rule: Rule, packet: Packet): boolean {
  return (
    inSet(rule.source.addresses, packet.source) &&
    inSet(rule.destination.addresses, packet.destination) &&
    serviceMatches(rule.services, packet.protocol, packet.port)
  );
}

/** The first role (by name) an end lies in. */
export function roleOf(roles: readonly Role[], end: PacketEnd): string | undefined {
  if (end.kind === 'role') return end.role;
  return roles.find((r) => r.addresses !== undefined && containsAddress(r.addresses, end.family, end.value))?.name;
}

export function evaluate(ir: Ruleset, packet: Packet): Verdict {
  for (const rule of ir.rules) {
    if (ruleMatches(rule, packet)) return { permitted: rule.action === 'allow', by: 'rule', rule };
  }
  const defaults: { direction: Direction; role: string; policy: DefaultPolicy }[] = [];
  const dstRole = roleOf(ir.roles, packet.destination);
  if (dstRole !== undefined) defaults.push({ direction: 'ingress', role: dstRole, policy: ir.defaults.ingress });
  const srcRole = roleOf(ir.roles, packet.source);
  if (srcRole !== undefined) defaults.push({ direction: 'egress', role: srcRole, policy: ir.defaults.egress });
  return { permitted: defaults.every((d) => d.policy.action === 'allow'), by: 'defaults', defaults };
}
