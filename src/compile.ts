/**
 * The pipeline on one screen:
 *
 *     load (parse + imports) → lower (params, if, names → IR) → target blocks → backend.check → guards → backend.emit
 *
 * Each step returns its diagnostics; the first step with an error ends the run, so no artifact
 * is ever produced from an invalid ruleset. No file system access here: the CLI passes a reader.
 */
import { hasErrors, type Diagnostic, type SourceFile, type Span } from './diagnostics/index.js';
import { didYouMean, error, withExtras } from './diagnostics/index.js';
import { backends, getBackend, isTargetId, type Artifact, type TargetId } from './backends/index.js';
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

export function compile(input: RulesetInput & { readonly target: TargetId }): Compiled {
  const analyzed = analyze(input);
  if (!analyzed.ir) return analyzed;
  const ir = analyzed.ir;
  const backend = getBackend(input.target);
  const diagnostics = [...analyzed.diagnostics];
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
      resolveOptions(getBackend(block.name), block, diagnostics, roleNames(ir));
    } else {
      const known = Object.keys(backends);
      diagnostics.push(
        withExtras(error('PAL3010', block.nameSpan, block.name), {
          hint: didYouMean(block.name, known) ?? `targets are ${known.join(', ')}`,
        }),
      );
    }
  }
  return diagnostics;
}
