/**
 * Writes src/parser/cst.d.ts: typed CST node interfaces generated from the grammar
 * (Chevrotain's generateCstDts), so the CST-to-AST visitor is fully typed.
 * `test/parser/cst-dts.test.ts` fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cstDts } from '../src/parser/cst-dts.js';

const target = fileURLToPath(new URL('../src/parser/cst.d.ts', import.meta.url));
writeFileSync(target, cstDts());
console.log(`wrote ${target}`);
