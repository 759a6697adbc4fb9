/**
 * Administrator lockout guard (PAL6921): for a non-empty zone whose name contains "admin", and
 * each of the Kubernetes API (tcp/6443) and the Talos API (tcp/50000) that the ruleset opens to
 * someone (so the cluster is managed through it), some allow rule must let an address of the
 * zone reach it on a role. Judged on the rules as written: when no rule can, the admins are
 * locked out for certain; a lockout by an earlier deny is left to `lint` (PAL8007, exact).
 */
import { warning, type Diagnostic } from '../diagnostics/index.js';
import { isEmptySet, universe, type Ruleset } from '../ir/index.js';
import { declarationName } from '../analysis/lint/context.js';
import { allowsPort, allRoles, somePath } from './common.js';

const APIS = [
  { name: 'Kubernetes API (tcp/6443)', port: 6443 },
  { name: 'Talos API (tcp/50000)', port: 50000 },
];

export function adminLockout(ir: Ruleset): Diagnostic[] {
  const admins = ir.zones.filter((zone) => /admin/i.test(zone.name) && !isEmptySet(zone.addresses));
  if (admins.length === 0) return [];
  const roles = allRoles(ir);
  const out: Diagnostic[] = [];
  const anyone = universe(ir.roles.filter((r) => r.addresses === undefined).map((r) => r.name));
  const managed = APIS.map((api) => ({ ...api, rules: allowsPort(ir, api.port) })).filter((api) => somePath(ir, api.rules, anyone, roles));
  for (const zone of admins) {
    for (const api of managed) {
      if (!somePath(ir, api.rules, zone.addresses, roles)) out.push(warning('PAL6921', declarationName(zone.span, zone.name), zone.name, api.name));
    }
  }
  return out;
}
