/**
 * Proxmox guards (proxmox, proxmox-fw). A guest is filtered only when three switches are on:
 * the datacenter firewall, the guest's firewall (the script sets it) and `firewall=1` on its
 * NIC (docs/targets/proxmox.md, "Lockout, and the three switches").
 *
 * - PAL6923: a switch the target leaves as it is (`enable_datacenter` off; for `proxmox`,
 *   `nic_firewall` off): the VMs may stay unfiltered if it is off on the cluster.
 * - PAL6924: `enable_datacenter` on arms every node's host firewall with policy DROP; only the
 *   management IP set reaches the GUI (8006) and SSH (22) afterwards: lockout risk.
 * - A role without VM ids is PAL6501, from the backend itself.
 *
 * Each points at the option where it was set (target block or `--set`), else at the first role.
 */
import { warning, type Diagnostic, type Span } from '../diagnostics/index.js';
import type { Ruleset } from '../ir/index.js';

function optionSpan(ir: Ruleset, target: string, key: string): Span | undefined {
  const options = ir.targets.filter((b) => b.name === target).flatMap((b) => b.options);
  return options.filter((o) => o.key === key).at(-1)?.span ?? ir.roles[0]?.span;
}

export function proxmoxSwitches(ir: Ruleset, target: string, options: Readonly<Record<string, unknown>>): Diagnostic[] {
  if (ir.roles.length === 0) return [];
  const off = [
    ...(options['enable_datacenter'] === true ? [] : ['the datacenter firewall (enable_datacenter)']),
    ...(target === 'proxmox' && options['nic_firewall'] !== true ? ["the guests' NIC firewall flag (nic_firewall)"] : []),
  ];
  const out: Diagnostic[] = [];
  if (off.length > 0) {
    const key = options['enable_datacenter'] === true ? 'nic_firewall' : 'enable_datacenter';
    out.push(warning('PAL6923', optionSpan(ir, target, key), target, off.join(' and ')));
  }
  if (options['enable_datacenter'] === true) out.push(warning('PAL6924', optionSpan(ir, target, 'enable_datacenter'), target));
  return out;
}
