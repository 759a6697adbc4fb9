/**
 * The real tools, each run once over a batch of artifacts (one process per tool, not per input):
 * xmllint, nft (load and list in a throwaway network namespace), bash -n, terraform fmt -check and
 * cfn-lint. Each returns per-file results, or throws naming the file a tool refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Tool } from './checkers.js';

export interface ToolFile {
  /** Who the file belongs to, for messages: `pfsense xml-amp description`. */
  readonly label: string;
  readonly name: string;
  readonly text: string;
}

export const have = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

function writeAll(dir: string, files: readonly ToolFile[], ext: string): string[] {
  mkdirSync(dir, { recursive: true });
  return files.map((f, i) => {
    const file = path.join(dir, `${String(i).padStart(5, '0')}${ext}`);
    writeFileSync(file, f.text);
    return file;
  });
}

function failed(tool: string, files: readonly ToolFile[], written: readonly string[], output: string): never {
  const bad = written.findIndex((w) => output.includes(path.basename(w)));
  throw new Error(`${tool} refused ${bad >= 0 ? files[bad]!.label : 'a file'}: ${output.slice(0, 2000)}`);
}

/**
 * Runs one tool over the files; for nft, returns each file's `nft list ruleset` after loading it.
 * A missing optional tool (terraform, cfn-lint) is skipped with a logged reason (CI installs them).
 */
export function runTool(tool: Tool, files: readonly ToolFile[]): { listings?: string[]; skipped?: string } {
  if (files.length === 0) return {};
  const work = mkdtempSync(path.join(tmpdir(), `palisade-inject-${tool}-`));
  try {
    switch (tool) {
      case 'xmllint': {
        const written = writeAll(work, files, '.xml');
        const r = spawnSync('xmllint', ['--noout', ...written], { encoding: 'utf8', maxBuffer: 1 << 26 });
        if (r.status !== 0 || r.stderr !== '') failed('xmllint', files, written, r.stderr + r.stdout);
        return {};
      }
      case 'bash': {
        const written = writeAll(work, files, '.sh');
        const r = spawnSync('bash', ['-c', 'for f; do bash -n "$f" || { echo "FAILED $f"; exit 1; }; done', 'bash', ...written], { encoding: 'utf8' });
        if (r.status !== 0) failed('bash -n', files, written, r.stdout + r.stderr);
        return {};
      }
      case 'nft': {
        const written = writeAll(work, files, '.nft');
        const script = 'for f; do nft flush ruleset; nft -f "$f" || { echo "FAILED $f"; exit 1; }; echo "@@@@ $f"; nft list ruleset; done';
        const r = spawnSync('unshare', ['-n', 'sh', '-c', script, 'sh', ...written], { encoding: 'utf8', maxBuffer: 1 << 28 });
        if (r.status !== 0) failed('nft -f', files, written, r.stdout + r.stderr);
        const listings = r.stdout.split(/^@@@@ .*\n/m).slice(1);
        if (listings.length !== files.length) throw new Error(`nft listed ${listings.length} of ${files.length} files`);
        return { listings };
      }
      case 'terraform': {
        if (!have('terraform')) return { skipped: 'terraform is not installed (CI installs it)' };
        const written = writeAll(work, files, '.tf');
        const r = spawnSync('terraform', ['fmt', '-check', '-list=true', work], { encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
        if (r.status !== 0) failed('terraform fmt -check', files, written, r.stdout + r.stderr);
        return {};
      }
      case 'cfn-lint': {
        if (!have('cfn-lint')) return { skipped: 'cfn-lint is not installed (CI installs it)' };
        const written = writeAll(work, files, '.json');
        const r = spawnSync('cfn-lint', ['--', ...written], { encoding: 'utf8', maxBuffer: 1 << 26 });
        if (r.status !== 0) failed('cfn-lint', files, written, r.stdout + r.stderr);
        return {};
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
