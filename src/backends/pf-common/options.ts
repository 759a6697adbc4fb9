/**
 * The options pfSense and OPNsense share, and the capabilities of both: network firewalls that
 * judge each packet where it enters the interface the rules are on, first match, stateful.
 */
import type { Capabilities } from '../types.js';

export const pfOptions = {
  interface: {
    type: 'string',
    default: 'lan',
    pattern: /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/,
    description: 'the interface (wan, lan, optN) or interface group the rules are placed on',
  },
  alias_prefix: {
    type: 'string',
    default: 'PAL_',
    pattern: /^([A-Za-z][A-Za-z0-9_]{0,11})?$/,
    description: 'prefix of every alias name palisade writes (marks the aliases it owns)',
  },
  deny_action: {
    type: 'string',
    default: 'block',
    pattern: /^(block|reject)$/,
    description: 'what a deny becomes: block (drop silently) or reject (TCP reset / ICMP unreachable)',
  },
} as const;

export const pfCapabilities = (artifacts: string): Capabilities => ({
  ordered: true,
  deny: true,
  egress: true,
  ipv6: true,
  icmpTypes: true,
  stateful: true,
  needsRoleAddresses: true,
  artifacts,
});
