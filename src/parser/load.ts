/**
 * Reads a ruleset and its imports. `import "PATH"` (relative to the importing file) stands for
 * the imported file's statements at that place. A file imported a second time is not read
 * again (its declarations and rules are already in place); an import that leads back to a file
 * still being read is a cycle and an error. File access goes through `SourceReader`, so this
 * stage stays free of I/O.
 */
import path from 'node:path';
import { error, SourceFile, type Diagnostic, type Span } from '../diagnostics/index.js';
import type { ImportDecl, Statement } from './ast.js';
import { parse } from './index.js';

export type ReadResult = { readonly text: string } | { readonly error: string };
export type SourceReader = (path: string) => ReadResult;

export interface LoadResult {
  /** The entry file's statements with imports expanded in place. */
  readonly statements: readonly Statement[];
  /** The entry file first, then imported files in the order they were read. */
  readonly sources: readonly SourceFile[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Maximum import nesting, so a runaway chain of imports is an error rather than a hang. */
export const MAX_IMPORT_DEPTH = 32;
/** Maximum size of one file, in characters (a 100k-rule ruleset is about 5 M). */
export const MAX_FILE_CHARS = 64 * 1024 * 1024;

/** `entrySpan` positions an error reading the entry file itself (e.g. on the command line). */
export function load(entry: string, read: SourceReader, entrySpan?: Span): LoadResult {
  const sources: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const done = new Set<string>();
  const active: string[] = [];

  function visit(file: string, via: ImportDecl | undefined): Statement[] {
    const key = path.normalize(file);
    if (active.includes(key)) {
      const chain = [...active.slice(active.indexOf(key)), key].join(' -> ');
      diagnostics.push(error('PAL3008', via?.pathSpan, chain));
      return [];
    }
    if (done.has(key)) return [];
    if (active.length >= MAX_IMPORT_DEPTH) {
      diagnostics.push(error('PAL3009', via?.pathSpan, via?.path ?? file, `imports are nested more than ${MAX_IMPORT_DEPTH} deep`));
      return [];
    }
    const read_ = read(file);
    const result = 'text' in read_ && read_.text.length > MAX_FILE_CHARS ? { error: `it is larger than ${MAX_FILE_CHARS} characters` } : read_;
    if ('error' in result) {
      diagnostics.push(via ? error('PAL3009', via.pathSpan, via.path, result.error) : error('PAL7001', entrySpan, file, result.error));
      return [];
    }
    const source = new SourceFile(file, result.text);
    sources.push(source);
    done.add(key);
    active.push(key);
    const parsed = parse(source);
    diagnostics.push(...parsed.diagnostics);
    const out: Statement[] = [];
    for (const statement of parsed.program.statements) {
      if (statement.kind === 'import') {
        out.push(...visit(path.join(path.dirname(file), statement.path), statement));
      } else {
        out.push(statement);
      }
    }
    active.pop();
    return out;
  }

  const statements = visit(entry, undefined);
  return { statements, sources, diagnostics };
}
