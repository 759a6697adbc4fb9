/**
 * The generated target descriptors (src/backends/descriptors.ts, read by `palisade targets` and
 * the checking of `target` blocks without loading any backend) match the registry; regenerate
 * with `npx tsx scripts/gen-targets.ts`. The lazy loader returns each registered backend.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { descriptorsSource } from '../../src/backends/describe.js';
import { backends } from '../../src/backends/index.js';
import { describeTarget, loadBackend, targetIds } from '../../src/backends/lazy.js';

describe('target descriptors', () => {
  it('are up to date with the registry', () => {
    expect(readFileSync('src/backends/descriptors.ts', 'utf8')).toBe(descriptorsSource());
  });

  it('list the registry in its order', () => {
    expect(targetIds).toEqual(Object.keys(backends));
  });

  it.each(Object.entries(backends))('%s: descriptor and lazily loaded backend match the registry', async (id, backend) => {
    const d = describeTarget(id as keyof typeof backends);
    expect({ id: d.id, description: d.description, capabilities: d.capabilities, options: d.options }).toEqual({
      id: backend.id,
      description: backend.description,
      capabilities: backend.capabilities,
      options: backend.options,
    });
    expect(await loadBackend(id as keyof typeof backends)).toBe(backend);
  });
});
