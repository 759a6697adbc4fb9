/**
 * Prints the bench's results (bench/run.ts): the analysis table, the compile table per target
 * (plus all targets in one process and the sum of the single-target processes), Capirca side by
 * side, the growth of each row from the smallest size, and the targets of issues 3 and 10 as
 * "met" / "NOT met", honestly: a row that timed out or was refused does not meet a target.
 */
import { ACCEPTING } from './accepting.js';

export interface Row {
  readonly size: number;
  /**
   * permitted, diff, diff-cli, lint, lint-cli, compile:TARGET, compile+:TARGET (with the options
   * under which it accepts the policy, bench/accepting.ts), compile-all, capirca:TARGET.
   */
  readonly op: string;
  /** Reading and checking the ruleset(s): parse, parameters, names, IR. */
  readonly readMs: number;
  /** The analysis itself (or the whole command, for the CLI rows). */
  readonly engineMs: number;
  readonly wallMs: number;
  readonly rssMB: number;
  readonly status: 'ok' | 'refused' | 'timeout' | 'failed';
  readonly note?: string | undefined;
  readonly phases?: Record<string, number> | undefined;
}

export interface Check {
  readonly size: number;
  readonly text: string;
}

export interface Report {
  readonly sizes: readonly number[];
  readonly targets: readonly string[];
  readonly capircaSizes: readonly number[];
  readonly capircaNote?: string | undefined;
  readonly rows: readonly Row[];
  readonly checks: readonly Check[];
  readonly timeoutMs: number;
}

const ANALYSIS: Record<string, string> = {
  permitted: 'build the permitted set',
  diff: 'diff vs a 1%-edited copy',
  'diff-cli': 'palisade diff --format json (CLI)',
  lint: 'lint',
  'lint-cli': 'palisade lint (CLI)',
};

const s2 = (ms: number): string => (ms / 1000).toFixed(2);
const rate = (rules: number, ms: number): string => Math.round((rules / ms) * 1000).toString();
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

function label(op: string): string {
  if (op in ANALYSIS) return ANALYSIS[op]!;
  if (op === 'compile-all') return 'all targets, one process';
  if (op === 'compile-sum') return 'sum of the single-target processes';
  if (op.startsWith('compile+:')) return `${op.slice('compile+:'.length)} +options`;
  return op.replace(/^compile:/, '').replace(/^capirca:/, 'Capirca ');
}

/**
 * The row that stands for a target's compile in the sums and the issue's targets: the one with
 * the options under which it accepts the policy when there is one (a refusal writes nothing),
 * otherwise its defaults.
 */
function primary(rows: readonly Row[], size: number, target: string): Row | undefined {
  return rows.find((r) => r.size === size && r.op === `compile+:${target}`) ?? rows.find((r) => r.size === size && r.op === `compile:${target}`);
}

/** The wall column: seconds, or why there are none. */
const wall = (r: Row): string => (r.status === 'ok' || r.status === 'refused' ? s2(r.wallMs) : r.status);

