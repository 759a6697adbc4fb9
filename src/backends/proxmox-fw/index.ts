/**
 * `--target proxmox-fw`: PVE's own firewall files, `cluster.fw` (IP sets and a security group per
 * role) and one `<vmid>.fw` per VM of a role (options and the rule attaching the group). The
 * model is the proxmox target's (src/backends/proxmox/lower.ts); only the printing differs.
 */
import { commonOptions, header } from '../proxmox/index.js';
import { lowerFirewall } from '../proxmox/lower.js';
import { defineBackend } from '../types.js';
import { printCluster, printGuest } from './print.js';
import { readFwFiles } from './read.js';

export const proxmoxFw = defineBackend({
  id: 'proxmox-fw',
  description: 'Proxmox VE firewall files: cluster.fw and one <vmid>.fw per VM',
  capabilities: {
    ordered: true,
    deny: true,
    egress: true,
    ipv6: true,
    icmpTypes: true,
    stateful: true,
    needsRoleAddresses: true,
    artifacts: 'cluster.fw and one <vmid>.fw per VM of a role',
  },
  options: commonOptions,

  check(ir, options) {
    return lowerFirewall(ir, options, 'proxmox-fw').diagnostics;
  },

  emit(ir, options) {
    const { model } = lowerFirewall(ir, options, 'proxmox-fw');
    if (!model) return [];
    const head = header(ir, 'Proxmox VE firewall configuration');
    return [
      { path: 'cluster.fw', mediaType: 'text/plain', contents: printCluster(model, [...head, 'for /etc/pve/firewall/cluster.fw']) },
      ...model.guests.map((g) => ({
        path: `${g.vmid}.fw`,
        mediaType: 'text/plain',
        contents: printGuest(g, [...head, `for /etc/pve/firewall/${g.vmid}.fw`]),
      })),
    ];
  },

  read: readFwFiles,
});
