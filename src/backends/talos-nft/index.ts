/**
 * `--target talos-nft`: the nftables table Talos itself installs on a node of each role for the
 * patch `--target talos` writes (`<role>.nft`), so that users and tests can see, load and run
 * exactly what the node will do. Talos accepts no raw nftables: this is for reading and testing.
 */
import { error, type Diagnostic } from '../../diagnostics/index.js';
import { readNftables } from '../nftables/read.js';
import { headerLines } from '../talos/header.js';
import { lowerTalos } from '../talos/lower.js';
import { talosOptions } from '../talos/options.js';
import { defineBackend } from '../types.js';
import { printTalosTable } from './print.js';
import { renderTalos } from './render.js';

const ID = 'talos-nft';

export const talosNft = defineBackend({
  id: ID,
  description: "Talos's own nftables rendering of the talos patches, one per role (for reading and testing)",
  capabilities: {
    ordered: false,
    deny: false,
    egress: false,
    ipv6: true,
    icmpTypes: false,
    stateful: true,
    needsRoleAddresses: true,
    artifacts: 'one <role>.nft per role: the inet talos table Talos renders',
  },
  options: talosOptions,

  check(ir, options) {
    const diagnostics: Diagnostic[] = [...lowerTalos(ir, options, ID).diagnostics];
    for (const role of ir.roles) {
      if (role.addresses === undefined) diagnostics.push(error('PAL6001', role.span, ID, role.name));
    }
    return diagnostics;
  },

  emit(ir, options) {
    return lowerTalos(ir, options, ID).patches.map((patch) => {
      const header = headerLines(ir, patch, options, 'nftables rendering', `Talos renders this itself from talos's ${patch.role}.yaml; load it only in a test namespace (nft -f)`);
      return { path: `${patch.role}.nft`, mediaType: 'text/x-nftables', contents: printTalosTable(renderTalos(patch, options, header)) };
    });
  },

  read: readNftables,
});
