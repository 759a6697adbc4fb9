/**
 * One measurement in a fresh process: `node worker.mjs OP ARGS...`. Prints one JSON line with the
 * time of each phase, the whole operation's time, the process's peak RSS and, for a compile that
 * the target refuses, the first positioned error (a refusal is a result, not a crash).
 *
 * OP is one of: permitted FILE | diff FILE FILE2 | lint FILE | compile-all FILE OUT [K=V...] (as
 * `--set K=V`: target options, bench/accepting.ts). The command-line
 * rows (a compile to one target, `palisade diff`, `palisade lint`) run the real bundle instead:
 * cli-worker.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { diffPolicies, jsonDifferences, lint, PacketUniverse, permittedSet, rulesetPolicy } from '../src/analysis/index.js';
import { backends, getBackend, type TargetId } from '../src/backends/index.js';
import { resolveOptions, targetBlock } from '../src/backends/options.js';
import { analyze } from '../src/compile.js';
import { formatDiagnostic, hasErrors, SourceFile, type Diagnostic } from '../src/diagnostics/index.js';
import type { Assignment } from '../src/ir/index.js';

const [op, ...args] = process.argv.slice(2) as [string, ...string[]];
const arg = (i: number): string => {
  const a = args[i];
  if (a === undefined) throw new Error(`${op}: missing argument ${i + 1}`);
  return a;
};
const read = (p: string) => ({ text: readFileSync(p, 'utf8') });
const phases: Record<string, number> = {};
const refused: Record<string, string> = {};
let last = performance.now();
const start = last;
const lap = (name: string): void => {
  const now = performance.now();
  phases[name] = now - last;
  last = now;
};
/** The first error of a refused compile: `file:line:col: error: ... [PALnnnn]`. */
const firstError = (text: string): string => text.split('\n').find((l) => l.includes(': error: ')) ?? text.split('\n')[0] ?? '';

/** `K=V` as a `--set` assignment (its spans point into the text itself). */
function assignment(text: string): Assignment {
  const source = new SourceFile('<bench --set>', text);
  const eq = text.indexOf('=');
  return { key: text.slice(0, eq), keySpan: source.span(0, eq), value: text.slice(eq + 1), valueSpan: source.span(eq + 1, text.length) };
}

switch (op) {
  case 'permitted': {
    const analyzed = analyze({ entry: arg(0), read });
    lap('read');
    const ir = analyzed.ir!;
    permittedSet(new PacketUniverse(ir.roles.filter((r) => r.addresses === undefined).map((r) => r.name)), rulesetPolicy(ir, arg(0))).permitted.isEmpty();
    lap('engine');
    break;
  }
  case 'diff': {
    const a = analyze({ entry: arg(0), read }).ir!;
    const b = analyze({ entry: arg(1), read }).ir!;
    lap('read');
    jsonDifferences(diffPolicies(rulesetPolicy(a, arg(0)), rulesetPolicy(b, arg(1))));
    lap('engine');
    break;
  }
  case 'lint': {
    const analyzed = analyze({ entry: arg(0), read });
    lap('read');
    lint(analyzed.ir!, analyzed.statements!);
    lap('engine');
    break;
  }
  case 'compile-all': {
    // One process, one read of the ruleset, then every registered target's check and emit.
    const analyzed = analyze({ entry: arg(0), read, set: args.slice(2).map(assignment) });
    lap('read');
    if (!analyzed.ir) throw new Error(`the ruleset does not compile: ${analyzed.diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
    for (const id of Object.keys(backends) as TargetId[]) {
      const backend = getBackend(id);
      const diagnostics: Diagnostic[] = [];
      const options = resolveOptions(backend, targetBlock(analyzed.ir, id), diagnostics);
      diagnostics.push(...backend.check(analyzed.ir, options));
      if (hasErrors(diagnostics)) {
        refused[id] = firstError(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
      } else {
        for (const a of backend.emit(analyzed.ir, options)) {
          const file = path.join(arg(1), id, a.path);
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, a.contents);
        }
      }
      lap(id);
    }
    break;
  }
  default:
    throw new Error(`unknown operation ${op}`);
}
process.stdout.write(
  `${JSON.stringify({ phases, ms: performance.now() - start, maxRssMB: process.resourceUsage().maxRSS / 1024, refused })}\n`,
);
