/**
 * Control-plane ports open to any address: etcd, the kubelet, the Talos API and trustd, the
 * Kubernetes API. A rule (or an allowing default) that lets every IPv4 or every IPv6 address
 * reach one of them on a role, and actually decides some of those packets, is an error.
 */
import { error, type Diagnostic } from '../../diagnostics/index.js';
import { intervals, V4_MAX, V6_MAX, type AddressSet } from '../../ir/index.js';
import { ruleHead, type LintCheck } from './context.js';

export const SENSITIVE: readonly { readonly name: string; readonly lo: number; readonly hi: number }[] = [
  { name: 'etcd (tcp/2379-2380)', lo: 2379, hi: 2380 },
  { name: 'the Kubernetes API (tcp/6443)', lo: 6443, hi: 6443 },
  { name: 'the kubelet API (tcp/10250)', lo: 10250, hi: 10250 },
  { name: 'the Talos API (tcp/50000)', lo: 50000, hi: 50000 },
  { name: 'Talos trustd (tcp/50001)', lo: 50001, hi: 50001 },
];

function everyAddress(set: AddressSet): string | undefined {
  if (intervals.isSubset([[0, V4_MAX]], set.v4)) return 'every IPv4 address';
  if (intervals.isSubset([[0n, V6_MAX]], set.v6)) return 'every IPv6 address';
  return undefined;
}

export const sensitivePorts: LintCheck = (ctx) => {
  const out: Diagnostic[] = [];
  ctx.gate.gate.rules.forEach((rule, i) => {
    if (rule.action !== 'allow') return;
    const who = everyAddress(rule.source);
    const span = i < ctx.ir.rules.length ? ruleHead(ctx.ir.rules[i]!) : rule.origin.span;
    if (!who || !span) return;
    const opened = SENSITIVE.filter((s) =>
      ctx.facts[i]!.reach.some((r) => r.protocols.some(([a, b]) => a <= 6 && 6 <= b) && r.lo <= s.hi && s.lo <= r.hi),
    );
    if (opened.length === 0) return;
    const label = i < ctx.ir.rules.length ? `rule ${JSON.stringify(ctx.ir.rules[i]!.name)}` : rule.origin.label;
    out.push(error('PAL8006', span, label, `opens ${opened.map((s) => s.name).join(', ')}`, who));
  });
  return out;
};
