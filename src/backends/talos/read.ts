/**
 * `talos:PATH` for `palisade diff`: reads Talos firewall patches (one `<role>.yaml` per role, or a
 * directory of them) back into a policy: one gate per file over the packets to the role's
 * addresses, judged as Talos's ingress chain does (reference: talos.md §2).
 *
 * - block mode: the built-in drops and accepts (ICMP but timestamp and address-mask, ICMPv6,
 *   pod/service subnets, host DNS), then each NetworkRuleConfig as an accept of its protocol and
 *   ports from its subnets minus all of its excepts, then drop;
 * - accept mode: each document drops its protocol and ports from every source outside its
 *   subnets (so overlapping documents intersect), then accept.
 *
 * The role comes from palisade's header comment, or else from the file name and the ruleset it
 * is compared with. The cluster subnets come from the header, or Talos's defaults.
 */
import path from 'node:path';
import { parseAllDocuments, type Document } from 'yaml';
import type { AclRule, Gate } from '../../analysis/policy.js';
import { error, SourceFile, type Diagnostic, type Span } from '../../diagnostics/index.js';
import { cidrSet, emptySet, subtractSets, unionSets, universe, type AddressSet, type ServiceSet } from '../../ir/index.js';
import { normalize, type Range } from '../../ir/intervals.js';
import type { ArtifactFile, ReadContext, ReadResult } from '../types.js';
import { CLUSTER_HEADER, ROLE_HEADER } from './header.js';
import { builtinIcmpServices, dnsServices, hostDnsAddresses, ICMP_DROPPED } from './implicit.js';
import { clusterSubnets, defaultTalosOptions, type TalosOptions } from './options.js';
import { parsePort, validateRuleConfig } from './validate.js';

class ReadError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

const fail = (span: Span | undefined, why: string): never => {
  throw new ReadError(error('PAL6004', span, 'talos', why));
};

const PROTOCOLS: Readonly<Record<string, number>> = { tcp: 6, udp: 17 };

