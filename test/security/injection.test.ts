/**
 * Issue 9, item 2: the injection corpus applied to every registered target.
 *
 * User text reaches a target through rule descriptions (`.pal` strings), string parameters
 * (`--set`, printed in artifact headers) and string target options (`--set TARGET.KEY=...`).
 * Names are identifiers, so hostile names never get past the parser (checked first). For every
 * target, every vector and every input, the compile either
 *   (a) succeeds, and each artifact, read by its format's real parser (views.ts), equals the
 *       artifact compiled from harmless text with that text replaced by the input (in the
 *       target's documented transformation): no extra element, key, command, statement or line,
 *       and the text survives exactly; the real tools (xmllint, nft in a network namespace,
 *       bash -n, terraform fmt, cfn-lint) accept every output, `nft list ruleset` is unchanged,
 *       and where the target has a reader, read(emit(ir)) is equivalent to the harmless read and
 *       to the ruleset (diffPolicies); or
 *   (b) fails with errors that are all positioned (file:line:col).
 * Raw control characters must always be refused. A summary line per target gives the numbers
 * in docs/reliability.md ("Injection").
 */
import { describe, expect, it } from 'vitest';
import { diffPolicies, rulesetPolicy, type Policy } from '../../src/analysis/index.js';
import { backends, getBackend, type Artifact, type TargetId } from '../../src/backends/index.js';
import { hasErrors, type Diagnostic } from '../../src/diagnostics/index.js';
import { analyzeText, compileText } from '../helpers.js';
import { artifactKind, checkers, type Tool } from './injection/checkers.js';
import { baseRuleset, baseSet, controls, HARMLESS, printable, randomEntries, RULE_LINE, type CorpusEntry } from './injection/corpus.js';
import { runTool, type ToolFile } from './injection/tools.js';
import { leaves, shape, substitute } from './injection/views.js';

const RANDOM_RUNS = Number(process.env['INJECTION_RANDOM_RUNS'] ?? '30');
const SEED = Number(process.env['INJECTION_SEED'] ?? '20261124');
const inputs: readonly CorpusEntry[] = [...printable, ...randomEntries(RANDOM_RUNS, SEED)];
const targets = Object.keys(backends) as TargetId[];

interface Vector {
  readonly name: string;
  /** The ruleset text and `--set` list for a given text. */
  readonly build: (target: TargetId, text: string) => { text: string; set: string[] };
  /** What the harmless text becomes in the output for this input (before the target's leaf transformation). */
  readonly replacement: (text: string) => string;
  /** Whether the target's description transformation applies. */
  readonly description: boolean;
  /** For an option: its default (that value is compared with the output of no option at all). */
  readonly default?: string;
}

/** `--set` prints a string parameter in artifact headers as a JSON string. */
const jsonInner = (text: string): string => JSON.stringify(text).slice(1, -1);

const vectors: Vector[] = [
  {
    name: 'description',
    build: (t, text) => ({ text: baseRuleset(text), set: baseSet(t) }),
    replacement: (text) => text,
    description: true,
  },
  {
    name: 'parameter',
    build: (t, text) => ({ text: baseRuleset('plain'), set: [...baseSet(t), `note=${text}`] }),
    replacement: jsonInner,
    description: false,
  },
];

/** One vector per string option of the target (found from its option specs). */
function optionVectors(target: TargetId): Vector[] {
  return Object.entries(getBackend(target).options)
    .filter(([, spec]) => spec.type === 'string')
    .map(([key, spec]) => ({
      name: `option ${key}`,
      default: 'default' in spec ? String(spec.default) : '',
      build: (t: TargetId, text: string) => ({ text: baseRuleset('plain'), set: [...baseSet(t), `${t}.${key}=${text}`] }),
      replacement: (text: string) => text,
      description: false,
    }));
}

function positioned(diagnostics: readonly Diagnostic[]): void {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  expect(errors.length).toBeGreaterThan(0);
  for (const d of errors) {
    expect(d.span, `${d.code} ${d.message}`).toBeDefined();
    expect(d.span!.line, d.message).toBeGreaterThan(0);
    expect(d.span!.column, d.message).toBeGreaterThan(0);
    expect(d.message.length).toBeGreaterThan(10);
  }
}

function views(target: TargetId, artifacts: readonly Artifact[]): Record<string, unknown> {
  return Object.fromEntries(artifacts.map((a) => [a.path, artifactKind(target, a.path).view(a.contents)]));
}

