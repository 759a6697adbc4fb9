/**
 * Administrator lockout: for every non-empty zone whose name contains "admin", some address of
 * it must reach the Kubernetes API (tcp/6443) and the Talos API (tcp/50000) on some role. Talos
 * is administered only through its API, so a ruleset that closes it cannot be fixed from the
 * outside. Checked exactly on the permitted set.
 */
import { error, type Diagnostic } from '../../diagnostics/index.js';
import { emptySet, isEmptySet, unionSets } from '../../ir/index.js';
import { FALSE } from '../bdd.js';
import { destinationNode, sourceNode } from '../permitted.js';
import { declarationName, type LintCheck } from './context.js';

const APIS = [
  { name: 'Kubernetes API (tcp/6443)', port: 6443 },
  { name: 'Talos API (tcp/50000)', port: 50000 },
];

export const adminLockout: LintCheck = (ctx) => {
  const b = ctx.space.bdd;
  const roles = ctx.ir.roles.reduce((acc, r) => unionSets(acc, r.addresses ?? { v4: [], v6: [], opaque: [r.name] }), emptySet);
  const toRoles = destinationNode(ctx.space, roles);
  const permitted = ctx.policy.permitted();
  const out: Diagnostic[] = [];
  for (const zone of ctx.ir.zones) {
    if (!/admin/i.test(zone.name) || isEmptySet(zone.addresses)) continue;
    const fromZone = b.and(sourceNode(ctx.space, zone.addresses), toRoles);
    for (const api of APIS) {
      const packets = b.and(fromZone, b.and(ctx.space.protocol(6), ctx.space.ports(api.port, api.port)));
      if (b.and(packets, permitted) === FALSE) out.push(error('PAL8007', declarationName(zone.span, zone.name), zone.name, api.name));
    }
  }
  return out;
};
