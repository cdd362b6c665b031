// Bundles the integration suite with esbuild into out/integration/ (never shipped: .vscodeignore
// only lets dist/ through): runTest.js (the @vscode/test-electron launcher), suite/index.js (the
// mocha entry point, also loaded by the extension's development-mode test hook) and one bundle
// per suite/*.test.ts, which mocha requires one by one. `vscode` and node_modules stay external:
// the extension host provides `vscode`, and mocha must be one instance shared by all bundles.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outdir = join(root, 'out', 'integration');
const suiteDir = join(here, 'suite');
const tests = readdirSync(suiteDir).filter((f) => f.endsWith('.test.ts')).map((f) => join(suiteDir, f));

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: [join(here, 'runTest.ts'), join(suiteDir, 'index.ts'), ...tests],
  outbase: here,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  external: ['vscode'],
  // Inline maps: assertion failures point at the .ts lines.
  sourcemap: 'inline',
  logLevel: 'warning',
});
console.log(`[integration] built ${tests.length} test files into ${relative(root, outdir)}`);