export function printReport(report: Report): void {
  const { sizes, targets, rows } = report;
  const find = (size: number, op: string): Row | undefined => rows.find((r) => r.size === size && r.op === op);
  const all: Row[] = [...rows];
  for (const size of sizes) {
    const parts = targets.map((t) => primary(rows, size, t)).filter((r): r is Row => r !== undefined);
    if (parts.length === 0) continue;
    const complete = parts.every((r) => r.status === 'ok' || r.status === 'refused');
    all.push({
      size,
      op: 'compile-sum',
      readMs: 0,
      engineMs: 0,
      wallMs: parts.reduce((n, r) => n + r.wallMs, 0),
      rssMB: Math.max(...parts.map((r) => r.rssMB)),
      status: complete ? 'ok' : 'timeout',
      note: complete ? 'peak = the largest single process; +options rows where a target has them' : 'a target timed out: the sum is a lower bound',
    });
  }

  console.log('\nAnalysis. read = parse and check the ruleset(s) into the IR; analysis = the operation on the IR;');
  console.log("wall = the whole process, start-up included; peak = the process's peak RSS.\n");
  console.log(`${'rules'.padStart(7)}  ${'operation'.padEnd(35)} ${'read s'.padStart(7)} ${'analysis s'.padStart(10)} ${'wall s'.padStart(7)} ${'rules/s'.padStart(9)} ${'peak MB'.padStart(8)}`);
  for (const r of rows.filter((x) => x.op in ANALYSIS)) {
    const cli = r.op.endsWith('-cli');
    const ok = r.status === 'ok';
    console.log(
      `${String(r.size).padStart(7)}  ${label(r.op).padEnd(35)} ${(cli || !ok ? '' : s2(r.readMs)).padStart(7)} ${(cli || !ok ? '' : s2(r.engineMs)).padStart(10)} ${wall(r).padStart(7)} ${(ok ? rate(r.size, r.wallMs) : '').padStart(9)} ${(ok ? r.rssMB.toFixed(0) : '').padStart(8)}${r.note ? `  ${r.note}` : ''}`,
    );
  }

  console.log('\nCompile (`palisade compile FILE --target T --out DIR`), one fresh process per row, files written;');
  console.log('wall includes Node start-up. "all targets" reads the ruleset once and emits every target, with every');
  console.log('target\'s +options. "+options": the same compile with the options under which a target that refuses the');
  console.log(`policy with its defaults accepts it (bench/accepting.ts): ${Object.entries(ACCEPTING).map(([t, o]) => `${t}: ${o.join(' ')}`).join('; ')}.\n`);
  console.log(`${'rules'.padStart(7)}  ${'target'.padEnd(35)} ${'wall s'.padStart(7)} ${'rules/s'.padStart(9)} ${'peak MB'.padStart(8)}  result`);
  for (const size of sizes) {
    for (const op of [...targets.flatMap((t) => [`compile:${t}`, `compile+:${t}`]), 'compile-all', 'compile-sum']) {
      const r = all.find((x) => x.size === size && x.op === op);
      if (!r) continue;
      const ok = r.status === 'ok';
      let result = r.status === 'refused' ? `refused: ${r.note}` : r.status === 'ok' ? 'ok' : `${r.status}${r.note ? ` (${r.note})` : ''}`;
      if (op === 'compile-all' && ok) {
        const ph = r.phases ?? {};
        result = `ok: read ${s2(ph['read'] ?? 0)} s, ${targets.map((t) => `${t} ${s2(ph[t] ?? 0)} s`).join(', ')}${r.note ? `; ${r.note}` : ''}`;
      }
      if (op === 'compile-sum' && ok) result = r.note ?? 'ok';
      console.log(`${String(size).padStart(7)}  ${label(op).padEnd(35)} ${wall(r).padStart(7)} ${(ok ? rate(size, r.wallMs) : '').padStart(9)} ${(ok ? r.rssMB.toFixed(0) : '').padStart(8)}  ${result}`);
    }
  }

  printCapirca(report, find);
  printGrowth(report, all);
  printTargets(report, find, all);
}

function printCapirca(report: Report, find: (size: number, op: string) => Row | undefined): void {
  console.log('\nCapirca side by side: the same policy (bench/capirca.ts), `python3 -m capirca.aclgen --max_renderers=1`,');
  console.log('one fresh process per row, start-up included; ratio = Capirca wall / palisade wall (= palisade rules/s / Capirca rules/s).\n');
  if (report.capircaNote) {
    console.log(`  not run: ${report.capircaNote}`);
    return;
  }
  const capped = report.sizes.filter((s) => !report.capircaSizes.includes(s));
  console.log(`${'rules'.padStart(7)}  ${'target'.padEnd(9)} ${'Capirca s'.padStart(10)} ${'rules/s'.padStart(8)} ${'peak MB'.padStart(8)} ${'palisade s'.padStart(11)} ${'rules/s'.padStart(8)} ${'peak MB'.padStart(8)} ${'ratio'.padStart(7)}  Capirca terms`);
  for (const size of report.capircaSizes) {
    for (const t of ['cisco', 'nftables']) {
      const c = find(size, `capirca:${t}`);
      const p = find(size, `compile:${t}`);
      if (!c) continue;
      const cok = c.status === 'ok';
      const pok = p?.status === 'ok';
      const ratio = cok && pok ? `x${(c.wallMs / p!.wallMs).toFixed(1)}` : 'n/a';
      console.log(
        `${String(size).padStart(7)}  ${t.padEnd(9)} ${wall(c).padStart(10)} ${(cok ? rate(size, c.wallMs) : '').padStart(8)} ${(cok ? c.rssMB.toFixed(0) : '').padStart(8)} ${(p ? wall(p) : 'n/a').padStart(11)} ${(pok ? rate(size, p!.wallMs) : '').padStart(8)} ${(pok ? p!.rssMB.toFixed(0) : '').padStart(8)} ${ratio.padStart(7)}  ${c.note ?? ''}`,
      );
    }
  }
  if (capped.length > 0) {
    console.log(`  Capirca not run at ${capped.join(', ')} rules (capped by BENCH_CAPIRCA_SIZES=${report.capircaSizes.join(',')}).`);
  }
  for (const c of report.checks) console.log(`  same policy, ${c.size} rules: ${c.text}`);
}

function printGrowth(report: Report, all: readonly Row[]): void {
  const { sizes } = report;
  if (sizes.length < 2) return;
  const smallest = Math.min(...sizes);
  console.log(`\nGrowth of wall time from ${smallest} rules (linear growth would match the growth in rules):`);
  const ops = [...new Set(all.map((r) => r.op))].filter((op) => op !== 'equivalent');
  for (const op of ops) {
    const base = all.find((r) => r.size === smallest && r.op === op);
    if (!base || base.status !== 'ok') continue;
    const parts = sizes
      .filter((s) => s !== smallest)
      .map((s) => {
        const r = all.find((x) => x.size === s && x.op === op);
        if (!r) return undefined;
        return `x${s / smallest} rules: ${r.status === 'ok' ? `x${(r.wallMs / base.wallMs).toFixed(1)} time` : r.status}`;
      })
      .filter((p): p is string => p !== undefined);
    if (parts.length > 0) console.log(`  ${label(op).padEnd(35)} ${parts.join(', ')}`);
  }
}

