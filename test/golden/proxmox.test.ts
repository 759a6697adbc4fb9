/**
 * Proxmox output for every ruleset, both targets, as whole-file goldens (update with
 * `vitest -u`): the pvesh script (`bash -n` clean) and the .fw files, plus the warnings of a
 * ruleset whose roles have no VMs and the guard's warning (PAL6923) about the switches the
 * defaults leave alone. Each golden is also read back and compared with its ruleset
 * (proxmox-fw with the datacenter switch on, since off means "nothing is filtered").
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffPolicies, rulesetPolicy } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { analyze, compile } from '../../src/compile.js';
import { formatDiagnostic } from '../../src/diagnostics/index.js';
import type { SourceReader } from '../../src/parser/load.js';
import { assignments } from '../helpers.js';
import { judgesEveryRolePacket } from '../proxmox/coverage.js';
import { goldenCases } from './rulesets.js';

const read: SourceReader = (p) => {
  try {
    return { text: readFileSync(p, 'utf8') };
  } catch {
    return { error: 'no such file' };
  }
};

describe.each(['proxmox', 'proxmox-fw'] as const)('%s', (target) => {
  describe.each(goldenCases)('$name', ({ name, file, set }) => {
    const result = compile({ entry: file, read, set: assignments(...set), target });

    it('compiles, with warnings only for roles without VMs and the switches left alone', async () => {
      expect(result.artifacts?.length).toBeGreaterThan(0);
      expect(result.diagnostics.every((d) => d.severity === 'warning' && (d.code === 'PAL6501' || d.code === 'PAL6923'))).toBe(true);
      if (result.diagnostics.length > 0) {
        await expect(result.diagnostics.map((d) => formatDiagnostic(d)).join('\n')).toMatchFileSnapshot(`${target}/${name}/compile.warnings`);
      }
    });

    for (const artifact of result.artifacts ?? []) {
      it(`${artifact.path} matches its golden`, async () => {
        await expect(artifact.contents).toMatchFileSnapshot(`${target}/${name}/${artifact.path}`);
      });
      if (artifact.path.endsWith('.sh')) {
        it(`${artifact.path} passes bash -n`, () => {
          execFileSync('bash', ['-n', `test/golden/${target}/${name}/${artifact.path}`]);
        });
      }
    }

    if (target === 'proxmox-fw') {
      it('read back with the datacenter switch on, is equivalent to the ruleset', () => {
        const on = compile({ entry: file, read, set: assignments(...set, 'proxmox-fw.enable_datacenter=true'), target });
        const ir = analyze({ entry: file, read, set: assignments(...set) }).ir!;
        const back = getBackend('proxmox-fw').read!(on.artifacts!.map((a) => ({ path: a.path, text: a.contents })), { roles: ir.roles });
        expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(diffPolicies(rulesetPolicy(ir, file), back.policy!).equivalent).toBe(true);
        // Without VMs nothing is enforced: equivalent where it judges, but it judges nothing.
        expect(judgesEveryRolePacket(ir, back.policy!)).toBe(result.artifacts!.length > 1);
      });
    }
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same input', () => {
    for (const target of ['proxmox', 'proxmox-fw'] as const) {
      for (const { file, set } of goldenCases) {
        const a = compile({ entry: file, read, set: assignments(...set), target });
        const b = compile({ entry: file, read, set: assignments(...set), target });
        expect(b.artifacts).toEqual(a.artifacts);
      }
    }
  });
});
