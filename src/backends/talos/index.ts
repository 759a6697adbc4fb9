/**
 * `--target talos`: one multi-document machine-config patch per role (`<role>.yaml`), with a
 * NetworkDefaultActionConfig and NetworkRuleConfig documents for Talos's ingress firewall.
 */
import { defineBackend } from '../types.js';
import { headerLines } from './header.js';
import { lowerTalos } from './lower.js';
import { talosOptions } from './options.js';
import { printPatch } from './print.js';
import { readTalos } from './read.js';

export const talos = defineBackend({
  id: 'talos',
  description: 'Talos Linux ingress firewall: machine-config patches, one per role (talosctl patch mc)',
  capabilities: {
    ordered: false,
    deny: false,
    egress: false,
    ipv6: true,
    icmpTypes: false,
    stateful: true,
    needsRoleAddresses: false,
    artifacts: 'one <role>.yaml machine-config patch per role',
  },
  options: talosOptions,

  check(ir, options) {
    return [...lowerTalos(ir, options, 'talos').diagnostics];
  },

  emit(ir, options) {
    return lowerTalos(ir, options, 'talos').patches.map((patch) => {
      const apply = `apply: talosctl patch mc --nodes NODE --patch @${patch.role}.yaml --mode try (or talosctl gen config --config-patch-... @${patch.role}.yaml)`;
      return {
        path: `${patch.role}.yaml`,
        mediaType: 'application/yaml',
        contents: printPatch(patch, headerLines(ir, patch, options, 'patch', apply)),
      };
    });
  },

  read: readTalos,
});
