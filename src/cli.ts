/**
 * The command line (LANGUAGE.md, "Command line"): argv parsing and I/O only. Every command
 * goes through compile.ts; every error is printed with its position and a code frame, the exit
 * status is 2, and nothing is written.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { diffPolicies, jsonDifferences, namerOf, textDifferences } from './analysis/diff.js';
import { explain, parsePacket, type Arg } from './analysis/explain.js';
import { lint } from './analysis/lint/index.js';
import { rulesetPolicy, type Policy } from './analysis/policy.js';
import { sarifLog } from './analysis/sarif.js';
import { describeTarget, isTargetId, loadBackend, targetIds, type TargetId } from './backends/lazy.js';
import type { Artifact, ArtifactFile } from './backends/types.js';
import { analyze, compileWith, type RulesetInput } from './pipeline.js';
import {
  CommandLine,
  didYouMean,
  error,
  formatDiagnostic,
  hasErrors,
  sortDiagnostics,
  SourceFile,
  withExtras,
  type Diagnostic,
} from './diagnostics/index.js';
import type { AddressSet, Assignment, Role } from './ir/index.js';
import type { ReadResult } from './parser/load.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

const USAGE = `usage:
  palisade compile FILE --target T [--set K=V]... [--vars FILE] [--out DIR]
  palisade diff A B [--set K=V]... [--vars FILE] [--format text|json]
  palisade explain FILE PROTO SRC DST [PORT|ICMPTYPE] [--set K=V]... [--vars FILE]
  palisade lint FILE [--set K=V]... [--vars FILE] [--format text|sarif]
  palisade targets
  palisade --help | --version
`;

const COMMANDS = ['compile', 'diff', 'explain', 'lint', 'targets'] as const;
const MAX_DIAGNOSTICS = 50;

class Failed extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super('failed');
  }
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const line = new CommandLine(argv);
  try {
    return await run(argv, line, io);
  } catch (e) {
    if (e instanceof Failed) {
      report(e.diagnostics, io);
      return 2;
    }
    throw e;
  }
}

function report(diagnostics: readonly Diagnostic[], io: Io): void {
  const sorted = sortDiagnostics(diagnostics);
  for (const d of sorted.slice(0, MAX_DIAGNOSTICS)) io.err(`${formatDiagnostic(d)}\n`);
  if (sorted.length > MAX_DIAGNOSTICS) io.err(`palisade: ${sorted.length - MAX_DIAGNOSTICS} more diagnostics not shown\n`);
}

function fail(line: CommandLine, index: number | undefined, message: string, hint?: string): never {
  const span = index === undefined ? line.end() : line.span(index);
  throw new Failed([withExtras(error('PAL7002', span, message), { hint })]);
}

async function run(argv: readonly string[], line: CommandLine, io: Io): Promise<number> {
  const command = argv[0];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    io.out(`${version()}\n`);
    return 0;
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    fail(line, 0, `unknown command ${JSON.stringify(command)}`, didYouMean(command, COMMANDS) ?? `commands are ${COMMANDS.join(', ')}`);
  }
  const args = parseCommand(argv, line);
  switch (command) {
    case 'compile':
      return runCompile(args, line, io);
    case 'diff':
      return runDiff(args, line, io);
    case 'explain':
      return runExplain(args, line, io);
    case 'lint':
      return runLint(args, line, io);
    default:
      return runTargets(args, line, io);
  }
}

interface ParsedArgs {
  readonly positionals: readonly { readonly text: string; readonly index: number }[];
  readonly target?: { readonly text: string; readonly index: number };
  readonly out?: { readonly text: string; readonly index: number };
  readonly vars?: { readonly text: string; readonly index: number };
  readonly format?: { readonly text: string; readonly index: number };
  readonly set: readonly Assignment[];
}

function parseCommand(argv: readonly string[], line: CommandLine): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(1) as string[],
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: {
        target: { type: 'string', short: 't' },
        out: { type: 'string', short: 'o' },
        vars: { type: 'string' },
        format: { type: 'string' },
        set: { type: 'string', multiple: true },
      },
    });
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    const bad = /'(-[^']*)'/.exec(message)?.[1];
    const index = bad === undefined ? undefined : argv.findIndex((a, i) => i > 0 && (a === bad || a.startsWith(`${bad}=`)));
    fail(line, index !== undefined && index >= 0 ? index : undefined, message.replace(/^Unknown option/, 'unknown option'));
  }
  const result: {
    positionals: { text: string; index: number }[];
    target?: { text: string; index: number };
    out?: { text: string; index: number };
    vars?: { text: string; index: number };
    format?: { text: string; index: number };
    set: Assignment[];
  } = { positionals: [], set: [] };
  for (const token of parsed.tokens ?? []) {
    const index = token.index + 1;
    if (token.kind === 'positional') {
      result.positionals.push({ text: token.value, index });
      continue;
    }
    if (token.kind !== 'option' || token.value === undefined) continue;
    // An inline value (--set=a=b) sits in the option's own argument, after "=".
    const inline = token.inlineValue === true;
    const valueIndex = inline ? index : index + 1;
    const shift = inline ? argv[index]!.indexOf('=') + 1 : 0;
    if (token.name === 'set') result.set.push(assignment(line, token.value, valueIndex, shift));
    else if (token.name === 'target' || token.name === 'out' || token.name === 'vars' || token.name === 'format') {
      result[token.name] = { text: token.value, index: valueIndex };
    }
  }
  return result;
}

function assignment(line: CommandLine, text: string, index: number, shift: number): Assignment {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    throw new Failed([error('PAL4013', line.span(index, shift), `expected NAME=VALUE, found ${JSON.stringify(text)}`)]);
  }
  return {
    key: text.slice(0, eq),
    keySpan: line.span(index, shift, shift + eq),
    value: text.slice(eq + 1),
    valueSpan: line.span(index, shift + eq + 1),
  };
}

function readSource(file: string): ReadResult {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message };
  }
}

function rulesetInput(args: ParsedArgs, line: CommandLine, file: { text: string; index: number }): RulesetInput {
  let vars: SourceFile | undefined;
  if (args.vars) {
    const read = readSource(args.vars.text);
    if ('error' in read) throw new Failed([error('PAL7001', line.span(args.vars.index), args.vars.text, read.error)]);
    vars = new SourceFile(args.vars.text, read.text);
  }
  return { entry: file.text, read: readSource, entrySpan: line.span(file.index), set: args.set, vars };
}

/** Checks the number of arguments after the command; `usage` is e.g. `compile FILE`. */
function expectPositionals(args: ParsedArgs, line: CommandLine, min: number, max: number, usage: string): void {
  const names = usage.split(' ').slice(1);
  const n = args.positionals.length;
  if (n < min) fail(line, undefined, `missing ${names[n]!.replace(/^\[|\]$/g, '')}`, `usage: palisade ${usage}`);
  if (n > max) fail(line, args.positionals[max]!.index, 'unexpected argument', `usage: palisade ${usage}`);
}

