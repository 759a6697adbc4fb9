/**
 * `npm run bench`: figures on generated rulesets (bench/generate.ts) of 1k, 10k and 100k rules
 * (`BENCH_SIZES=1000` for the CI smoke run). Each measurement runs in a fresh process with a
 * timeout (`BENCH_TIMEOUT`, seconds, default 180), so peak memory is that operation's own and a
 * slow one prints "timeout" instead of hanging the run. Measures the analysis commands, a
 * compile to every registered target (read from the registry at run time), all targets in one
 * process, and Capirca's aclgen on the same policy (bench/capirca.ts; `BENCH_CAPIRCA_SIZES`
 * caps the sizes Capirca runs at, default all). The tables and the issue targets are printed by bench/report.ts.
 * The command-line rows (compile to one target, `palisade diff`, `palisade lint`) run the CLI's
 * own bundle (rebuilt first), so their start-up is the one users get (cli-worker.ts); the
 * library rows run worker.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { backends } from '../src/backends/index.js';
import { ACCEPTING, ALL_ACCEPTING } from './accepting.js';
import { CAPIRCA_PYTHON, CAPIRCA_TARGETS, portlessNftLines, runCapirca, writeCapirca, type CapircaTarget } from './capirca.js';
import { editRuleset } from './edit.js';
import { generatePolicy, printPal } from './generate.js';
import { printReport, type Check, type Row } from './report.js';

const list = (v: string): number[] => v.split(',').filter(Boolean).map(Number);
const sizes = list(process.env['BENCH_SIZES'] ?? '1000,10000,100000');
const capircaSizes = list(process.env['BENCH_CAPIRCA_SIZES'] ?? sizes.join(','));
const timeoutMs = Number(process.env['BENCH_TIMEOUT'] ?? '180') * 1000;
const targets = Object.keys(backends);
const work = mkdtempSync(path.join(tmpdir(), 'palisade-bench-'));

/** Bundles one bench entry into `work` (the worker processes load one file, not the module graph). */
async function bundleEntry(entry: string): Promise<string> {
  const outfile = path.join(work, entry.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [path.join(import.meta.dirname, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    logLevel: 'warning',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  });
  return outfile;
}
// The CLI's own bundle (dist/), as `npm run bundle` makes it: the command-line rows load it.
if (spawnSync(process.execPath, [path.join(import.meta.dirname, '../scripts/bundle.mjs')], { stdio: 'inherit' }).status !== 0) {
  throw new Error('npm run bundle failed');
}
const worker = await bundleEntry('worker.ts');
const cliWorker = await bundleEntry('cli-worker.ts');
/** The command-line operations, measured through the CLI's bundle. */
const CLI_OPS = new Set(['diff-cli', 'lint-cli', 'compile', 'equivalent']);

interface WorkerOut {
  readonly phases: Record<string, number>;
  readonly maxRssMB: number;
  readonly refused: Record<string, string>;
  readonly equivalent?: boolean;
  readonly summary?: string;
}

/**
 * The error line of a crash, and the function it was thrown in: `RangeError: ... (in printConfig)`,
 * or V8's own fatal line (`FATAL ERROR: ... JavaScript heap out of memory`).
 */
function crashMessage(stderr: string): string {
  const lines = stderr.split('\n');
  const fatal = lines.find((l) => l.includes('FATAL ERROR'));
  if (fatal) return fatal.trim();
  const at = lines.findIndex((l) => /^\w*Error\b/.test(l));
  if (at < 0) return lines.filter(Boolean).slice(-2).join(' | ');
  const frame = /^\s+at (\S+) \(/.exec(lines[at + 1] ?? '');
  return `${lines[at]}${frame ? ` (in ${frame[1]})` : ''}`;
}

let crashed = 0;
/** Progress on stderr, so a long run shows it is alive; the report goes to stdout at the end. */
const progress = (r: Row): void => void process.stderr.write(`[bench] ${r.size} ${r.op}: ${r.status} ${(r.wallMs / 1000).toFixed(2)} s\n`);

/** One measurement in a fresh process; a crash is recorded (and fails the run at the end). */
function measure(size: number, op: string, args: string[]): Row & { out?: WorkerOut } {
  const row = measureOnce(size, op, args);
  progress(row);
  return row;
}

function measureOnce(size: number, op: string, args: string[]): Row & { out?: WorkerOut } {
  const start = performance.now();
  const r = spawnSync(process.execPath, [CLI_OPS.has(args[0]!) ? cliWorker : worker, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: timeoutMs, killSignal: 'SIGKILL' });
  const wallMs = performance.now() - start;
  const base = { size, op, readMs: 0, engineMs: 0, wallMs, rssMB: 0 };
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { ...base, status: 'timeout', note: `over ${timeoutMs / 1000} s` };
  if (r.status !== 0) {
    crashed++;
    return { ...base, status: 'failed', note: `${crashMessage(r.stderr || String(r.error))} after ${(wallMs / 1000).toFixed(1)} s` };
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as WorkerOut;
  const refusals = Object.entries(out.refused);
  return {
    ...base,
    readMs: out.phases['read'] ?? 0,
    engineMs: out.phases['engine'] ?? 0,
    rssMB: out.maxRssMB,
    phases: out.phases,
    status: refusals.length > 0 && op !== 'compile-all' ? 'refused' : 'ok',
    note: refusals.map(([t, e]) => (op === 'compile-all' ? `${t} refused: ${e}` : e)).join('; '),
    out,
  };
}

const capircaInstalled = existsSync(CAPIRCA_PYTHON) && spawnSync(CAPIRCA_PYTHON, ['-c', 'import capirca.aclgen'], { stdio: 'ignore' }).status === 0;
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`palisade bench: node ${process.version}, ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average at start ${loadavg()[0]!.toFixed(2)}`);
console.log(`targets: ${targets.join(', ')}; sizes: ${sizes.join(', ')}; timeout per measurement: ${timeoutMs / 1000} s`);
const rows: Row[] = [];
const checks: Check[] = [];
for (const size of sizes) {
  const a = path.join(work, `r${size}.pal`);
  const b = path.join(work, `r${size}-edited.pal`);
  const policy = generatePolicy(size);
  const text = printPal(policy);
  writeFileSync(a, text);
  writeFileSync(b, editRuleset(text));
  rows.push(measure(size, 'permitted', ['permitted', a]));
  rows.push(measure(size, 'diff', ['diff', a, b]));
  rows.push(measure(size, 'diff-cli', ['diff-cli', a, b]));
  rows.push(measure(size, 'lint', ['lint', a]));
  rows.push(measure(size, 'lint-cli', ['lint-cli', a]));
  for (const t of targets) {
    rows.push(measure(size, `compile:${t}`, ['compile', t, a, path.join(work, `out${size}-${t}`)]));
    // A target that refuses the policy with its defaults is also timed writing output (bench/accepting.ts).
    const sets = ACCEPTING[t];
    if (sets) rows.push(measure(size, `compile+:${t}`, ['compile', t, a, path.join(work, `out${size}-${t}`), ...sets]));
  }
  rows.push(measure(size, 'compile-all', ['compile-all', a, path.join(work, `out${size}-all`), ...ALL_ACCEPTING]));
  rmSync(path.join(work, `out${size}-all`), { recursive: true, force: true });
  for (const t of targets) rmSync(path.join(work, `out${size}-${t}`), { recursive: true, force: true });

  if (!capircaInstalled || !capircaSizes.includes(size)) continue;
  const dir = path.join(work, `capirca${size}`);
  const { terms } = writeCapirca(dir, policy);
  for (const t of Object.keys(CAPIRCA_TARGETS) as CapircaTarget[]) {
    const run = runCapirca(dir, t, timeoutMs);
    const row: Row = run.status === 'ok'
      ? { size, op: `capirca:${t}`, readMs: 0, engineMs: 0, wallMs: run.wallMs, rssMB: run.rssMB, status: 'ok', note: `${terms} terms` }
      : { size, op: `capirca:${t}`, readMs: 0, engineMs: 0, wallMs: run.wallMs, rssMB: 0, status: run.status, note: run.message };
    if (run.status === 'failed') crashed++;
    progress(row);
    rows.push(row);
    if (run.status !== 'ok' || size !== Math.min(...capircaSizes)) continue;
    // Were both tools given the same policy? Read Capirca's output back where palisade can.
    if (t === 'cisco') {
      const m = measure(size, 'equivalent', ['equivalent', `cisco:${run.output}`, a]);
      checks.push({
        size,
        text: m.out?.equivalent === true
          ? `Capirca's cisco output (${terms} terms) read back by palisade's cisco reader is equivalent to the ${size}-rule .pal ruleset: \`palisade diff cisco:bench-cisco.acl r${size}.pal\` exits 0, both permit exactly the same packets.`
          : m.status === 'ok'
            ? `Capirca's cisco output is NOT equivalent to the ${size}-rule .pal ruleset: ${m.out?.summary ?? ''}`
            : `Capirca's cisco output could not be compared with the ${size}-rule .pal ruleset (palisade diff ${m.status}): ${m.note ?? ''}`,
      });
    } else {
      const n = portlessNftLines(readFileSync(run.output, 'utf8'));
      checks.push({
        size,
        text: `Capirca's nftables output has ${n.lines} rule lines; ${n.accepts} IPv4 accept lines (and ${n.drops} drop lines) match TCP or UDP without the term's ports, i.e. open every port (Capirca's known nftables port defect, reference capirca-aerleon.md section 7), so it is broader than the policy; palisade has no reader for Capirca's nftables layout, so only the time is compared.`,
      });
    }
  }
}
rmSync(work, { recursive: true, force: true });
printReport({ sizes, targets, capircaSizes: capircaInstalled ? capircaSizes : [], capircaNote: capircaInstalled ? undefined : 'python3-capirca is not installed (apt-get install python3-capirca)', rows, checks, timeoutMs });
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')} (above 1: other jobs shared the ${cpus().length} cores during the run)`);
if (crashed > 0) {
  console.error(`\n${crashed} measurement(s) failed`);
  process.exitCode = 1;
}
