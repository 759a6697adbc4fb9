/**
 * The pipeline on one screen:
 *
 *     load (parse + imports) → lower (params, if, names → IR) → target blocks → backend.check → guards → backend.emit
 *
 * Each step returns its diagnostics; the first step with an error ends the run, so no artifact
 * is ever produced from an invalid ruleset. No file system access here: the CLI passes a reader.
 * Nothing here loads a backend: the caller passes the one it compiles for (the CLI loads only
 * that target's module, backends/lazy.ts; compile.ts takes it from the eager registry), and
 * `target` blocks are checked against the targets' descriptors.
 */
import { hasErrors, type Diagnostic, type SourceFile, type Span } from './diagnostics/index.js';
import { didYouMean, error, withExtras } from './diagnostics/index.js';
import { describeTarget, isTargetId, targetIds } from './backends/lazy.js';
import type { Artifact, Backend, OptionSpecs } from './backends/types.js';
import { resolveOptions, targetBlock } from './backends/options.js';
import { guards } from './guards/index.js';
import { lower, type Assignment, type Ruleset } from './ir/index.js';
import type { Statement } from './parser/ast.js';
import { load, type SourceReader } from './parser/load.js';

export interface RulesetInput {
  /** Path of the entry .pal file. */
  readonly entry: string;
  readonly read: SourceReader;
  /** Where an error reading the entry file points (the argument on the command line). */
  readonly entrySpan?: Span | undefined;
  readonly set?: readonly Assignment[] | undefined;
  readonly vars?: SourceFile | undefined;
}

export interface Analyzed {
  readonly ir?: Ruleset;
  /** The statements read (imports expanded), for checks that look at what was written (lint). */
  readonly statements?: readonly Statement[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface Compiled {
  readonly artifacts?: readonly Artifact[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads, checks and lowers a ruleset (every command starts here). */
export function analyze(input: RulesetInput): Analyzed {
  const loaded = load(input.entry, input.read, input.entrySpan);
  if (hasErrors(loaded.diagnostics)) return { diagnostics: loaded.diagnostics };
  const lowered = lower(loaded.statements, loaded.sources, { set: input.set, vars: input.vars });
  const diagnostics = [...loaded.diagnostics, ...lowered.diagnostics];
  if (!lowered.ir) return { diagnostics };
  diagnostics.push(...checkTargetBlocks(lowered.ir));
  return hasErrors(diagnostics) ? { diagnostics } : { ir: lowered.ir, statements: loaded.statements, diagnostics };
}

/** Reads, checks and lowers a ruleset, then checks and emits it for one target. */
export function compileWith(input: RulesetInput, backend: Backend<OptionSpecs>): Compiled {
  // Only the IR goes on: the statements read (the AST, as large as the IR) are let go before
  // the target runs, so its garbage collections do not walk them.
  const { ir, diagnostics: read } = analyze(input);
  if (!ir) return { diagnostics: read };
  const diagnostics = [...read];
  const options = resolveOptions(backend, targetBlock(ir, backend.id), diagnostics, roleNames(ir));
  diagnostics.push(...backend.check(ir, options));
  if (hasErrors(diagnostics)) return { diagnostics };
  // Operational guards: warnings only (lockout, exposure, unfiltered guests); never an error.
  diagnostics.push(...guards(ir, backend.id, options));
  return { artifacts: backend.emit(ir, options), diagnostics };
}

const roleNames = (ir: Ruleset): string[] => ir.roles.map((r) => r.name);

/** Every `target` block must name a known target and use only its options. */
function checkTargetBlocks(ir: Ruleset): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const block of ir.targets) {
    if (isTargetId(block.name)) {
      // Option checking reads only a target's id and option specs, which its descriptor has.
      resolveOptions(describeTarget(block.name) as Backend<OptionSpecs>, block, diagnostics, roleNames(ir));
    } else {
      const known = targetIds;
      diagnostics.push(
        withExtras(error('PAL3010', block.nameSpan, block.name), {
          hint: didYouMean(block.name, known) ?? `targets are ${known.join(', ')}`,
        }),
      );
    }
  }
  return diagnostics;
}
