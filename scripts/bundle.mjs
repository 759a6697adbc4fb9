// Bundles the CLI into dist/palisade.mjs plus one chunk per backend (dist/chunks/). One file per
// part loads in a fraction of the time of the module graph (chevrotain alone pulls in 600
// lodash-es modules), and code splitting keeps each target out of start-up: the registry
// (src/backends/lazy.ts) imports a backend's chunk only when a command uses that target.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function bundle() {
  // Chunk names carry a content hash: clear the old ones so dist/ holds one consistent build.
  rmSync(new URL('../dist/chunks', import.meta.url), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { palisade: 'src/cli.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    sourcemap: true,
    logLevel: 'warning',
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: { js: "import { createRequire as __palisadeRequire } from 'node:module'; const require = __palisadeRequire(import.meta.url);" },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