function readBack(target: TargetId, artifacts: readonly Artifact[], source: string): Policy {
  const ir = analyzeText(source).ir!;
  const only = checkers[target].readFiles;
  const read = getBackend(target).read!(
    artifacts.filter((a) => !only || only.test(a.path)).map((a) => ({ path: a.path, text: a.contents })),
    { roles: ir.roles },
  );
  expect(read.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return read.policy!;
}

const ruleCounts = (p: Policy): number[] => p.gates.map((g) => g.rules.length);

interface Tally {
  inputs: number;
  exact: number;
  /** Accepted option values with no harmless output to compare with: parsed and tool-checked only. */
  valid: number;
  rejected: number;
  codes: Set<string>;
  /** Per vector: inputs, exact (or valid), rejected. */
  vectors: Record<string, { inputs: number; exact: number; rejected: number }>;
}

describe('names are identifiers: hostile names are refused by the parser with a positioned error', () => {
  // Not names at all: empty text, a comment, a name with spaces around it.
  const hostile = [...printable, ...controls].filter((e) => e.text.trim() !== '' && !e.text.startsWith('#') && !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(e.text.trim()) && !e.text.includes('\n'));
  it.each(hostile.map((e) => [e.name, e.text] as const))('%s', (_name, text) => {
    for (const source of [`role ${text} = 10.0.1.0/24\n`, `role web = 10.0.1.0/24\n${text} allow any -> web tcp/22\n`, `zone ${text} = 10.0.0.0/8\n`]) {
      const analyzed = analyzeText(source);
      expect(analyzed.ir).toBeUndefined();
      positioned(analyzed.diagnostics);
    }
  });
});

describe('raw control characters are refused, in a .pal string and in --set', () => {
  it.each(controls.map((e) => [e.name, e.text] as const))('%s', (_name, text) => {
    const inString = analyzeText(baseRuleset(text));
    expect(inString.ir).toBeUndefined();
    positioned(inString.diagnostics);
    const codes = inString.diagnostics.map((d) => d.code);
    expect(codes.every((c) => c === 'PAL1002' || c === 'PAL6901' || c.startsWith('PAL2')), codes.join()).toBe(true);
    if (!/[\r\n]/.test(text)) {
      expect(inString.diagnostics[0]).toMatchObject({ code: 'PAL6901', span: { line: RULE_LINE } });
      expect(inString.diagnostics[0]!.span!.column).toBe(`r1 allow admin -> web tcp/443 "`.length + text.search(/[\p{Cc}\u2028\u2029]/u) + 1);
    }
    const viaSet = analyzeText(baseRuleset('plain'), { set: [`note=${text}`] });
    expect(viaSet.ir).toBeUndefined();
    expect(viaSet.diagnostics.map((d) => d.code)).toEqual(['PAL4008']);
    positioned(viaSet.diagnostics);
  });
});

describe('every registered target has an injection checker', () => {
  it.each(targets)('%s', (target) => {
    expect(checkers[target], `add ${target} to test/security/injection/checkers.ts`).toBeDefined();
  });
});

describe.each(targets)('injection corpus: %s', (target) => {
  const checker = checkers[target];
  const tally: Tally = { inputs: 0, exact: 0, valid: 0, rejected: 0, codes: new Set(), vectors: {} };
  const toolFiles = new Map<Tool, { file: ToolFile; harmless?: string; replacement?: string }[]>();
  const nftHarmless = new Map<string, string>();
  const noOption = compileText(baseRuleset('plain'), target, { set: baseSet(target) });

  it.each([...vectors, ...optionVectors(target)].map((v) => [v.name, v] as const))('%s', (_name, vector) => {
    const harmlessInput = vector.build(target, HARMLESS);
    const harmless = compileText(harmlessInput.text, target, { set: harmlessInput.set });
    // An option whose pattern refuses the harmless text has no harmless output to compare with.
    const comparable = harmless.artifacts !== undefined;
    if (vector.description || vector.name === 'parameter') expect(harmless.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const harmlessViews = comparable ? views(target, harmless.artifacts!) : undefined;
    const harmlessPolicy = comparable && checker.readBack ? readBack(target, harmless.artifacts!, harmlessInput.text) : undefined;
    const ir = comparable ? analyzeText(harmlessInput.text, { set: harmlessInput.set.filter((s) => s.startsWith('note=')) }).ir : undefined;
    const rulesetExact = harmlessPolicy && ir ? diffPolicies(rulesetPolicy(ir, 'ruleset'), harmlessPolicy).equivalent : false;

    for (const entry of inputs) {
      const input = vector.build(target, entry.text);
      const context = `${target} ${vector.name} ${entry.name}`;
      const compiled = compileText(input.text, target, { set: input.set });
      tally.inputs++;
      const perVector = (tally.vectors[vector.name] ??= { inputs: 0, exact: 0, rejected: 0 });
      perVector.inputs++;
      if (hasErrors(compiled.diagnostics)) perVector.rejected++;
      else perVector.exact++;
      if (hasErrors(compiled.diagnostics)) {
        expect(compiled.artifacts, context).toBeUndefined();
        positioned(compiled.diagnostics);
        tally.rejected++;
        for (const d of compiled.diagnostics) if (d.severity === 'error') tally.codes.add(d.code);
        continue;
      }
      const artifacts = compiled.artifacts!;
      const isDefault = vector.default !== undefined && entry.text === vector.default;
      const replacement = vector.replacement(entry.text);
      const leaf = vector.description ? checker.descriptionLeaf : vector.name === 'parameter' ? checker.parameterLeaf : undefined;
      const addTool = (harmlessKey?: string): void => {
        for (const a of artifacts) {
          const tool = artifactKind(target, a.path).tool;
          if (!tool) continue;
          const list = toolFiles.get(tool) ?? [];
          const file = { label: `${context} ${a.path}`, name: a.path, text: a.contents };
          list.push(harmlessKey === undefined ? { file } : { file, harmless: `${harmlessKey} ${a.path}`, replacement });
          toolFiles.set(tool, list);
        }
      };
      if (isDefault) {
        // The option's default written out: the same bytes as no option.
        expect(artifacts, context).toEqual(noOption.artifacts);
        addTool();
        tally.exact++;
        continue;
      }
      if (!comparable) {
        // A value the harmless text is not (e.g. a CIDR list): it parses, and the tools accept it.
        views(target, artifacts);
        addTool();
        tally.valid++;
        continue;
      }
      expect(artifacts.map((a) => a.path), context).toEqual(substitute(harmless.artifacts!.map((a) => a.path), HARMLESS, replacement));
      const hostileViews = views(target, artifacts);
      if (vector.default === undefined) {
        expect(hostileViews, context).toEqual(substitute(harmlessViews, HARMLESS, replacement, leaf));
        addTool(vector.name);
      } else {
        // An option value also changes derived names, uuids and order: same structure, and the
        // value is written as it is.
        expect(shape(hostileViews, entry.text), context).toEqual(shape(harmlessViews, HARMLESS));
        expect(leaves(hostileViews).some((l) => l.includes(entry.text)), context).toBe(true);
        addTool();
      }
      if (harmlessPolicy) {
        const policy = readBack(target, artifacts, input.text);
        expect(ruleCounts(policy), context).toEqual(ruleCounts(harmlessPolicy));
        expect(diffPolicies(harmlessPolicy, policy).equivalent, context).toBe(true);
        if (rulesetExact) expect(diffPolicies(rulesetPolicy(ir!, 'ruleset'), policy).equivalent, context).toBe(true);
      }
      tally.exact++;
    }
    // The harmless outputs go through the tools too (the nft listings are compared with them).
    for (const a of harmless.artifacts ?? []) {
      const tool = artifactKind(target, a.path).tool;
      if (tool === 'nft') nftHarmless.set(`${vector.name} ${a.path}`, a.contents);
    }
  });

  it('the real tools accept every output (one run per tool), and nft lists the same ruleset', () => {
    for (const [tool, entries] of toolFiles) {
      const files = entries.map((e) => e.file);
      if (tool === 'nft') {
        const harmless = [...nftHarmless.entries()];
        const all = runTool('nft', [...harmless.map(([label, text]) => ({ label, name: label, text })), ...files]);
        const listings = all.listings!;
        const byKey = new Map(harmless.map(([label], i) => [label, listings[i]!]));
        entries.forEach((e, i) => {
          // Rule comments are rule names and header comments are dropped: the listing is the
          // harmless one (with an option's value in place of the harmless text).
          if (e.harmless === undefined) return;
          expect(listings[harmless.length + i], e.file.label).toBe(byKey.get(e.harmless)!.split(HARMLESS).join(e.replacement!));
        });
      } else {
        const r = runTool(tool, files);
        if (r.skipped) console.warn(`injection: ${target}: ${tool} skipped: ${r.skipped}`);
      }
    }
    console.log(`injection: ${JSON.stringify({ target, inputs: tally.inputs, exact: tally.exact, valid: tally.valid, rejected: tally.rejected, codes: [...tally.codes].sort(), tools: [...toolFiles.keys()], vectors: tally.vectors })}`);
    expect(tally.inputs).toBe(tally.exact + tally.valid + tally.rejected);
  });
});

