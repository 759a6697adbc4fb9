/**
 * The diff compares two policies only where both judge, so the Proxmox tests also check that
 * the read-back firewall judges every packet it should: every packet to a role's addresses and
 * every packet from them (a VM firewall's IN and OUT).
 */
import { PacketUniverse, permittedSet, type Policy } from '../../src/analysis/index.js';
import type { Ruleset } from '../../src/ir/index.js';

export function judgesEveryRolePacket(ir: Ruleset, policy: Policy): boolean {
  const universe = new PacketUniverse(policy.opaqueRoles);
  const expected: Policy = {
    label: 'roles',
    opaqueRoles: [],
    gates: ir.roles.flatMap((r) =>
      (['destination', 'source'] as const).map((kind) => ({
        name: `${r.name} ${kind}`,
        scope: { kind, addresses: r.addresses! },
        rules: [],
        fallback: 'deny' as const,
        fallbackOrigin: { label: 'x', text: 'x' },
      })),
    ),
  };
  const want = permittedSet(universe, expected).domain;
  const have = permittedSet(universe, policy).domain;
  return want.minus(have).isEmpty();
}
