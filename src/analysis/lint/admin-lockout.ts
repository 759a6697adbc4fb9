/**
 * Administrator lockout: for every non-empty zone whose name contains "admin", some address of
 * it must reach the Kubernetes API (tcp/6443) and the Talos API (tcp/50000) on some role. Talos
 * is administered only through its API, so a ruleset that closes it cannot be fixed from the
 * outside. Checked exactly on the permitted set.
 */
import { error, type Diagnostic } from '../../diagnostics/index.js';
import { emptySet, isEmptySet, unionSets } from '../../ir/index.js';
import { declarationName, type LintCheck } from './context.js';

const APIS = [
  { name: 'Kubernetes API (tcp/6443)', port: 6443 },
  { name: 'Talos API (tcp/50000)', port: 50000 },
];

export const adminLockout: LintCheck = (ctx) => {
  const u = ctx.policy.universe;
  const admins = ctx.ir.zones.filter((zone) => /admin/i.test(zone.name) && !isEmptySet(zone.addresses));
  if (admins.length === 0) return [];
  const roles = ctx.ir.roles.reduce((acc, r) => unionSets(acc, r.addresses ?? { v4: [], v6: [], opaque: [r.name] }), emptySet);
  const permitted = ctx.policy.permitted();
  const out: Diagnostic[] = [];
  for (const zone of admins) {
    for (const api of APIS) {
      const packets = u.product(zone.addresses, roles, { any: false, entries: [{ protocol: 6, ports: [[api.port, api.port]] }] });
      if (packets.intersect(permitted).isEmpty()) out.push(error('PAL8007', declarationName(zone.span, zone.name), zone.name, api.name));
    }
  }
  return out;
};
