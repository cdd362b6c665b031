// Bundles the extension host, the profiling worker, the CLI (Node, CommonJS) and the webview
// (browser, IIFE) with esbuild, as VS Code's "Bundling Extensions" guide recommends, and copies
// TF.js's .wasm binaries next to the bundles (the WASM engine loads them from there).
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const cliOnly = process.argv.includes('--cli-only');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
};

const nodeTargets = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // vscode is provided by the host; the native engines are optional and loaded at run time.
  external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node'],
  // h5wasm's Node build is an ES module that finds itself with `import.meta.url`, which a CommonJS
  // bundle does not have: give it the bundle's own URL.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  entryPoints: {
    cli: 'src/cli.ts',
    bench: 'src/bench.ts',
    'bench-files': 'src/benchFiles.ts',
    worker: 'src/worker/worker.ts',
    ...(cliOnly ? {} : { extension: 'src/extension/main.ts' }),
  },
  outdir: 'dist',
};

const webview = {
  ...common,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  // The charts (Observable Plot) are a second script, loaded when a chart opens (webview/charts/load.ts).
  entryPoints: { webview: 'webview/main.ts', 'webview-charts': 'webview/charts/entry.ts' },
  outdir: 'dist',
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
};

mkdirSync('dist', { recursive: true });
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasmDir, f), join('dist', f));
// The threaded build's Emscripten glue and pthread worker, loaded from beside its .wasm
// (src/engine/wasmThreaded.ts); without them the packaged extension runs WASM on one thread.
const wasmOut = join(wasmDir, '..', 'wasm-out');
for (const f of ['tfjs-backend-wasm-threaded-simd.js', 'tfjs-backend-wasm-threaded-simd.worker.js']) cpSync(join(wasmOut, f), join('dist', f));

if (watch) {
  const contexts = await Promise.all([esbuild.context(nodeTargets), esbuild.context(webview)]);
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all([esbuild.build(nodeTargets), esbuild.build(webview)]);
}

// Xception's static reports (shapes, params, MACs), precomputed by the CLI's own analysis on the
// plain-JS engine: "Profile Xception" shows them at once, before the worker has loaded an engine
// (src/extension/staticReport.ts). The default input size and Keras's minimum; other sizes are
// cached after their first run.
if (!watch && !cliOnly) {
  mkdirSync('dist/static', { recursive: true });
  for (const size of [299, 71]) {
    // Absolute: the CLI resolves paths against npm's INIT_CWD, the folder npm was run from.
    execFileSync(process.execPath, ['dist/cli.js', '--no-timing', '--engine', 'cpu', '--input-size', String(size), '--json', resolve(`dist/static/xception-${size}.json`), '--quiet'], { stdio: 'inherit' });
  }
}
