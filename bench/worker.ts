/**
 * One measurement in a fresh process: `node worker.mjs OP FILE [FILE2]`. Prints JSON with the
 * time of the operation itself and the process's peak RSS.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PacketUniverse, permittedSet, rulesetPolicy } from '../src/analysis/index.js';
import { main } from '../src/cli.js';
import { analyze } from '../src/compile.js';

const [op, file, other] = process.argv.slice(2) as [string, string, string | undefined];
const quiet = { out: () => {}, err: () => {} };
const read = (p: string) => ({ text: readFileSync(p, 'utf8') });
const start = performance.now();
let status = 0;
switch (op) {
  case 'permitted': {
    const ir = analyze({ entry: file, read }).ir!;
    const { permitted } = permittedSet(new PacketUniverse(ir.roles.filter((r) => r.addresses === undefined).map((r) => r.name)), rulesetPolicy(ir, file));
    status = permitted.isEmpty() ? 1 : 0;
    break;
  }
  case 'diff':
    status = await main(['diff', file, other!, '--format', 'json'], quiet);
    break;
  case 'lint':
    status = await main(['lint', file], quiet);
    break;
  case 'compile':
    status = await main(['compile', file, '--target', 'nftables', '--out', other!], quiet);
    break;
  default:
    throw new Error(`unknown operation ${op}`);
}
const ms = performance.now() - start;
process.stdout.write(`${JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, status })}\n`);
