/**
 * `npm run bench`: compile and explain figures on generated rulesets. Prints wall time, rules
 * per second and peak memory (RSS) per size. `BENCH_SIZES=1000` limits the sizes (CI smoke run).
 */
import { performance } from 'node:perf_hooks';
import { compile, analyze } from '../src/compile.js';
import { explain } from '../src/analysis/explain.js';
import { generateRuleset } from './generate.js';

const sizes = (process.env['BENCH_SIZES'] ?? '1000,10000').split(',').map(Number);
const read = (text: string) => (p: string) => (p === 'bench.pal' ? { text } : { error: 'no such file' });

function time<T>(f: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = f();
  return { value, ms: performance.now() - start };
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
console.log('rules    step                 wall ms   rules/s    peak RSS MB');
for (const n of sizes) {
  const text = generateRuleset(n);
  const analyzed = time(() => analyze({ entry: 'bench.pal', read: read(text) }));
  if (!analyzed.value.ir) throw new Error(`generated ruleset has errors: ${analyzed.value.diagnostics[0]?.message}`);
  const compiled = time(() => compile({ entry: 'bench.pal', read: read(text), target: 'nftables' }));
  if (!compiled.value.artifacts) throw new Error('compile failed');
  const ir = analyzed.value.ir;
  const packets = 1000;
  const explained = time(() => {
    for (let i = 0; i < packets; i++) {
      explain(ir, {
        protocol: 6,
        port: 1 + ((i * 7919) % 65535),
        source: { kind: 'address', family: 4, value: BigInt(0x0a000000 + ((i * 104729) % 0xffffff)) },
        destination: { kind: 'address', family: 4, value: BigInt(0x0a000000 + ((i * 15485863) % 0xffffff)) },
      });
    }
  });
  const rss = process.memoryUsage().rss / 1048576;
  const row = (step: string, ms: number, per: number) =>
    console.log(`${String(n).padEnd(8)} ${step.padEnd(20)} ${ms.toFixed(1).padStart(8)} ${Math.round(per).toString().padStart(9)} ${rss.toFixed(0).padStart(10)}`);
  row('parse+lower', analyzed.ms, (n / analyzed.ms) * 1000);
  row('compile nftables', compiled.ms, (n / compiled.ms) * 1000);
  row(`explain x${packets}`, explained.ms, (packets / explained.ms) * 1000);
}
