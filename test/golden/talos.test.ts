/**
 * Talos output for every golden ruleset, as whole-file goldens (update with `vitest -u`), for both
 * targets (`talos` patches and `talos-nft`, Talos's own rendering), twice per ruleset:
 *
 * - as written: the artifacts, or the exact error output when Talos cannot express the ruleset
 *   (`compile.err`);
 * - `accepted/`: with the documented gaps accepted by option (egress enforced elsewhere, Talos's
 *   built-in ICMP, TCP and UDP only), the artifacts and the warnings (`warnings.txt`).
 *
 * Every patch is checked against Talos's JSON schema and Validate(); every rendering is loaded by
 * the real `nft -f` in a throwaway network namespace; and the patch read back by the talos reader
 * is equivalent to the rendering read back by the nftables reader.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffPolicies, jsonDifferences } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { analyze, compile, type Compiled } from '../../src/compile.js';
import { formatDiagnostic, sortDiagnostics, SourceFile } from '../../src/diagnostics/index.js';
import type { SourceReader } from '../../src/parser/load.js';
import { talosProblems } from '../backends/talos-schema.js';
import { parse, type Statement } from '../../src/parser/index.js';
import { printProgram } from '../../src/parser/print.js';
import { assignments, memoryReader } from '../helpers.js';
import { goldenCases } from './rulesets.js';

const read: SourceReader = (p) => {
  try {
    return { text: readFileSync(p, 'utf8') };
  } catch {
    return { error: 'no such file' };
  }
};

const work = mkdtempSync(path.join(tmpdir(), 'palisade-talos-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TARGETS = ['talos', 'talos-nft'] as const;
const accepting = (t: string): string[] => [`${t}.egress=elsewhere`, `${t}.icmp=talos`, `${t}.protocols=tcp-udp`];
const text = (r: Compiled, severity: 'error' | 'warning'): string =>
  sortDiagnostics(r.diagnostics)
    .filter((d) => d.severity === severity)
    .map((d) => `${formatDiagnostic(d)}\n`)
    .join('');

function nftLoad(file: string): string {
  return execFileSync('unshare', ['-n', 'sh', '-c', 'nft -f "$1" && nft -f "$1" && nft list ruleset', 'sh', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

for (const target of TARGETS) {
  describe.each(goldenCases)(`${target}: $name`, ({ name, file, set }) => {
    for (const variant of ['as-written', 'accepted'] as const) {
      const args = variant === 'accepted' ? [...set, ...accepting(target)] : [...set];
      const result = compile({ entry: file, read, set: assignments(...args), target });
      const dir = variant === 'accepted' ? `${target}/${name}/accepted` : `${target}/${name}`;

      if (!result.artifacts) {
        it(`${variant}: the error output matches its golden`, async () => {
          expect(text(result, 'error')).not.toBe('');
          await expect(text(result, 'error')).toMatchFileSnapshot(`${dir}/compile.err`);
        });
        continue;
      }
      if (variant === 'accepted') {
        it('accepted: the warnings match their golden', async () => {
          await expect(text(result, 'warning')).toMatchFileSnapshot(`${dir}/warnings.txt`);
        });
      }
      for (const artifact of result.artifacts) {
        it(`${variant}: ${artifact.path} matches its golden`, async () => {
          await expect(artifact.contents).toMatchFileSnapshot(`${dir}/${artifact.path}`);
        });
        if (target === 'talos') {
          it(`${variant}: ${artifact.path} passes Talos's schema and Validate()`, () => {
            expect(talosProblems(artifact.contents)).toEqual([]);
          });
        } else {
          it(`${variant}: ${artifact.path} loads with nft -f, twice, into table inet talos`, () => {
            const copy = path.join(work, `${name}-${variant}-${artifact.path}`);
            writeFileSync(copy, artifact.contents);
            const listed = nftLoad(copy);
            expect(listed.match(/^table /gm)).toEqual(['table ']);
            expect(listed).toContain('type filter hook input priority mangle + 10; policy drop;');
            expect(listed).toContain('type filter hook prerouting priority dstnat - 10; policy accept;');
          });
        }
      }
      if (target === 'talos') {
        it(`${variant}: the patches read back equal Talos's rendering read back`, () => {
          const ir = analyze({ entry: file, read, set: assignments(...set) }).ir!;
          const patches = getBackend('talos').read!(result.artifacts!.map((a) => ({ path: a.path, text: a.contents })), { roles: ir.roles });
          const rendered = compile({ entry: file, read, set: assignments(...args.map((a) => a.replace(/^talos\./, 'talos-nft.'))), target: 'talos-nft' });
          const nft = getBackend('nftables').read!(rendered.artifacts!.map((a) => ({ path: a.path, text: a.contents })), { roles: ir.roles });
          expect(patches.diagnostics).toEqual([]);
          expect(nft.diagnostics).toEqual([]);
          const diff = diffPolicies({ ...patches.policy!, label: 'talos' }, { ...nft.policy!, label: 'talos-nft' });
          expect(jsonDifferences(diff)).toEqual({ equivalent: true, differences: [] });
        });
      }
    }
  });
}

describe('stable across declaration reorderings', () => {
  it.each(goldenCases)('$name: declarations reversed give the same bytes', ({ file, set }) => {
    const statements = parse(new SourceFile(file, readFileSync(file, 'utf8'))).program.statements;
    const ordered = (st: Statement): boolean => st.kind === 'rule' || st.kind === 'if';
    const reversed = [...statements.filter((st) => !ordered(st)).reverse(), ...statements.filter(ordered)];
    for (const target of TARGETS) {
      const args = assignments(...set, ...accepting(target));
      const a = compile({ entry: file, read: memoryReader({ [file]: printProgram(statements) }), set: args, target });
      const b = compile({ entry: file, read: memoryReader({ [file]: printProgram(reversed) }), set: args, target });
      expect(a.artifacts?.length).toBeGreaterThan(0);
      expect(b.artifacts).toEqual(a.artifacts);
    }
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same input', () => {
    for (const target of TARGETS) {
      for (const { file, set } of goldenCases) {
        const args = [...set, ...accepting(target)];
        const a = compile({ entry: file, read, set: assignments(...args), target });
        const b = compile({ entry: file, read, set: assignments(...args), target });
        expect(b).toEqual(a);
      }
    }
  });
});
