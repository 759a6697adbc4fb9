/**
 * The comment lines at the top of a Talos artifact: which role it is for (with its addresses, so
 * that a reader can tell without the ruleset), the cluster settings the built-in accepts depend
 * on, where it came from, and how to apply it.
 */
import type { BoundParam, Ruleset } from '../../ir/index.js';
import type { TalosPatch } from './model.js';
import type { TalosOptions } from './options.js';

function paramText(p: BoundParam): string {
  const v = p.value;
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return typeof v === 'string' && p.type === 'string' ? JSON.stringify(v) : String(v);
}

export const ROLE_HEADER = /^ ?palisade: talos patch for role (\S+) \(([^)]*)\)$/;
export const CLUSTER_HEADER = /^ ?talos cluster: pod-subnets=(\S*) service-subnets=(\S*) host-dns=(true|false)$/;

export function headerLines(ir: Ruleset, patch: TalosPatch, options: TalosOptions, kind: 'patch' | 'nftables rendering', apply: string): string[] {
  const lines = [
    // The nftables reader knows a rendering's role by the nftables target's header line.
    kind === 'patch'
      ? `palisade: talos patch for role ${patch.role} (${patch.roleCidrs.join(', ')})`
      : `palisade: nftables ruleset for role ${patch.role} (${patch.roleCidrs.join(', ')})`,
    ...(kind === 'patch' ? [] : ["Talos's own rendering (inet talos) of the talos target's patch for this role"]),
    `talos cluster: pod-subnets=${options['pod-subnets'].replace(/\s+/g, '')} service-subnets=${options['service-subnets'].replace(/\s+/g, '')} host-dns=${options['host-dns']}`,
    `source: ${ir.sources[0]?.name ?? ''}`,
  ];
  if (ir.params.length > 0) lines.push(`parameters: ${ir.params.map((p) => `${p.name}=${paramText(p)}`).join(' ')}`);
  lines.push(apply, 'generated file: edit the ruleset, not this file');
  return lines;
}
