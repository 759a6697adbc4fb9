/**
 * A small typed model of the Proxmox VE firewall objects palisade manages: cluster IP sets, one
 * security group per role, and per VM the firewall options and the rule that attaches the group.
 * Rules carry exactly the API fields (`pvesh create ... --type in --action ACCEPT --proto tcp`),
 * so the pvesh printer, the .fw printer and the readers share one vocabulary.
 */

/** One firewall rule, with the API's field names. Absent fields are not set. */
export interface PveRule {
  readonly type: 'in' | 'out' | 'group';
  /** ACCEPT, DROP or REJECT; the security group's name for `type: group`. */
  readonly action: string;
  readonly enable: boolean;
  readonly source?: string;
  readonly dest?: string;
  readonly proto?: string;
  readonly dport?: string;
  readonly sport?: string;
  readonly 'icmp-type'?: string;
  readonly macro?: string;
  readonly iface?: string;
  readonly log?: string;
  readonly comment?: string;
}

/** The optional rule fields, in the order the .fw writer prints them (and pvesh gets them). */
export const RULE_FIELDS = ['iface', 'source', 'dest', 'proto', 'dport', 'sport', 'log', 'icmp-type', 'macro', 'comment'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

export interface PveIpset {
  readonly name: string;
  readonly comment: string;
  /** Normalized entries: host bits cleared, no /32 or /128, in address order. */
  readonly cidrs: readonly string[];
}

export interface PveGroup {
  readonly name: string;
  readonly comment: string;
  /** Top to bottom (first match). */
  readonly rules: readonly PveRule[];
}

export type PvePolicy = 'ACCEPT' | 'DROP' | 'REJECT';

export interface PveGuestOptions {
  readonly enable: boolean;
  readonly policy_in: PvePolicy;
  readonly policy_out: PvePolicy;
}

export interface PveGuest {
  readonly vmid: number;
  readonly role: string;
  readonly options: PveGuestOptions;
  readonly rules: readonly PveRule[];
}

export interface PveFirewall {
  /** Whether palisade turns the datacenter firewall on (`enable: 1` in cluster.fw). */
  readonly datacenterEnable: boolean;
  readonly ipsets: readonly PveIpset[];
  readonly groups: readonly PveGroup[];
  readonly guests: readonly PveGuest[];
}
