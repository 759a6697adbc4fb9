/** The committed CST types match the grammar (regenerate with `npm run gen:cst`). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { cstDts } from '../../src/parser/cst-dts.js';

it('src/parser/cst.d.ts is up to date with the grammar', () => {
  expect(readFileSync('src/parser/cst.d.ts', 'utf8')).toBe(cstDts());
});
