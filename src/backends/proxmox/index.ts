/**
 * `--target proxmox`: one re-runnable bash script of `pvesh` commands (`palisade-proxmox.sh`)
 * that converges a Proxmox VE cluster's firewall to the ruleset: cluster IP sets, one security
 * group per role, and the VMs of each role (`vms.<role>`) attached to it. Its reader reads the
 * firewall state as JSON (see state.ts).
 */
import type { BoundParam, Ruleset } from '../../ir/index.js';
import { defineBackend, type OptionSpecs } from '../types.js';
import { lowerFirewall } from './lower.js';
import { printScript } from './script.js';
import { readState } from './state.js';

/** Options both Proxmox targets take. */
export const commonOptions = {
  'vms.<role>': {
    type: 'role-list(int)',
    min: 100,
    max: 999999999,
    description: 'the VM ids of a role, e.g. vms.controlplane = [101, 102]; their firewall gets the role\'s security group',
  },
  enable_datacenter: {
    type: 'bool',
    default: false,
    description: 'also turn the datacenter firewall on (it arms every node\'s host firewall too: lockout risk)',
  },
} as const satisfies OptionSpecs;

function paramText(p: BoundParam): string {
  const v = p.value;
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return typeof v === 'string' && p.type === 'string' ? JSON.stringify(v) : String(v);
}

/** The `#` lines both targets start their files with. */
export function header(ir: Ruleset, what: string): string[] {
  const lines = [`palisade: ${what}`, `source: ${ir.sources[0]?.name ?? ''}`];
  if (ir.params.length > 0) lines.push(`parameters: ${ir.params.map((p) => `${p.name}=${paramText(p)}`).join(' ')}`);
  lines.push('generated file: edit the ruleset, not this file');
  // Whole-line comments: a `#` inside is harmless; a control character (only a file name can hold
  // one now) would end the line.
  return lines.map((l) => l.replace(/[\p{Cc}\u2028\u2029]/gu, ' '));
}

export const proxmox = defineBackend({
  id: 'proxmox',
  description: 'Proxmox VE firewall via a re-runnable pvesh script: IP sets, a security group per role, VM attachment',
  capabilities: {
    ordered: true,
    deny: true,
    egress: true,
    ipv6: true,
    icmpTypes: true,
    stateful: true,
    needsRoleAddresses: true,
    artifacts: 'palisade-proxmox.sh, a bash script of pvesh commands',
  },
  options: {
    ...commonOptions,
    node: {
      type: 'string',
      default: 'localhost',
      pattern: /^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)$/,
      description: 'the node the VMs run on (localhost: the node the script runs on)',
    },
    guest: { type: 'string', default: 'qemu', pattern: /^(qemu|lxc)$/, description: 'the kind of guest: qemu (VMs) or lxc (containers)' },
    nic: { type: 'string', default: 'net0', pattern: /^net\d+$/, description: 'the guest NIC that nic_firewall sets firewall=1 on' },
    nic_firewall: { type: 'bool', default: false, description: 'set firewall=1 on each guest\'s NIC, keeping its other settings' },
  },

  check(ir, options) {
    return lowerFirewall(ir, options, 'proxmox').diagnostics;
  },

  emit(ir, options) {
    const { model } = lowerFirewall(ir, options, 'proxmox');
    if (!model) return [];
    const text = printScript(model, options, header(ir, 'Proxmox VE firewall (pvesh script); run as root on a node, PVE 8 or later'));
    return [{ path: 'palisade-proxmox.sh', mediaType: 'text/x-shellscript', contents: text }];
  },

  read: readState,
});
