/**
 * Every registered target has goldens for every ruleset, a documentation page that covers each
 * of its options, and an id equal to its registry key and folder name.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backends } from '../../src/backends/index.js';
import { goldenCases } from '../golden/rulesets.js';

describe.each(Object.entries(backends))('target %s', (key, backend) => {
  it('is registered under its own id, from its own folder', () => {
    expect(backend.id).toBe(key);
    expect(existsSync(`src/backends/${key}/index.ts`)).toBe(true);
  });

  it('has goldens for every ruleset', () => {
    const dirs = readdirSync(`test/golden/${key}`).sort();
    expect(dirs).toEqual(goldenCases.map((c) => c.name).sort());
    for (const dir of dirs) expect(readdirSync(`test/golden/${key}/${dir}`).length).toBeGreaterThan(0);
  });

  it('has a documentation page that covers every option', () => {
    const doc = readFileSync(`docs/targets/${key}.md`, 'utf8');
    for (const option of Object.keys(backend.options)) expect(doc).toContain(`\`${option}\``);
  });
});
