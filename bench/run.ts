/**
 * `npm run bench`: figures on generated rulesets (bench/generate.ts) of 1k, 10k and 100k rules
 * (`BENCH_SIZES=1000` for the CI smoke run). Each measurement runs in a fresh process, so peak
 * memory is that operation's own. Prints, per size and operation: the time of the operation,
 * the end-to-end wall time of the process (start-up included), rules per second and peak RSS,
 * then how each grows from the smallest size, and the analysis targets of issue 3.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { editRuleset } from './edit.js';
import { generateRuleset } from './generate.js';

const sizes = (process.env['BENCH_SIZES'] ?? '1000,10000,100000').split(',').map(Number);
const work = mkdtempSync(path.join(tmpdir(), 'palisade-bench-'));
const worker = path.join(work, 'worker.mjs');

await build({
  entryPoints: [path.join(import.meta.dirname, 'worker.ts')],
  outfile: worker,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
});

interface Row {
  readonly size: number;
  readonly op: string;
  /** Reading and checking the ruleset(s): parse, parameters, names, IR. */
  readonly readMs: number;
  /** The analysis itself (or the whole command, for the CLI rows). */
  readonly engineMs: number;
  readonly wallMs: number;
  readonly rssMB: number;
}

function measure(size: number, op: string, args: string[]): Row {
  const start = performance.now();
  const r = spawnSync(process.execPath, [worker, op, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = performance.now() - start;
  if (r.status !== 0) throw new Error(`${op} on ${size} rules failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { phases: Record<string, number>; maxRssMB: number };
  return { size, op, readMs: out.phases['read'] ?? 0, engineMs: out.phases['engine'] ?? 0, wallMs, rssMB: out.maxRssMB };
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`palisade bench: node ${process.version}, ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
const rows: Row[] = [];
for (const size of sizes) {
  const a = path.join(work, `r${size}.pal`);
  const b = path.join(work, `r${size}-edited.pal`);
  const text = generateRuleset(size);
  writeFileSync(a, text);
  writeFileSync(b, editRuleset(text));
  rows.push(measure(size, 'permitted', [a]));
  rows.push(measure(size, 'diff', [a, b]));
  rows.push(measure(size, 'diff-cli', [a, b]));
  rows.push(measure(size, 'lint', [a]));
  rows.push(measure(size, 'lint-cli', [a]));
  rows.push(measure(size, 'compile', [a, path.join(work, `out${size}`)]));
}
rmSync(work, { recursive: true, force: true });

const names: Record<string, string> = {
  permitted: 'build the permitted set',
  diff: 'diff vs a 1%-edited copy',
  'diff-cli': 'palisade diff --format json (CLI)',
  lint: 'lint',
  'lint-cli': 'palisade lint (CLI)',
  compile: 'palisade compile --target nftables',
};
console.log('');
console.log('read = parse and check the ruleset(s) into the IR; analysis = the operation on the IR;');
console.log('wall = the whole process, start-up included; peak = the process\'s peak RSS.');
console.log('');
console.log(`${'rules'.padStart(7)}  ${'operation'.padEnd(35)} ${'read s'.padStart(7)} ${'analysis s'.padStart(10)} ${'wall s'.padStart(7)} ${'rules/s'.padStart(9)} ${'peak MB'.padStart(8)}`);
for (const r of rows) {
  const cli = r.op.endsWith('-cli') || r.op === 'compile';
  console.log(
    `${String(r.size).padStart(7)}  ${names[r.op]!.padEnd(35)} ${(cli ? '' : (r.readMs / 1000).toFixed(2)).padStart(7)} ${(cli ? '' : (r.engineMs / 1000).toFixed(2)).padStart(10)} ${(r.wallMs / 1000).toFixed(2).padStart(7)} ${Math.round((r.size / r.wallMs) * 1000).toString().padStart(9)} ${r.rssMB.toFixed(0).padStart(8)}`,
  );
}

if (sizes.length > 1) {
  const smallest = Math.min(...sizes);
  console.log(`\ngrowth of wall time from ${smallest} rules (linear growth would match the growth in rules):`);
  for (const op of Object.keys(names)) {
    const base = rows.find((r) => r.size === smallest && r.op === op)!;
    const parts = sizes
      .filter((s) => s !== smallest)
      .map((s) => {
        const r = rows.find((x) => x.size === s && x.op === op)!;
        return `x${s / smallest} rules: x${(r.wallMs / base.wallMs).toFixed(1)} time`;
      });
    console.log(`  ${names[op]!.padEnd(35)} ${parts.join(', ')}`);
  }
}

const targets: [number, string, number][] = [
  [10000, 'diff', 1],
  [100000, 'diff', 10],
  [10000, 'lint', 3],
];
const checked = targets.filter(([size, op]) => rows.some((r) => r.size === size && r.op === op));
if (checked.length > 0) {
  console.log('\nissue 3 targets (time of the analysis on the IR, and of the whole process; peak memory under 1 GB):');
  for (const [size, op, limit] of checked) {
    const r = rows.find((x) => x.size === size && x.op === op)!;
    const verdict = (s: number): string => (s < limit ? 'met' : 'NOT met');
    console.log(
      `  ${op} at ${size} rules (target < ${limit} s): analysis ${(r.engineMs / 1000).toFixed(2)} s ${verdict(r.engineMs / 1000)}; whole process ${(r.wallMs / 1000).toFixed(2)} s ${verdict(r.wallMs / 1000)}; peak ${r.rssMB.toFixed(0)} MB ${r.rssMB < 1024 ? 'met' : 'NOT met'}`,
    );
  }
}
