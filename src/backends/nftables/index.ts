/**
 * `--target nftables`: one `<role>.nft` per role, loadable with `nft -f` on a host of that role.
 */
import { error, type Diagnostic } from '../../diagnostics/index.js';
import { setToCidrs, type BoundParam, type Role, type Ruleset } from '../../ir/index.js';
import { defineBackend } from '../types.js';
import { lowerRole, nftContext } from './lower.js';
import { printTable } from './print.js';
import { readNftables } from './read.js';

const MAX_COMMENT = 128;

function paramText(p: BoundParam): string {
  const v = p.value;
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return typeof v === 'string' && p.type === 'string' ? JSON.stringify(v) : String(v);
}

function header(ir: Ruleset, role: Role): string[] {
  const lines = [
    `palisade: nftables ruleset for role ${role.name} (${setToCidrs(role.addresses!).join(', ')})`,
    `source: ${ir.sources[0]?.name ?? ''}`,
  ];
  if (ir.params.length > 0) lines.push(`parameters: ${ir.params.map((p) => `${p.name}=${paramText(p)}`).join(' ')}`);
  lines.push(`generated file: edit the ruleset, not this file`);
  return lines;
}

export const nftables = defineBackend({
  id: 'nftables',
  description: 'nftables rulesets for Linux hosts, one per role (nft -f)',
  capabilities: {
    ordered: true,
    deny: true,
    egress: true,
    ipv6: true,
    icmpTypes: true,
    stateful: true,
    needsRoleAddresses: true,
    artifacts: 'one <role>.nft per role',
  },
  options: {
    table: {
      type: 'string',
      default: 'palisade',
      pattern: /^[A-Za-z][A-Za-z0-9_]{0,31}$/,
      description: 'name of the inet table the ruleset owns and replaces',
    },
    counters: { type: 'bool', default: false, description: 'add a counter to every rule' },
  },

  check(ir) {
    const diagnostics: Diagnostic[] = [];
    if (ir.roles.length === 0) diagnostics.push(error('PAL6003', ir.sources[0]?.span(0, 0), 'nftables'));
    for (const role of ir.roles) {
      if (role.addresses === undefined) diagnostics.push(error('PAL6001', role.span, 'nftables', role.name));
    }
    for (const rule of ir.rules) {
      if (rule.name.length > MAX_COMMENT) {
        diagnostics.push(error('PAL6002', rule.span, 'nftables', rule.name, `a rule comment holds at most ${MAX_COMMENT} characters`));
      }
    }
    return diagnostics;
  },

  emit(ir, options) {
    const context = nftContext(ir, options);
    return ir.roles.map((role) => ({
      path: `${role.name}.nft`,
      mediaType: 'text/x-nftables',
      contents: printTable(lowerRole(ir, role, header(ir, role), context)),
    }));
  },

  read: readNftables,
});
