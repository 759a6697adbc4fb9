/**
 * One command-line measurement in a fresh process, through the bundle users run
 * (dist/palisade.mjs, what bin/palisade.js loads: targets loaded lazily, only the one a command
 * uses): `node cli-worker.mjs OP ARGS...`. Prints one JSON line in worker.ts's shape: the whole
 * command's time, the process's peak RSS, a compile's refusal, a diff's verdict.
 *
 * OP is one of: diff-cli FILE FILE2 (`--format json`) | lint-cli FILE | compile TARGET FILE OUT
 * [K=V...] (each K=V passed as `--set K=V`) | equivalent OPERAND FILE (`palisade diff`).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

type Main = (argv: string[], io: { out(s: string): void; err(s: string): void }) => Promise<number>;

const start = performance.now();
// The bundle of the repository the bench runs in (npm run bench: its root), as a path known only
// at run time, so the benchmark's own bundler leaves this import to Node.
const bundle = pathToFileURL(path.resolve('dist/palisade.mjs')).href;
const { main } = (await import(bundle)) as { main: Main };

const [op, ...args] = process.argv.slice(2) as [string, ...string[]];
const arg = (i: number): string => {
  const a = args[i];
  if (a === undefined) throw new Error(`${op}: missing argument ${i + 1}`);
  return a;
};
let errText = '';
let outText = '';
const capture = { out: (s: string) => void (outText += s), err: (s: string) => void (errText += s) };
/** The first error of a refused compile: `file:line:col: error: ... [PALnnnn]`. */
const firstError = (text: string): string => text.split('\n').find((l) => l.includes(': error: ')) ?? text.split('\n')[0] ?? '';
const refused: Record<string, string> = {};
let equivalent: boolean | undefined;

switch (op) {
  case 'diff-cli':
    await main(['diff', arg(0), arg(1), '--format', 'json'], capture);
    break;
  case 'lint-cli':
    await main(['lint', arg(0)], capture);
    break;
  case 'compile': {
    const sets = args.slice(3).flatMap((kv) => ['--set', kv]);
    const code = await main(['compile', arg(1), '--target', arg(0), '--out', arg(2), ...sets], capture);
    if (code === 2) refused[arg(0)] = firstError(errText);
    else if (code !== 0) throw new Error(`compile exited ${code}: ${errText}`);
    break;
  }
  case 'equivalent': {
    const code = await main(['diff', arg(0), arg(1)], capture);
    if (code !== 0 && code !== 1) throw new Error(`diff exited ${code}: ${errText}`);
    equivalent = code === 0;
    break;
  }
  default:
    throw new Error(`unknown operation ${op}`);
}
const ms = performance.now() - start;
const summary = equivalent === undefined ? undefined : outText.split('\n').slice(0, 8).join('\n');
process.stdout.write(`${JSON.stringify({ phases: { engine: ms }, ms, maxRssMB: process.resourceUsage().maxRSS / 1024, refused, equivalent, summary })}\n`);