async function runCompile(args: ParsedArgs, line: CommandLine, io: Io): Promise<number> {
  expectPositionals(args, line, 1, 1, 'compile FILE');
  if (!args.target) fail(line, undefined, 'missing --target', `targets are ${targetIds.join(', ')}`);
  const target = args.target.text;
  if (!isTargetId(target)) {
    fail(line, args.target.index, `unknown target ${JSON.stringify(target)}`, didYouMean(target, targetIds) ?? `targets are ${targetIds.join(', ')}`);
  }
  const result = compileWith(rulesetInput(args, line, args.positionals[0]!), await loadBackend(target));
  report(result.diagnostics, io);
  if (!result.artifacts || hasErrors(result.diagnostics)) return 2;
  if (args.out) writeArtifacts(args.out.text, result.artifacts, line, args.out.index);
  else printArtifacts(result.artifacts, io);
  return 0;
}

function printArtifacts(artifacts: readonly Artifact[], io: Io): void {
  for (const a of artifacts) {
    if (artifacts.length > 1) io.out(`# ==> ${a.path} <==\n`);
    io.out(a.contents.endsWith('\n') ? a.contents : `${a.contents}\n`);
  }
}

/**
 * Writes every artifact to a temporary file first, then renames them all into place. Should a
 * rename fail (a directory where a file goes), the files already replaced are put back, the new
 * ones and the temporary files removed, and the directories this run created removed again: an
 * error leaves the output as it was.
 */
