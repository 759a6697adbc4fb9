/**
 * Fuzzing the front end and the lowering to a target: random text, random token streams and
 * mutations of the real rulesets. Whatever the input, palisade never throws, never hangs, and
 * either produces an IR and an artifact, or only positioned errors and no output.
 *
 * `npm test` runs a fixed seed with a small budget; `npm run fuzz` runs the same generators for
 * minutes (FUZZ_RUNS, FUZZ_SEED) and reports the inputs tried.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileText } from '../helpers.js';
import type { Diagnostic } from '../../src/diagnostics/index.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 150);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261124);
/** A hang guard, not a speed target: no single input may take this long. */
const HANG_MS = 10_000;
/** Each generator's own budget (vitest's default of 5 s is for ordinary tests). */
const TIMEOUT = 60_000 + RUNS * 100;

const tried = { inputs: 0, compiled: 0, rejected: 0, slowestMs: 0 };

function unpositioned(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => !d.span || d.span.line < 1 || d.span.column < 1);
}

/** The contract for one input, whatever it is. */
function check(text: string): void {
  const started = performance.now();
  let result;
  try {
    result = compileText(text, 'nftables');
  } catch (e) {
    throw new Error(`palisade threw on this input:\n${JSON.stringify(text)}\n${(e as Error).stack}`);
  }
  const ms = performance.now() - started;
  tried.inputs++;
  tried.slowestMs = Math.max(tried.slowestMs, ms);
  expect(ms, JSON.stringify(text)).toBeLessThan(HANG_MS);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(unpositioned(result.diagnostics), JSON.stringify(text)).toEqual([]);
  if (errors.length > 0) {
    expect(result.artifacts, JSON.stringify(text)).toBeUndefined();
    tried.rejected++;
  } else {
    expect(result.artifacts, JSON.stringify(text)).toBeDefined();
    tried.compiled++;
  }
}

const VOCABULARY = [
  'role', 'zone', 'service', 'param', 'import', 'target', 'default', 'ingress', 'egress', 'allow', 'deny',
  'if', 'else', 'not', 'and', 'or', 'any', 'except', 'true', 'false', 'list', 'cidr', 'bool', 'int', 'string',
  'cp', 'worker', 'vpc', 'admin', 'nftables', 'tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'proto', 'sctp',
  'tcp/6443', 'udp/53', 'tcp/1-65535', 'tcp/80,443', 'icmp/echo-request', 'icmpv6/128', 'proto/47', 'tcp/0', 'tcp/70000',
  '10.0.0.0/16', '10.0.1.7', '0.0.0.0/0', '::/0', 'fd00::/64', '2001:db8::1', '10.0.0.1/8', '256.1.1.1', '::ffff:10.0.0.1',
  '$p', '$vpc_cidr', '=', '==', '!=', '->', ',', '[', ']', '{', '}', '(', ')', ':', '/', '.', '-',
  '"text"', '"un', '"\\q"', '"\u00e9\u4e2d"', '# comment', '\n', '\n', '\n', ' ', '\t', '0', '65535', '4294967296', 'x'.repeat(70),
];

const tokenStream = fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 60 }).map((ts) => ts.join(' '));

const rulesets = readdirSync('rulesets')
  .filter((f) => f.endsWith('.pal'))
  .sort()
  .map((f) => readFileSync(`rulesets/${f}`, 'utf8'));

type Mutation =
  | { kind: 'delete-line' | 'duplicate-line'; at: number }
  | { kind: 'swap-lines'; at: number; with: number }
  | { kind: 'replace-token' | 'insert-token'; at: number; token: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert-text'; at: number; text: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete-line' as const, 'duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constantFrom('replace-token' as const, 'insert-token' as const), at: fc.nat(), token: fc.constantFrom(...VOCABULARY) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert-text' as const), at: fc.nat(), text: fc.string({ maxLength: 8, unit: 'binary' }) }),
);

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const line = m.at % lines.length;
  switch (m.kind) {
    case 'delete-line':
      return lines.filter((_, i) => i !== line).join('\n');
    case 'duplicate-line':
      return [...lines.slice(0, line + 1), ...lines.slice(line)].join('\n');
    case 'swap-lines': {
      const other = m.with % lines.length;
      const out = [...lines];
      [out[line], out[other]] = [out[other]!, out[line]!];
      return out.join('\n');
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'insert-text': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'replace-token':
    case 'insert-token': {
      // Tokens as the lexer roughly sees them: runs of non-space characters.
      const spans = [...text.matchAll(/\S+/g)];
      if (spans.length === 0) return m.token;
      const s = spans[m.at % spans.length]!;
      const end = m.kind === 'replace-token' ? s.index + s[0].length : s.index;
      return `${text.slice(0, s.index)}${m.token}${m.kind === 'insert-token' ? ' ' : ''}${text.slice(end)}`;
    }
  }
}

describe(`front-end fuzzing (seed ${SEED}, ${RUNS} runs per generator)`, () => {
  it('survives random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), check), { numRuns: RUNS, seed: SEED });
  }, TIMEOUT);

  it('survives random bytes read as UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => check(Buffer.from(bytes).toString('utf8'))),
      { numRuns: RUNS, seed: SEED },
    );
  }, TIMEOUT);

  it('survives random token streams', () => {
    fc.assert(fc.property(tokenStream, check), { numRuns: RUNS * 2, seed: SEED });
  }, TIMEOUT);

  it('survives mutations of the real rulesets', () => {
    fc.assert(
      fc.property(fc.nat(rulesets.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (which, mutations) =>
        check(mutations.reduce(mutate, rulesets[which]!)),
      ),
      { numRuns: RUNS * 2, seed: SEED },
    );
  }, TIMEOUT);

  it('tried inputs of both outcomes', () => {
    console.log(`front-end fuzzing: ${JSON.stringify({ ...tried, slowestMs: Math.round(tried.slowestMs) })}`);
    expect(tried.inputs).toBe(RUNS * 6);
    expect(tried.rejected).toBeGreaterThan(RUNS);
    expect(tried.compiled).toBeGreaterThan(RUNS / 10);
  });
});
