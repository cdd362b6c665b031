// The extension bundle as VS Code loads it: built in memory with scripts/build.mjs's esbuild
// settings, evaluated against the `vscode` stand-in and activated. Used by the activation test
// and by the latency benchmark (test/latency/).
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as vscode from '../vscode-stub';
import { ExtensionMode, Uri } from '../vscode-stub';

export const root = join(__dirname, '..', '..');

export type ExtensionBundle = esbuild.BuildResult & { metafile: esbuild.Metafile; outputFiles: esbuild.OutputFile[] };

/** A fresh extension context with in-memory workspace state. */
export function fakeContext() {
  const state = new Map<string, unknown>();
  return {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: Uri.file('/ext'),
    extensionPath: '/ext',
    globalStorageUri: Uri.file('/global-storage'),
    extensionMode: ExtensionMode.Production,
    workspaceState: { get: (k: string) => state.get(k), update: async (k: string, v: unknown) => void state.set(k, v), keys: () => [...state.keys()] },
  };
}

/** Bundles src/extension/main.ts as scripts/build.mjs does (in memory, with its metafile). */
export async function buildExtensionBundle(): Promise<ExtensionBundle> {
  return esbuild.build({
    entryPoints: [join(root, 'src/extension/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}

/** Evaluates the bundle as VS Code's loader would (a fresh module) and activates it; returns both times in ms. */
export function loadAndActivate(code: string, context: ReturnType<typeof fakeContext>): { loadMs: number; activateMs: number } {
  const nodeRequire = createRequire(join(root, 'package.json'));
  const mod = { exports: {} as { activate(context: unknown): unknown } };
  const load0 = performance.now();
  new Function('module', 'exports', 'require', '__filename', '__dirname', code)(
    mod,
    mod.exports,
    (id: string) => (id === 'vscode' ? vscode : nodeRequire(id)),
    '/ext/dist/extension.js',
    '/ext/dist',
  );
  const loadMs = performance.now() - load0;
  const act0 = performance.now();
  mod.exports.activate(context);
  return { loadMs, activateMs: performance.now() - act0 };
}