function writeArtifacts(dir: string, artifacts: readonly Artifact[], line: CommandLine, index: number): void {
  const temps: { temp: string; final: string }[] = [];
  const created: string[] = [];
  const placed: { final: string; backup?: string }[] = [];
  const mkdir = (d: string): void => {
    const first = mkdirSync(d, { recursive: true });
    if (first !== undefined) created.push(first);
  };
  try {
    mkdir(dir);
    for (const a of artifacts) {
      const final = path.join(dir, a.path);
      const temp = path.join(path.dirname(final), `.${path.basename(final)}.${process.pid}.tmp`);
      mkdir(path.dirname(final));
      temps.push({ temp, final });
      writeFileSync(temp, a.contents);
    }
    for (const { temp, final } of temps) {
      const backup = isFile(final) ? `${temp}.old` : undefined;
      if (backup) renameSync(final, backup);
      placed.push(backup ? { final, backup } : { final });
      renameSync(temp, final);
    }
    for (const p of placed) if (p.backup) rmSync(p.backup, { force: true });
  } catch (e) {
    for (const { final, backup } of placed.reverse()) {
      if (backup) renameSync(backup, final);
      else if (isFile(final)) rmSync(final, { force: true });
    }
    for (const { temp } of temps) rmSync(temp, { force: true });
    for (const d of created.reverse()) rmSync(d, { recursive: true, force: true });
    throw new Failed([error('PAL7003', line.span(index), dir, (e as Error).message)]);
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function runExplain(args: ParsedArgs, line: CommandLine, io: Io): number {
  expectPositionals(args, line, 4, 5, 'explain FILE PROTO SRC DST [PORT|ICMPTYPE]');
  if (args.target || args.out) fail(line, (args.target ?? args.out)!.index - 1, 'explain takes no --target or --out');
  const [file, protocol, source, destination, port] = args.positionals;
  const analyzed = analyze(rulesetInput(args, line, file!));
  report(analyzed.diagnostics, io);
  if (!analyzed.ir) return 2;
  const arg = (p: { text: string; index: number }): Arg => ({ text: p.text, span: line.span(p.index) });
  const parsed = parsePacket(analyzed.ir, {
    protocol: arg(protocol!),
    source: arg(source!),
    destination: arg(destination!),
    port: port ? arg(port) : undefined,
  });
  if (!parsed.packet) throw new Failed(parsed.diagnostics);
  const { verdict, text } = explain(analyzed.ir, parsed.packet);
  io.out(`${text}\n`);
  return verdict.permitted ? 0 : 1;
}

async function runDiff(args: ParsedArgs, line: CommandLine, io: Io): Promise<number> {
  expectPositionals(args, line, 2, 2, 'diff A B');
  if (args.target || args.out) fail(line, (args.target ?? args.out)!.index - 1, 'diff takes no --target or --out');
  const format = args.format?.text ?? 'text';
  if (format !== 'text' && format !== 'json') fail(line, args.format!.index, `unknown format ${JSON.stringify(format)}`, 'formats are text and json');
  // Rulesets first: a reader may need the roles of the ruleset it is compared with.
  const isRuleset = (p: { text: string }): boolean => !isTargetId(p.text.slice(0, Math.max(0, p.text.indexOf(':'))));
  const [pa, pb] = args.positionals as [{ text: string; index: number }, { text: string; index: number }];
  let operands: Operand[];
  if (isRuleset(pa) || !isRuleset(pb)) {
    const a = await loadOperand(args, line, pa);
    operands = [a, await loadOperand(args, line, pb, a)];
  } else {
    const b = await loadOperand(args, line, pb);
    operands = [await loadOperand(args, line, pa, b), b];
  }
  const diagnostics = operands.flatMap((o) => o.diagnostics);
  report(diagnostics, io);
  const [a, b] = operands;
  if (!a?.policy || !b?.policy || hasErrors(diagnostics)) return 2;
  const result = diffPolicies(a.policy, b.policy);
  if (format === 'json') io.out(`${JSON.stringify(jsonDifferences(result), null, 2)}\n`);
  else io.out(textDifferences(result, namerOf([...a.named, ...b.named])));
  return result.equivalent ? 0 : 1;
}

interface Operand {
  readonly policy?: Policy;
  readonly roles?: readonly Role[];
  readonly named: readonly { readonly name: string; readonly addresses: AddressSet | undefined }[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * A diff operand: a .pal ruleset (with --set and --vars applied), or `TARGET:PATH`, a compiled
 * or deployed artifact (a file, or a directory of them) read back by that target's reader.
 */
async function loadOperand(args: ParsedArgs, line: CommandLine, p: { text: string; index: number }, other?: Operand): Promise<Operand> {
  const colon = p.text.indexOf(':');
  const target = colon > 0 ? p.text.slice(0, colon) : '';
  if (isTargetId(target)) return readOperand(line, p, target, p.text.slice(colon + 1), other);
  const analyzed = analyze(rulesetInput(args, line, p));
  if (!analyzed.ir) return { named: [], diagnostics: analyzed.diagnostics };
  const ir = analyzed.ir;
  // Sets are named by a zone or role they equal, else by a rule's own source or destination.
  const endpoints = ir.rules.flatMap((r) => [r.source, r.destination]).map((e) => ({ name: e.text, addresses: e.addresses }));
  return {
    policy: rulesetPolicy(ir, p.text),
    roles: ir.roles,
    named: [...ir.roles, ...ir.zones, ...endpoints],
    diagnostics: analyzed.diagnostics,
  };
}

async function readOperand(line: CommandLine, p: { text: string; index: number }, target: TargetId, where: string, other?: Operand): Promise<Operand> {
  const backend = await loadBackend(target);
  if (!backend.read) fail(line, p.index, `the ${target} target has no reader yet`);
  let files: ArtifactFile[];
  try {
    files = statSync(where).isDirectory()
      ? readdirSync(where)
          .filter((f) => !f.startsWith('.'))
          .sort()
          .map((f) => path.join(where, f))
          .filter((f) => statSync(f).isFile())
          .map((f) => ({ path: f, text: readFileSync(f, 'utf8') }))
      : [{ path: where, text: readFileSync(where, 'utf8') }];
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Failed([error('PAL7001', line.span(p.index, target.length + 1), where, code === 'ENOENT' ? 'no such file or directory' : (e as Error).message)]);
  }
  if (files.length === 0) fail(line, p.index, `no files in ${JSON.stringify(where)}`);
  const result = backend.read(files, { roles: other?.roles });
  return {
    ...(result.policy ? { policy: { ...result.policy, label: p.text } } : {}),
    named: other?.named ?? [],
    diagnostics: result.diagnostics,
  };
}

function runLint(args: ParsedArgs, line: CommandLine, io: Io): number {
  expectPositionals(args, line, 1, 1, 'lint FILE');
  if (args.target || args.out) fail(line, (args.target ?? args.out)!.index - 1, 'lint takes no --target or --out');
  const format = args.format?.text ?? 'text';
  if (format !== 'text' && format !== 'sarif') fail(line, args.format!.index, `unknown format ${JSON.stringify(format)}`, 'formats are text and sarif');
  const analyzed = analyze(rulesetInput(args, line, args.positionals[0]!));
  if (!analyzed.ir || !analyzed.statements) {
    report(analyzed.diagnostics, io);
    return 2;
  }
  const findings = sortDiagnostics([...analyzed.diagnostics, ...lint(analyzed.ir, analyzed.statements)]);
  if (format === 'sarif') {
    io.out(`${JSON.stringify(sarifLog(findings, version().replace(/^palisade /, '')), null, 2)}\n`);
  } else {
    for (const d of findings) io.out(`${formatDiagnostic(d)}\n`);
    const errors = findings.filter((d) => d.severity === 'error').length;
    io.out(`${findings.length} finding${findings.length === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} warning${findings.length - errors === 1 ? '' : 's'}\n`);
  }
  return hasErrors(findings) ? 1 : 0;
}

function runTargets(args: ParsedArgs, line: CommandLine, io: Io): number {
  expectPositionals(args, line, 0, 0, 'targets');
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const rows = [['TARGET', 'ORDERED', 'DENY', 'EGRESS', 'IPV6', 'ICMP-TYPES', 'STATEFUL', 'NEEDS-ROLE-ADDRESSES', 'WRITES']];
  const described = targetIds.map(describeTarget);
  for (const b of described) {
    const c = b.capabilities;
    rows.push([b.id, yes(c.ordered), yes(c.deny), yes(c.egress), yes(c.ipv6), yes(c.icmpTypes), yes(c.stateful), yes(c.needsRoleAddresses), c.artifacts]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) io.out(`${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`);
  for (const b of described) {
    io.out(`\n${b.id}: ${b.description}\n`);
    for (const [key, spec] of Object.entries(b.options)) {
      const fallback = 'default' in spec ? `, default ${JSON.stringify(spec.default)}` : '';
      io.out(`  ${b.id}.${key} (${spec.type}${fallback}): ${spec.description}\n`);
    }
  }
  return 0;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return `palisade ${pkg.version}`;
}
