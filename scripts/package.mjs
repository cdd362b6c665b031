// `npm run package`: the universal .vsix (WASM and plain-JS engines only, small) and the
// platform-specific .vsix of this machine, which also carries onnxruntime-node with ORT's binary
// for that platform only (`vsce package --target`), so an installed extension runs ONNX Runtime
// with no download. `node scripts/package.mjs --target linux-x64,win32-x64` builds other targets
// (ORT ships binaries for linux/darwin/win32 on x64 and arm64); `--universal-only` skips them.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const { version, name } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** vsce targets ORT has binaries for (onnxruntime-node's bin/napi-v6/<platform>/<arch>). */
const ORT_TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
/** Where the platform .vsix carries ORT: the bundles resolve `onnxruntime-node` from there (src/engine/resolve.ts). */
const ORT_DIR = join(root, 'dist', 'ort', 'node_modules');

const args = process.argv.slice(2);
const at = args.indexOf('--target');
const host = `${process.platform}-${process.arch}`;
const targets = args.includes('--universal-only') ? [] : at >= 0 ? args[at + 1].split(',') : ORT_TARGETS.includes(host) ? [host] : [];
for (const t of targets) if (!ORT_TARGETS.includes(t)) throw new Error(`no ONNX Runtime binary for target ${t} (expected one of ${ORT_TARGETS.join(', ')})`);

const vsce = (extra) => execFileSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', ...extra], { cwd: root, stdio: 'inherit' });
const mb = (file) => `${(statSync(file).size / 1e6).toFixed(1)} MB`;

/** Copies onnxruntime-node (its JS and one platform's binaries) and onnxruntime-common under dist/ort. */
function stageOrt(target) {
  const [platform, arch] = target.split('-');
  const ortRoot = dirname(require.resolve('onnxruntime-node/package.json'));
  // onnxruntime-common's `exports` hide its package.json: find the package from its entry point (dist/cjs/index.js).
  const commonRoot = join(dirname(require.resolve('onnxruntime-common', { paths: [ortRoot] })), '..', '..');
  const bin = join(ortRoot, 'bin', 'napi-v6', platform, arch);
  if (!existsSync(bin)) throw new Error(`onnxruntime-node has no binaries for ${target} (${bin})`);
  rmSync(join(root, 'dist', 'ort'), { recursive: true, force: true });
  const out = join(ORT_DIR, 'onnxruntime-node');
  cpSync(join(ortRoot, 'package.json'), join(out, 'package.json'));
  cpSync(join(ortRoot, 'dist'), join(out, 'dist'), { recursive: true, filter: (f) => !f.endsWith('.map') && !f.endsWith('.d.ts') });
  cpSync(bin, join(out, 'bin', 'napi-v6', platform, arch), { recursive: true });
  const common = join(ORT_DIR, 'onnxruntime-common');
  cpSync(join(commonRoot, 'package.json'), join(common, 'package.json'));
  cpSync(join(commonRoot, 'dist', 'cjs'), join(common, 'dist', 'cjs'), { recursive: true, filter: (f) => !f.endsWith('.map') && !f.endsWith('.d.ts') });
}

const built = [];
rmSync(join(root, 'dist', 'ort'), { recursive: true, force: true });
const universal = `${name}-${version}.vsix`;
vsce(['--out', universal]);
built.push(universal);
try {
  for (const target of targets) {
    stageOrt(target);
    const file = `${name}-${target}-${version}.vsix`;
    vsce(['--target', target, '--out', file]);
    built.push(file);
  }
} finally {
  rmSync(join(root, 'dist', 'ort'), { recursive: true, force: true });
}
for (const f of built) console.log(`Packaged: ${f} (${mb(join(root, f))})`);
