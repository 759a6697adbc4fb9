/**
 * The registry of targets: one line per backend, every module loaded (for library use: tests,
 * the bench). A test checks that every target here has goldens for every ruleset and a section
 * in the docs. The CLI loads targets one by one through lazy.ts; descriptors.ts, generated from
 * this registry, must list the same targets (checked here by type, and by a test for content).
 */
import { arista } from './arista/index.js';
import { aws } from './aws/index.js';
import { cisco } from './cisco/index.js';
import { cloudformation } from './cloudformation/index.js';
import { nftables } from './nftables/index.js';
import { nxos } from './nxos/index.js';
import { opnsense } from './opnsense/index.js';
import { pfsense } from './pfsense/index.js';
import { proxmoxFw } from './proxmox-fw/index.js';
import { proxmox } from './proxmox/index.js';
import { talosNft } from './talos-nft/index.js';
import { talos } from './talos/index.js';
import { terraform } from './terraform/index.js';
import type { TargetId } from './lazy.js';
import type { Backend, OptionSpecs } from './types.js';

// Option types differ per backend; the registry only needs the shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyBackend = Backend<any>;

export const backends = {
  nftables,
  aws,
  terraform,
  cloudformation,
  talos,
  'talos-nft': talosNft,
  pfsense,
  opnsense,
  cisco,
  arista,
  nxos,
  proxmox,
  'proxmox-fw': proxmoxFw,
} satisfies Record<TargetId, AnyBackend>;

export type { TargetId };

export function isTargetId(id: string): id is TargetId {
  return Object.hasOwn(backends, id);
}

export function getBackend(id: TargetId): Backend<OptionSpecs> {
  return backends[id] as unknown as Backend<OptionSpecs>;
}

export type { Artifact, Backend, Capabilities } from './types.js';
