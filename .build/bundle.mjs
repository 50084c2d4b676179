/**
 * Bundles the CLI (dist/cli/main.js) and its scan worker (dist/cli/scan-worker.js) over tsc's
 * output, with the code they share (and what each command loads on demand) in chunks beside them.
 * Start-up is mostly ES module loading (resolving, reading and linking some 80 files of ours and
 * many of zod's); a handful of files cuts that for every invocation and every worker thread. The
 * library (dist/index.js and the rest of dist/) stays as tsc emits it.
 *
 * The bundled parallel scanner finds its worker beside itself (`./scan-worker.js` relative to its
 * chunk in dist/cli/), and main.js still reads ../../package.json at run time for --version.
 */
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

for (const f of readdirSync('dist/cli')) if (/^[\w-]+-[A-Z0-9]{8}\.js(\.map)?$/.test(f)) rmSync(`dist/cli/${f}`);
await build({
  entryPoints: { main: 'dist/cli/main.js', 'scan-worker': 'dist/engine/scan-worker.js' },
  outdir: 'dist/cli',
  allowOverwrite: true,
  splitting: true,
  // Chunks sit beside main.js: the scanner (in a chunk) finds its worker as ./scan-worker.js.
  chunkNames: '[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // CommonJS dependencies (commander, object-hash) call require() for Node built-ins.
  banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
});

// The HTML report's page script (src/output/report/viewer/): one minified browser script that the
// report inlines (src/output/report/assets.ts reads it from dist/report/viewer.js).
await build({
  entryPoints: ['src/output/report/viewer/main.ts'],
  outfile: 'dist/report/viewer.js',
  bundle: true,
  minify: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome100',
  legalComments: 'none',
  logLevel: 'warning',
});
