/**
 * A Talos patch → the nftables table Talos renders for it on a node of the role (reference:
 * talos.md §2, NfTablesChainConfigController and nftables_rule.go): the ingress chain on the input
 * hook at priority mangle + 10 with its built-in accepts, and the prerouting chain at dstnat - 10
 * that keeps NodePort DNAT from bypassing it. The role's addresses stand for the node's own (a
 * node only receives packets to its own addresses, which lie in its role's).
 */
import { cidrSet, emptySet, subtractSets, unionSets, universe, type AddressSet, type Family } from '../../ir/index.js';
import type { Range } from '../../ir/intervals.js';
import { HOST_DNS_V4, HOST_DNS_V6 } from '../talos/implicit.js';
import type { TalosPatch, TalosRuleDoc } from '../talos/model.js';
import { cidrList, clusterSubnets, type TalosOptions } from '../talos/options.js';
import type { TalosMatch, TalosNftChain, TalosNftRule, TalosNftTable } from './model.js';

const TRUSTED: TalosMatch = { kind: 'iifname', names: ['lo', 'siderolink', 'kubespan'] };
const rule = (matches: TalosMatch[], verdict: 'accept' | 'drop', limit = false): TalosNftRule => ({ matches, verdict, limit });
const FAMILIES = [4, 6] as const;

function ranges(set: AddressSet, family: Family): Range<bigint>[] {
  return (family === 4 ? set.v4 : set.v6).map(([a, b]) => [BigInt(a), BigInt(b)] as const);
}

function full(set: AddressSet, family: Family): boolean {
  const all = universe([]);
  const want = family === 4 ? all.v4 : all.v6;
  const have = family === 4 ? set.v4 : set.v6;
  return have.length === 1 && BigInt(have[0]![0]) === BigInt(want[0]![0]) && BigInt(have[0]![1]) === BigInt(want[0]![1]);
}

/** A document's source set as Talos builds it: all subnets minus all excepts. */
export function documentSources(doc: TalosRuleDoc): AddressSet {
  const subnets = doc.ingress.reduce((acc, e) => unionSets(acc, cidrSet(e.subnet)), emptySet);
  const excepts = doc.ingress.reduce((acc, e) => (e.except === undefined ? acc : unionSets(acc, cidrSet(e.except))), emptySet);
  return subtractSets(subnets, excepts);
}

/** One rule per family with sources (block mode); none for a family without. */
function documentRules(doc: TalosRuleDoc, prefix: TalosMatch[]): TalosNftRule[] {
  const sources = documentSources(doc);
  const dport: TalosMatch = { kind: 'dport', protocol: doc.protocol, ports: doc.ports };
  return FAMILIES.filter((f) => ranges(sources, f).length > 0).map((family) =>
    rule(
      [...prefix, full(sources, family) ? { kind: 'nfproto', family } : { kind: 'address', family, side: 'saddr', negate: false, ranges: ranges(sources, family) }, dport],
      'accept',
    ),
  );
}

function ingressChain(patch: TalosPatch, options: TalosOptions): TalosNftChain {
  const rules: TalosNftRule[] = [
    rule([TRUSTED], 'accept'),
    rule([{ kind: 'ct-state', states: ['established', 'related'] }], 'accept'),
    rule([{ kind: 'ct-state', states: ['invalid'] }], 'drop'),
    rule([{ kind: 'icmp-type', names: ['timestamp-request', 'timestamp-reply', 'address-mask-request', 'address-mask-reply'] }], 'drop'),
    rule([{ kind: 'l4proto', name: 'icmp' }], 'accept', true),
    rule([{ kind: 'l4proto', name: 'ipv6-icmp' }], 'accept', true),
  ];
  const cluster = clusterSubnets(options);
  if (options['host-dns']) {
    const v6 = cidrList(options['pod-subnets']).some((c) => c.includes(':'));
    for (const protocol of ['udp', 'tcp'] as const) {
      for (const family of FAMILIES) {
        if (family === 6 && !v6) continue;
        const src = ranges(cluster, family);
        if (src.length === 0) continue;
        const dns = ranges(cidrSet(family === 4 ? `${HOST_DNS_V4}/32` : `${HOST_DNS_V6}/128`), family);
        rules.push(
          rule(
            [
              { kind: 'address', family, side: 'saddr', negate: false, ranges: src },
              { kind: 'address', family, side: 'daddr', negate: false, ranges: dns },
              { kind: 'dport', protocol, ports: [[53, 53]] },
            ],
            'accept',
          ),
        );
      }
    }
  }
  for (const family of FAMILIES) {
    const c = ranges(cluster, family);
    if (c.length === 0) continue;
    rules.push(rule([{ kind: 'address', family, side: 'saddr', negate: false, ranges: c }, { kind: 'address', family, side: 'daddr', negate: false, ranges: c }], 'accept'));
  }
  for (const doc of patch.rules) rules.push(...documentRules(doc, []));
  return { name: 'ingress', hook: 'input', priority: 'mangle + 10', policy: patch.defaultAction === 'block' ? 'drop' : 'accept', rules };
}

function preroutingChain(patch: TalosPatch, node: AddressSet): TalosNftChain {
  const rules: TalosNftRule[] = [rule([TRUSTED], 'accept')];
  for (const family of FAMILIES) {
    const own = ranges(node, family);
    rules.push(rule([own.length === 0 ? { kind: 'nfproto', family } : { kind: 'address', family, side: 'daddr', negate: true, ranges: own }], 'accept'));
  }
  for (const doc of patch.rules) rules.push(...documentRules(doc, [{ kind: 'ct-state', states: ['new'] }]));
  if (patch.defaultAction === 'block') {
    for (const name of ['tcp', 'udp'] as const) rules.push(rule([{ kind: 'ct-state', states: ['new'] }, { kind: 'l4proto', name }], 'drop'));
  }
  return { name: 'prerouting', hook: 'prerouting', priority: 'dstnat - 10', policy: 'accept', rules };
}

export function renderTalos(patch: TalosPatch, options: TalosOptions, header: readonly string[]): TalosNftTable {
  const node = patch.roleCidrs.reduce((acc, c) => unionSets(acc, cidrSet(c)), emptySet);
  return { header, chains: [ingressChain(patch, options), preroutingChain(patch, node)] };
}
