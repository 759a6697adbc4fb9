/**
 * Operational guards: warnings `compile` prints after the target has accepted a ruleset, for
 * settings that would lock administrators out or leave traffic open or unfiltered
 * (docs/reliability.md, "Operational guards"). They never stop a compile. Each is linear in the
 * rules and judges the rules as written; `palisade lint` has the exact (and costlier) checks.
 */
import type { Diagnostic } from '../diagnostics/index.js';
import type { Ruleset } from '../ir/index.js';
import { exposure } from './exposure.js';
import { adminLockout } from './lockout.js';
import { proxmoxSwitches } from './proxmox.js';
import { talosApi } from './talos.js';

export function guards(ir: Ruleset, target: string, options: Readonly<Record<string, unknown>>): Diagnostic[] {
  const out = [...exposure(ir), ...adminLockout(ir)];
  if (target === 'talos' || target === 'talos-nft') out.push(...talosApi(ir, target));
  if (target === 'proxmox' || target === 'proxmox-fw') out.push(...proxmoxSwitches(ir, target, options));
  return out;
}
