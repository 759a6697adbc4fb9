/**
 * The registry of targets: one line per backend. `palisade targets` lists it, and a test checks
 * that every target here has goldens for every ruleset and a section in the docs.
 */
import { aws } from './aws/index.js';
import { cloudformation } from './cloudformation/index.js';
import { nftables } from './nftables/index.js';
import { terraform } from './terraform/index.js';
import type { Backend, OptionSpecs } from './types.js';

// Option types differ per backend; the registry only needs the shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyBackend = Backend<any>;

export const backends = {
  nftables,
  aws,
  terraform,
  cloudformation,
} satisfies Record<string, AnyBackend>;

export type TargetId = keyof typeof backends;

export function isTargetId(id: string): id is TargetId {
  return Object.hasOwn(backends, id);
}

export function getBackend(id: TargetId): Backend<OptionSpecs> {
  return backends[id] as unknown as Backend<OptionSpecs>;
}

export type { Artifact, Backend, Capabilities } from './types.js';
