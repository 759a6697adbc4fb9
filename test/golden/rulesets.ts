/** The rulesets every target is golden-tested on: each file of rulesets/, plus parameter variants. */
import { readdirSync } from 'node:fs';

export interface GoldenCase {
  /** Directory name under test/golden/<target>/. */
  readonly name: string;
  readonly file: string;
  readonly set: readonly string[];
}

const files = readdirSync('rulesets')
  .filter((f) => f.endsWith('.pal'))
  .sort();

export const goldenCases: readonly GoldenCase[] = [
  ...files.map((f) => ({ name: f.replace(/\.pal$/, ''), file: `rulesets/${f}`, set: [] })),
  {
    name: 'talos-aws.admin-nodeport',
    file: 'rulesets/talos-aws.pal',
    set: ['allowed_admin_cidrs=196.45.28.20/32,2001:db8:45::/48', 'enable_nodeport=true'],
  },
  { name: 'talos-aws.calico', file: 'rulesets/talos-aws.pal', set: ['cni=calico'] },
  { name: 'proxmox.nodeport', file: 'rulesets/proxmox.pal', set: ['enable_nodeport=true', 'nodeport_cidrs=10.40.0.0/24,10.50.0.0/16'] },
];

export const rulesetFiles: readonly string[] = files;
