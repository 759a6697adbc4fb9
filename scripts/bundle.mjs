// Bundles the CLI into one file, dist/palisade.mjs. One file loads in a fraction of the time
// of the module graph (chevrotain alone pulls in 600 lodash-es modules): start-up is part of
// every command's wall time.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function bundle() {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/palisade.mjs',
    bundle: true,
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
