/**
 * The targets without their code: each target's descriptor (id, description, capabilities,
 * options; generated into descriptors.ts) and `loadBackend`, which imports one backend's module
 * when a command needs it. The CLI goes through here, so `palisade --version`, `palisade
 * targets` and `palisade compile --target nftables` evaluate no other target's code (the bundle
 * puts each backend in its own chunk). `index.ts` is the eager registry, for library use.
 */
import type { Backend, Capabilities, OptionSpecs } from './types.js';
import { descriptors } from './descriptors.js';

/** What is known of a target before its module is loaded. */
export interface TargetDescriptor {
  readonly id: string;
  readonly description: string;
  readonly capabilities: Capabilities;
  readonly options: OptionSpecs;
}

export type TargetId = keyof typeof descriptors;

/** Every target id, in registry order. */
export const targetIds = Object.keys(descriptors) as TargetId[];

export function isTargetId(id: string): id is TargetId {
  return Object.hasOwn(descriptors, id);
}

export function describeTarget(id: TargetId): TargetDescriptor {
  return descriptors[id];
}

/** Imports a target's module (once; later calls reuse Node's module cache). */
export async function loadBackend(id: TargetId): Promise<Backend<OptionSpecs>> {
  return (await importBackend(id)) as unknown as Backend<OptionSpecs>;
}

// One literal import() per target, so the bundler can split each backend into its own chunk.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function importBackend(id: TargetId): Promise<Backend<any>> {
  switch (id) {
    case 'nftables':
      return (await import('./nftables/index.js')).nftables;
    case 'aws':
      return (await import('./aws/index.js')).aws;
    case 'terraform':
      return (await import('./terraform/index.js')).terraform;
    case 'cloudformation':
      return (await import('./cloudformation/index.js')).cloudformation;
    case 'talos':
      return (await import('./talos/index.js')).talos;
    case 'talos-nft':
      return (await import('./talos-nft/index.js')).talosNft;
    case 'pfsense':
      return (await import('./pfsense/index.js')).pfsense;
    case 'opnsense':
      return (await import('./opnsense/index.js')).opnsense;
    case 'cisco':
      return (await import('./cisco/index.js')).cisco;
    case 'arista':
      return (await import('./arista/index.js')).arista;
    case 'nxos':
      return (await import('./nxos/index.js')).nxos;
    case 'proxmox':
      return (await import('./proxmox/index.js')).proxmox;
    case 'proxmox-fw':
      return (await import('./proxmox-fw/index.js')).proxmoxFw;
  }
}
