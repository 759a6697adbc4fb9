/**
 * The contract every target implements. A backend lowers the IR to a small typed model of its
 * target and prints it with a structured serializer; `check` reports, as positioned
 * diagnostics, everything the target cannot express, and `emit` is only called when `check`
 * found no error. Both are pure: no file system, clock or environment.
 */
import type { Policy } from '../analysis/policy.js';
import type { Diagnostic } from '../diagnostics/index.js';
import type { Role, Ruleset } from '../ir/index.js';

/** One output file of a target. */
export interface Artifact {
  /** Relative path under `--out DIR`, e.g. `controlplane.nft`. */
  readonly path: string;
  readonly mediaType: string;
  readonly contents: string;
}

/** What a target can express; `palisade targets` prints these. */
export interface Capabilities {
  /** Rules are evaluated in order, first match wins (otherwise: an unordered allow-list). */
  readonly ordered: boolean;
  readonly deny: boolean;
  readonly egress: boolean;
  readonly ipv6: boolean;
  readonly icmpTypes: boolean;
  readonly stateful: boolean;
  /** Every role must have addresses. */
  readonly needsRoleAddresses: boolean;
  /** What the target writes, e.g. "one <role>.nft per role". */
  readonly artifacts: string;
}

export type OptionSpec =
  | { readonly type: 'string'; readonly default: string; readonly pattern?: RegExp; readonly description: string }
  | { readonly type: 'bool'; readonly default: boolean; readonly description: string }
  | { readonly type: 'int'; readonly default: number; readonly min: number; readonly max: number; readonly description: string }
  | { readonly type: 'list(int)'; readonly default: readonly number[]; readonly min: number; readonly max: number; readonly description: string }
  /**
   * A family of keys `PREFIX.<role>`, one per declared role (e.g. `vms.<role>` = `vms.controlplane`);
   * the spec's own key is written `PREFIX.<role>`, and its value maps role names to integer lists.
   */
  | { readonly type: 'role-list(int)'; readonly min: number; readonly max: number; readonly description: string };

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The resolved value of each option: from the target block, `--set target.key=...`, or the default. */
export type OptionValues<S extends OptionSpecs> = {
  readonly [K in keyof S]: S[K] extends { type: 'string' }
    ? string
    : S[K] extends { type: 'bool' }
      ? boolean
      : S[K] extends { type: 'list(int)' }
        ? readonly number[]
        : S[K] extends { type: 'role-list(int)' }
          ? Readonly<Record<string, readonly number[]>>
          : number;
};

/** A file of a deployed or compiled artifact, for a reader. */
export interface ArtifactFile {
  readonly path: string;
  readonly text: string;
}

/** What a reader may need from the other side of a diff (e.g. a role's addresses). */
export interface ReadContext {
  readonly roles?: readonly Role[] | undefined;
}

export interface ReadResult {
  readonly policy?: Policy;
  readonly diagnostics: readonly Diagnostic[];
}

export interface Backend<S extends OptionSpecs = OptionSpecs> {
  readonly id: string;
  readonly description: string;
  readonly capabilities: Capabilities;
  readonly options: S;
  check(ir: Ruleset, options: OptionValues<S>): Diagnostic[];
  emit(ir: Ruleset, options: OptionValues<S>): Artifact[];
  /**
   * Reads artifacts of this target back into a policy the analysis engine can compare
   * (`palisade diff ruleset.pal TARGET:PATH`). Anything it cannot model exactly is an error.
   */
  read?(files: readonly ArtifactFile[], context: ReadContext): ReadResult;
}

/** Declares a backend with its option types inferred from its option specs. */
export function defineBackend<S extends OptionSpecs>(backend: Backend<S>): Backend<S> {
  return backend;
}
