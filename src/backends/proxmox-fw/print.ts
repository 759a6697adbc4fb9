/**
 * Prints the model as PVE's own configuration files (`--target proxmox-fw`): `cluster.fw`
 * (for /etc/pve/firewall/cluster.fw) and one `<vmid>.fw` per VM, in the section order of PVE's
 * writer (OPTIONS, IPSETs, RULES, groups), which matters: PVE checks an IP set reference against
 * the sets read so far and skips a rule that names a later one. Rule options are written in the
 * writer's order (`-i -source -dest -p -dport -sport -log -icmp-type`). Names, addresses and ports
 * are PVE tokens without spaces; comments have been made single-line and free of `#`.
 */
import type { PveFirewall, PveGuest, PveRule } from '../proxmox/model.js';

const OPTION_FLAGS: readonly [keyof PveRule, string][] = [
  ['iface', '-i'],
  ['source', '-source'],
  ['dest', '-dest'],
  ['proto', '-p'],
  ['dport', '-dport'],
  ['sport', '-sport'],
  ['log', '-log'],
  ['icmp-type', '-icmp-type'],
];

export function ruleLine(rule: PveRule): string {
  const words = [`${rule.enable ? '' : '|'}${rule.type.toUpperCase()}`, rule.action];
  for (const [field, flag] of OPTION_FLAGS) {
    const value = rule[field];
    if (typeof value === 'string') words.push(flag, value);
  }
  if (rule.comment) words.push('#', rule.comment);
  return words.join(' ');
}

function section(header: string, lines: readonly string[]): string[] {
  return [header, '', ...lines, ''];
}

export function printCluster(model: PveFirewall, header: readonly string[]): string {
  const out: string[] = header.map((h) => `# ${h}`);
  if (!model.datacenterEnable) out.push('# The datacenter firewall is not enabled here (enable_datacenter = false): VMs are filtered only once it is on.');
  out.push('');
  if (model.datacenterEnable) out.push(...section('[OPTIONS]', ['enable: 1']));
  for (const ipset of model.ipsets) out.push(...section(`[IPSET ${ipset.name}] # ${ipset.comment}`, ipset.cidrs));
  for (const group of model.groups) out.push(...section(`[group ${group.name}] # ${group.comment}`, group.rules.map(ruleLine)));
  return `${out.join('\n').trimEnd()}\n`;
}

export function printGuest(guest: PveGuest, header: readonly string[]): string {
  const o = guest.options;
  const out: string[] = [...header.map((h) => `# ${h}`), `# VM ${guest.vmid}: role ${guest.role}`, ''];
  out.push(...section('[OPTIONS]', [`enable: ${o.enable ? 1 : 0}`, `policy_in: ${o.policy_in}`, `policy_out: ${o.policy_out}`]));
  out.push(...section('[RULES]', guest.rules.map(ruleLine)));
  return `${out.join('\n').trimEnd()}\n`;
}
