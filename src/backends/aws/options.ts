/** Options shared by the AWS targets (aws, terraform, cloudformation), and the artifacts' header. */
import type { BoundParam, Ruleset } from '../../ir/index.js';

export const maxRulesOption = {
  type: 'int',
  default: 60,
  min: 1,
  max: 1000,
  description: 'inbound (and outbound) rules allowed per security group and address family (the AWS quota)',
} as const;

export const namePrefixOption = {
  type: 'string',
  default: '',
  pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,64}$/,
  description: 'text put before each role name to make its group name',
} as const;

function paramText(p: BoundParam): string {
  const v = p.value;
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return typeof v === 'string' && p.type === 'string' ? JSON.stringify(v) : String(v);
}

/** Comment lines naming the source and the bound parameters. */
export function headerLines(ir: Ruleset, what: string): string[] {
  const lines = [`palisade: ${what}`, `source: ${ir.sources[0]?.name ?? ''}`];
  if (ir.params.length > 0) lines.push(`parameters: ${ir.params.map((p) => `${p.name}=${paramText(p)}`).join(' ')}`);
  lines.push('generated file: edit the ruleset, not this file');
  return lines;
}
