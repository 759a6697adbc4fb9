/**
 * Exposure guard (PAL6920): an allow rule whose source is every IPv4 or every IPv6 address and
 * whose destination meets a role, on a control-plane port (etcd, the Kubernetes API, the
 * kubelet, the Talos API, trustd: lint's list). Judged on the rule as written: a rule that an
 * earlier deny shadows is reported too (`lint`'s PAL8006 is exact, and slower).
 */
import { warning, type Diagnostic } from '../diagnostics/index.js';
import { intervals, V4_MAX, V6_MAX, type AddressSet, type Ruleset } from '../ir/index.js';
import { SENSITIVE } from '../analysis/lint/sensitive-ports.js';
import { allRoles, hasTcpPort, meets, ruleHead } from './common.js';

function everyAddress(set: AddressSet): string | undefined {
  if (intervals.isSubset([[0, V4_MAX]], set.v4)) return 'every IPv4 address';
  if (intervals.isSubset([[0n, V6_MAX]], set.v6)) return 'every IPv6 address';
  return undefined;
}

export function exposure(ir: Ruleset): Diagnostic[] {
  const roles = allRoles(ir);
  const out: Diagnostic[] = [];
  for (const rule of ir.rules) {
    if (rule.action !== 'allow') continue;
    const who = everyAddress(rule.source.addresses);
    if (!who || !meets(rule.destination.addresses, roles)) continue;
    const opened = SENSITIVE.filter((s) => hasTcpPort(rule.services, s.lo, s.hi));
    if (opened.length > 0) out.push(warning('PAL6920', ruleHead(rule), `rule ${JSON.stringify(rule.name)}`, opened.map((s) => s.name).join(', '), who));
  }
  return out;
}