function printTargets(report: Report, find: (size: number, op: string) => Row | undefined, all: readonly Row[]): void {
  const lines: string[] = [];
  const issue3: [number, string, number][] = [
    [10000, 'diff', 1],
    [100000, 'diff', 10],
    [10000, 'lint', 3],
  ];
  for (const [size, op, limit] of issue3) {
    const r = find(size, op);
    if (!r) continue;
    if (r.status !== 'ok') {
      lines.push(`  ${op} at ${size} rules (target < ${limit} s): ${r.status}: NOT met`);
      continue;
    }
    // The whole process is the command users run (`palisade diff|lint`, the CLI's bundle), when measured.
    const cli = find(size, `${op}-cli`);
    const whole = cli?.status === 'ok' ? cli : r;
    const peak = Math.max(r.rssMB, whole.rssMB);
    lines.push(
      `  ${op} at ${size} rules (target < ${limit} s): analysis ${s2(r.engineMs)} s ${verdict(r.engineMs / 1000 < limit)}; whole process (${whole === r ? 'library' : `palisade ${op}`}) ${s2(whole.wallMs)} s ${verdict(whole.wallMs / 1000 < limit)}; peak ${peak.toFixed(0)} MB ${verdict(peak < 1024)}`,
    );
  }
  if (lines.length > 0) console.log(`\nIssue 3 targets (analysis on the IR, and the whole process; peak memory under 1 GB):\n${lines.join('\n')}`);

  const t10: string[] = [];
  const timed = (r: Row | undefined, limitS: number): string =>
    !r ? 'not measured' : r.status === 'ok' ? `${s2(r.wallMs)} s ${verdict(r.wallMs / 1000 < limitS)}` : `${r.status} NOT met${r.status === 'refused' ? ` (${r.note})` : ''}`;
  const named = (r: Row): string => label(r.op);
  for (const t of report.targets) {
    const r10 = primary(report.rows, 10000, t);
    if (r10) t10.push(`  10k rules to ${named(r10)} < 0.5 s (wall, start-up included): ${timed(r10, 0.5)}`);
  }
  const all10 = find(10000, 'compile-all');
  if (all10) t10.push(`  10k rules to all targets < 2 s (one process): ${timed(all10, 2)}${all10.status === 'ok' && all10.note ? ` [${all10.note}]` : ''}`);
  for (const t of report.targets) {
    const r = primary(report.rows, 100000, t);
    if (r) t10.push(`  100k rules to ${named(r)} < 5 s: ${timed(r, 5)}`);
  }
  for (const size of report.capircaSizes) {
    for (const t of ['cisco', 'nftables']) {
      const c = find(size, `capirca:${t}`);
      const p = find(size, `compile:${t}`);
      if (!c || !p) continue;
      const ok = c.status === 'ok' && p.status === 'ok';
      t10.push(`  >= 20x Capirca's throughput, ${t} at ${size} rules: ${ok ? `x${(c.wallMs / p.wallMs).toFixed(1)} ${verdict(c.wallMs / p.wallMs >= 20)}` : 'n/a (a run did not finish) NOT met'}`);
    }
  }
  const [lo, hi] = [...report.sizes].sort((a, b) => a - b).slice(-2);
  if (lo !== undefined && hi !== undefined && lo !== hi) {
    for (const op of [...report.targets.map((t) => primary(all, hi, t)?.op ?? `compile:${t}`), 'compile-all']) {
      const a = all.find((r) => r.size === lo && r.op === op);
      const b = all.find((r) => r.size === hi && r.op === op);
      if (!a || !b) continue;
      const growth = b.wallMs / a.wallMs;
      const limit = (hi / lo) * 1.5;
      t10.push(
        `  linear growth, ${label(op)} ${lo} -> ${hi} rules (time x${hi / lo}, at most x${limit} allowed): ${a.status === 'ok' && b.status === 'ok' ? `x${growth.toFixed(1)} ${verdict(growth <= limit)}` : 'n/a NOT met'}`,
      );
    }
  }
  for (const op of [...report.targets.map((t) => primary(all, 100000, t)?.op ?? `compile:${t}`), 'compile-all']) {
    const r = find(100000, op);
    if (r) t10.push(`  peak memory < 1 GB at 100k rules, ${label(op)}: ${r.status === 'ok' || r.status === 'refused' ? `${r.rssMB.toFixed(0)} MB ${verdict(r.status === 'ok' && r.rssMB < 1024)}` : `${r.status} NOT met`}`);
  }
  if (t10.length > 0) console.log(`\nIssue 10 targets (compile; "linear" = the time grows at most 1.5x faster than the rules):\n${t10.join('\n')}`);
}
