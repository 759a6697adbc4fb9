/**
 * terraform output for every ruleset, as whole-file goldens (update with `vitest -u`), each
 * accepted by the real `terraform fmt -check` (which parses it) and loaded as a configuration by
 * `terraform providers` (block structure, duplicate resource names). The provider cannot be
 * downloaded here, so `terraform validate` is not run; the resources are those the aws target's
 * round trip proves (same lowering).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import type { SourceReader } from '../../src/parser/load.js';
import { assignments } from '../helpers.js';
import { goldenCases } from './rulesets.js';

const read: SourceReader = (p) => {
  try {
    return { text: readFileSync(p, 'utf8') };
  } catch {
    return { error: 'no such file' };
  }
};
const build = (file: string, set: readonly string[]) => compile({ entry: file, read, set: assignments(...set), target: 'terraform' });
const work = mkdtempSync(path.join(tmpdir(), 'palisade-tf-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function terraformFmtCheck(text: string, name: string): { status: number | null; output: string } {
  if (spawnSync('sh', ['-c', 'command -v terraform']).status !== 0) throw new Error('terraform is not installed (expected at /usr/local/bin/terraform; see .ci/run)');
  const dir = path.join(work, name);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(path.join(dir, 'main.tf'), text);
  const r = spawnSync('terraform', ['fmt', '-check', '-diff', dir], { encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe.each(goldenCases)('terraform: $name', ({ name, file, set }) => {
  const result = build(file, set);

  it('compiles without diagnostics', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.artifacts?.map((a) => a.path)).toEqual(['main.tf']);
  });

  it('main.tf matches its golden, and passes terraform fmt -check', async () => {
    const tf = result.artifacts![0]!.contents;
    await expect(tf).toMatchFileSnapshot(`terraform/${name}/main.tf`);
    const r = terraformFmtCheck(readFileSync(`test/golden/terraform/${name}/main.tf`, 'utf8'), name);
    expect(r.output.replace(/There are some problems[\s\S]*?╵\n*/g, '')).toBe('');
    expect(r.status).toBe(0);
  });

  it('main.tf loads as a Terraform configuration (terraform providers)', () => {
    const r = spawnSync('terraform', ['-chdir=' + path.join(work, name), 'providers'], { encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('provider[registry.terraform.io/hashicorp/aws]');
    expect(r.status).toBe(0);
  });
});

describe('terraform fmt -check', () => {
  it('fails on a misaligned file (so the check above can fail)', () => {
    expect(terraformFmtCheck('variable "x" {\n  type = string\n  default   = "a"\n}\n', 'bad').status).not.toBe(0);
  });

  it('user text cannot start a template: ${ and %{ are escaped', () => {
    const files: Record<string, string> = { 'main.pal': 'role web\nx allow 10.0.0.0/8 -> web tcp/80 "cost ${var.secret} {x}"\n' };
    const r = compile({ entry: 'main.pal', read: (p) => (files[p] ? { text: files[p]! } : { error: 'none' }), target: 'terraform' });
    expect(r.diagnostics).toEqual([]);
    const tf = r.artifacts![0]!.contents;
    expect(tf).toContain('description       = "cost $${var.secret} {x}"');
    expect(terraformFmtCheck(tf, 'escape').status).toBe(0);
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same input', () => {
    for (const { file, set } of goldenCases) expect(build(file, set).artifacts).toEqual(build(file, set).artifacts);
  });
});
