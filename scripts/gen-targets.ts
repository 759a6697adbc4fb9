/**
 * Writes src/backends/descriptors.ts from the registry (see src/backends/describe.ts).
 * `test/backends/descriptors.test.ts` fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { descriptorsSource } from '../src/backends/describe.js';

const target = fileURLToPath(new URL('../src/backends/descriptors.ts', import.meta.url));
writeFileSync(target, descriptorsSource());
console.log(`wrote ${target}`);
