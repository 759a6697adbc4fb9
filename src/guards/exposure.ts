/**
 * Exposure guard (PAL6920): an allow rule whose source is every IPv4 or every IPv6 address and
 * whose destination meets a role, on a control-plane port (etcd, the Kubernetes API, the
 * kubelet, the Talos API, trustd: lint's list). Judged on the rule as written: a rule that an
 * earlier deny shadows is reported too (`lint`'s PAL8006 is exact, and slower).
 */
import { warning, type Diagnostic } from '../diagnostics/index.js';
import { V4_MAX, V6_MAX, type AddressSet, type Ruleset } from '../ir/index.js';
import { SENSITIVE } from '../analysis/lint/sensitive-ports.js';
import { allRoles, hasTcpPort, meets, ruleHead } from './common.js';

/** Ranges are canonical (sorted, merged), so "every address" is one range over the family. */
function everyAddress(set: AddressSet): string | undefined {
  const [v4, v6] = [set.v4[0], set.v6[0]];
  if (v4 && v4[0] === 0 && v4[1] === V4_MAX) return 'every IPv4 address';
  if (v6 && v6[0] === 0n && v6[1] === V6_MAX) return 'every IPv6 address';
  return undefined;
}

export function exposure(ir: Ruleset): Diagnostic[] {
  let union: AddressSet | undefined;
  const roles = (): AddressSet => (union ??= allRoles(ir));
  const out: Diagnostic[] = [];
  for (const rule of ir.rules) {
    if (rule.action !== 'allow') continue;
    const who = everyAddress(rule.source.addresses);
    if (!who) continue;
    const opened = SENSITIVE.filter((s) => hasTcpPort(rule.services, s.lo, s.hi));
    if (opened.length > 0 && meets(rule.destination.addresses, roles())) out.push(warning('PAL6920', ruleHead(rule), `rule ${JSON.stringify(rule.name)}`, opened.map((s) => s.name).join(', '), who));
  }
  return out;
}
