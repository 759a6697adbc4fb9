/** Shared test helpers: in-memory files, and diagnostics as plain data. */
import { analyze, compile, type Analyzed, type Compiled } from '../src/compile.js';
import type { TargetId } from '../src/backends/index.js';
import { CommandLine, SourceFile, type Diagnostic } from '../src/diagnostics/index.js';
import type { Assignment } from '../src/ir/index.js';
import type { SourceReader } from '../src/parser/load.js';

export interface DiagnosticData {
  readonly code: string;
  readonly line: number;
  readonly column: number;
  readonly severity?: 'error' | 'warning';
}

/** A reader over in-memory files; anything else is "no such file". */
export function memoryReader(files: Readonly<Record<string, string>>): SourceReader {
  return (path) => (Object.hasOwn(files, path) ? { text: files[path]! } : { error: 'no such file' });
}

/** `--set` assignments with spans into a synthetic command line, as the CLI makes them. */
export function assignments(...pairs: string[]): Assignment[] {
  const argv = pairs.flatMap((p) => ['--set', p]);
  const line = new CommandLine(argv);
  return pairs.map((p, i) => {
    const index = i * 2 + 1;
    const eq = p.indexOf('=');
    return { key: p.slice(0, eq), keySpan: line.span(index, 0, eq), value: p.slice(eq + 1), valueSpan: line.span(index, eq + 1) };
  });
}

export interface RunOptions {
  readonly files?: Readonly<Record<string, string>>;
  readonly set?: readonly string[];
  readonly vars?: string;
}

export function analyzeText(text: string, options: RunOptions = {}): Analyzed {
  return analyze({
    entry: 'main.pal',
    read: memoryReader({ 'main.pal': text, ...options.files }),
    set: assignments(...(options.set ?? [])),
    vars: options.vars === undefined ? undefined : new SourceFile('vars.yaml', options.vars),
  });
}

export function compileText(text: string, target: TargetId, options: RunOptions = {}): Compiled {
  return compile({
    entry: 'main.pal',
    read: memoryReader({ 'main.pal': text, ...options.files }),
    set: assignments(...(options.set ?? [])),
    vars: options.vars === undefined ? undefined : new SourceFile('vars.yaml', options.vars),
    target,
  });
}

export function data(diagnostics: readonly Diagnostic[]): DiagnosticData[] {
  return diagnostics.map((d) => ({
    code: d.code,
    line: d.span?.line ?? 0,
    column: d.span?.column ?? 0,
    ...(d.severity === 'warning' ? { severity: 'warning' as const } : {}),
  }));
}