export function readTalos(files: readonly ArtifactFile[], context: ReadContext): ReadResult {
  const diagnostics: Diagnostic[] = [];
  const gates: Gate[] = [];
  const opaqueRoles = (context.roles ?? []).filter((r) => r.addresses === undefined).map((r) => r.name);
  for (const file of files) {
    const source = new SourceFile(file.path, file.text);
    try {
      gates.push(readFile(source, context, opaqueRoles));
    } catch (e) {
      if (!(e instanceof ReadError)) throw e;
      diagnostics.push(e.diagnostic);
    }
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { policy: { label: '', gates, opaqueRoles }, diagnostics };
}

function spanOf(source: SourceFile, doc: Document): Span {
  const range = doc.contents?.range ?? doc.range;
  return source.span(range?.[0] ?? 0, range?.[1] ?? 0);
}

function readFile(source: SourceFile, context: ReadContext, opaqueRoles: readonly string[]): Gate {
  const docs = parseAllDocuments(source.text);
  if (!Array.isArray(docs)) return fail(source.span(0, 0), 'the file holds no YAML documents');
  for (const doc of docs) {
    const problem = doc.errors[0];
    if (problem) fail(source.span(problem.pos[0], problem.pos[1]), `invalid YAML: ${problem.message.split('\n')[0]}`);
  }
  const comment = docs[0]?.commentBefore ?? '';
  const role = roleOf(source, comment, context);
  const cluster = clusterOf(comment);
  const all = universe(opaqueRoles);

  let mode: 'accept' | 'block' | undefined;
  let modeSpan: Span | undefined;
  const names = new Set<string>();
  const documents: { name: string; protocol: number; ports: Range<number>[]; sources: AddressSet; span: Span }[] = [];
  for (const doc of docs) {
    const span = spanOf(source, doc);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) fail(span, 'a document must be a mapping');
    const d = value as Record<string, unknown>;
    if (d['apiVersion'] !== 'v1alpha1') fail(span, `unknown apiVersion ${JSON.stringify(d['apiVersion'])}`);
    if (d['kind'] === 'NetworkDefaultActionConfig') {
      if (mode !== undefined) fail(span, 'duplicate document: NetworkDefaultActionConfig/');
      if (d['ingress'] !== undefined && d['ingress'] !== 'accept' && d['ingress'] !== 'block') fail(span, `unknown ingress action ${JSON.stringify(d['ingress'])}`);
      mode = d['ingress'] === 'block' ? 'block' : 'accept';
      modeSpan = span;
    } else if (d['kind'] === 'NetworkRuleConfig') {
      const errors = validateRuleConfig(d);
      if (errors.length > 0) fail(span, `NetworkRuleConfig ${JSON.stringify(d['name'] ?? '')}: ${errors.join('; ')}`);
      const name = d['name'] as string;
      if (names.has(name)) fail(span, `duplicate document: NetworkRuleConfig/${name}`);
      names.add(name);
      const selector = d['portSelector'] as Record<string, unknown>;
      const protocol = PROTOCOLS[selector['protocol'] as string];
      if (protocol === undefined) {
        throw new ReadError(error('PAL6005', span, 'talos', `a NetworkRuleConfig for ${String(selector['protocol'])} (Talos matches its ports against the ICMP checksum)`));
      }
      const ports = normalize((selector['ports'] as unknown[]).map((p) => parsePort(p) as Range<number>));
      const entries = (d['ingress'] ?? []) as Record<string, string>[];
      const subnets = entries.reduce((acc, e) => unionSets(acc, cidrSet(e['subnet']!)), emptySet);
      const excepts = entries.reduce((acc, e) => (e['except'] === undefined ? acc : unionSets(acc, cidrSet(e['except']))), emptySet);
      documents.push({ name, protocol, ports: [...normalize(ports)], sources: subtractSets(subnets, excepts), span });
    } else {
      throw new ReadError(error('PAL6005', span, 'talos', `a document of kind ${JSON.stringify(d['kind'])}`));
    }
  }
  // No NetworkDefaultActionConfig: Talos's default, accept. (cidrSet masks host bits, as Talos does.)
  const block = mode === 'block';
  const origin = (label: string, text: string, span?: Span) => (span ? { label, text, span } : { label, text });
  const service = (protocol: number, ports: Range<number>[]): ServiceSet => ({ any: false, entries: [{ protocol, ports }] });
  const rules: AclRule[] = [];
  if (block) {
    const builtin = (label: string) => origin(`talos built-in: ${label}`, `Talos block mode: ${label}`);
    rules.push({ action: 'deny', source: all, destination: role, services: { any: false, entries: [{ protocol: 1, ports: ICMP_DROPPED.map((t) => [t, t] as const) }] }, origin: builtin('icmp timestamp and address-mask drop') });
    rules.push({ action: 'allow', source: all, destination: role, services: builtinIcmpServices, origin: builtin('icmp and icmpv6 accept (5/second)') });
    const subnets = clusterSubnets(cluster);
    if (cluster['host-dns']) rules.push({ action: 'allow', source: subnets, destination: hostDnsAddresses(cluster), services: dnsServices, origin: builtin('host DNS') });
    rules.push({ action: 'allow', source: subnets, destination: subnets, services: { any: true, entries: [] }, origin: builtin('pod and service subnets') });
    for (const d of documents) rules.push({ action: 'allow', source: d.sources, destination: role, services: service(d.protocol, d.ports), origin: origin(d.name, `NetworkRuleConfig ${d.name}`, d.span) });
  } else {
    for (const d of documents) rules.push({ action: 'deny', source: subtractSets(all, d.sources), destination: role, services: service(d.protocol, d.ports), origin: origin(d.name, `NetworkRuleConfig ${d.name} (accept mode: drops other sources)`, d.span) });
  }
  return {
    name: `${source.name} ingress`,
    scope: { kind: 'destination', addresses: role },
    rules,
    fallback: block ? 'deny' : 'allow',
    fallbackOrigin: origin(`ingress ${block ? 'block' : 'accept'}`, `NetworkDefaultActionConfig ingress: ${block ? 'block' : 'accept'}`, modeSpan),
  };
}

function roleOf(source: SourceFile, comment: string, context: ReadContext): AddressSet {
  for (const line of comment.split('\n')) {
    const m = ROLE_HEADER.exec(line);
    if (!m) continue;
    const known = context.roles?.find((r) => r.name === m[1]);
    const cidrs = m[2]!.split(',').map((x) => x.trim()).filter(Boolean);
    if (cidrs.length === 0) return known?.addresses ?? { v4: [], v6: [], opaque: [m[1]!] };
    return cidrs.reduce((acc, c) => {
      try {
        return unionSets(acc, cidrSet(c));
      } catch {
        return fail(source.span(0, 0), `the header's address ${JSON.stringify(c)} is not a network`);
      }
    }, emptySet);
  }
  const name = path.basename(source.name).replace(/\.ya?ml$/, '');
  const role = context.roles?.find((r) => r.name === name);
  if (role) return role.addresses ?? { v4: [], v6: [], opaque: [name] };
  return fail(source.span(0, 0), `cannot tell which role ${JSON.stringify(source.name)} is for: it has no palisade header, and no role is named ${JSON.stringify(name)} in the ruleset it is compared with`);
}

function clusterOf(comment: string): TalosOptions {
  for (const line of comment.split('\n')) {
    const m = CLUSTER_HEADER.exec(line);
    if (m) return { ...defaultTalosOptions, 'pod-subnets': m[1]!, 'service-subnets': m[2]!, 'host-dns': m[3] === 'true' };
  }
  return defaultTalosOptions;
}
