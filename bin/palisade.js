#!/usr/bin/env node
// Entry point: the CLI is bundled into dist/palisade.mjs (by `npm run bundle`, which `npm ci` runs).
import { main } from '../dist/palisade.mjs';

// A closed pipe (`palisade lint big.pal | head`) is the reader's choice, not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
