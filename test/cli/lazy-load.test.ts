/**
 * Start-up loads only what a command uses: the bundle (dist/, built by the global setup) keeps
 * each backend in its own chunk, and a loader hook records every file Node loads from dist/.
 * `--version` and `targets` load no backend; `compile --target nftables` loads nftables' only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { targetIds } from '../../src/backends/lazy.js';

const hook = `export async function load(url, context, next) {
  if (url.includes('/dist/')) process.stderr.write('loaded ' + url + '\\n');
  return next(url, context);
}`;
const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;

/** The targets whose entry chunk (dist/chunks/<id>-<hash>.mjs) a command loaded. */
function backendsLoaded(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, 'bin/palisade.js', ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const chunks = [...r.stderr.matchAll(/^loaded .*\/dist\/chunks\/(.+)-[A-Z0-9]+\.mjs$/gm)].map((m) => m[1]!);
  expect(r.stderr).toContain('/dist/palisade.mjs');
  return targetIds.filter((id) => chunks.includes(id));
}

describe('lazy loading of targets', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-lazy-'));
  const file = path.join(dir, 'small.pal');
  writeFileSync(file, 'role a = 10.0.0.0/24\nrole b = 10.0.1.0/24\nallow a -> b tcp/22\n');

  it('--version and targets load no backend', () => {
    expect(backendsLoaded(['--version'])).toEqual([]);
    expect(backendsLoaded(['targets'])).toEqual([]);
  });

  it.each(['nftables', 'pfsense'])('compile --target %s loads that backend only', (target) => {
    expect(backendsLoaded(['compile', file, '--target', target, '--out', path.join(dir, target)])).toEqual([target]);
  });
});
