/**
 * One measurement in a fresh process: `node worker.mjs OP FILE [FILE2]`. Prints JSON with the
 * time of each phase, the whole operation's time and the process's peak RSS.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { diffPolicies, jsonDifferences, lint, PacketUniverse, permittedSet, rulesetPolicy } from '../src/analysis/index.js';
import { main } from '../src/cli.js';
import { analyze } from '../src/compile.js';

const [op, file, other] = process.argv.slice(2) as [string, string, string | undefined];
const quiet = { out: () => {}, err: () => {} };
const read = (p: string) => ({ text: readFileSync(p, 'utf8') });
const phases: Record<string, number> = {};
let last = performance.now();
const start = last;
const lap = (name: string): void => {
  const now = performance.now();
  phases[name] = now - last;
  last = now;
};
switch (op) {
  case 'permitted': {
    const analyzed = analyze({ entry: file, read });
    lap('read');
    const ir = analyzed.ir!;
    permittedSet(new PacketUniverse(ir.roles.filter((r) => r.addresses === undefined).map((r) => r.name)), rulesetPolicy(ir, file)).permitted.isEmpty();
    lap('engine');
    break;
  }
  case 'diff': {
    const a = analyze({ entry: file, read }).ir!;
    const b = analyze({ entry: other!, read }).ir!;
    lap('read');
    jsonDifferences(diffPolicies(rulesetPolicy(a, file), rulesetPolicy(b, other!)));
    lap('engine');
    break;
  }
  case 'lint': {
    const analyzed = analyze({ entry: file, read });
    lap('read');
    lint(analyzed.ir!, analyzed.statements!);
    lap('engine');
    break;
  }
  case 'diff-cli':
    await main(['diff', file, other!, '--format', 'json'], quiet);
    lap('engine');
    break;
  case 'lint-cli':
    await main(['lint', file], quiet);
    lap('engine');
    break;
  case 'compile':
    await main(['compile', file, '--target', 'nftables', '--out', other!], quiet);
    lap('engine');
    break;
  default:
    throw new Error(`unknown operation ${op}`);
}
process.stdout.write(`${JSON.stringify({ phases, ms: performance.now() - start, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
