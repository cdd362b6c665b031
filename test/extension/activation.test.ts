/**
 * Activation: what `activate` registers, how long it takes, and that the extension bundle holds
 * no TF.js (TF.js loads only in the profiling worker). The bundle is built in memory with the same
 * esbuild settings as scripts/build.mjs, evaluated against the `vscode` stand-in, and timed.
 */
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as vscode from '../vscode-stub';
import { ExtensionMode, stub, Uri } from '../vscode-stub';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  activationEvents?: string[];
  contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
};

function fakeContext() {
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

let bundle: esbuild.BuildResult & { metafile: esbuild.Metafile; outputFiles: esbuild.OutputFile[] };
beforeAll(async () => {
  bundle = await esbuild.build({
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
});

describe('activation', () => {
  it('activates only on its commands and views (no "*", no startup, no language events)', () => {
    const events = pkg.activationEvents ?? [];
    expect(events.filter((e) => e === '*' || e.startsWith('onStartup') || e.startsWith('onLanguage'))).toEqual([]);
  });

  it('the extension bundle does not include TF.js', () => {
    // Modules whose code is in the output (tree-shaking drops what nothing calls).
    const bundled = Object.values(bundle.metafile.outputs).flatMap((o) => Object.keys(o.inputs));
    expect(bundled.length).toBeGreaterThan(10);
    expect(bundled.filter((p) => p.includes('@tensorflow/'))).toEqual([]);
    const text = bundle.outputFiles[0].text;
    expect(text).not.toMatch(/require\(["']@tensorflow\//);
    expect(text).not.toContain('registerKernel');
  });

  it('loads and activates fast, registering every contributed command and view', () => {
    const code = bundle.outputFiles[0].text;
    const nodeRequire = createRequire(join(root, 'package.json'));
    /** Evaluates the bundle as VS Code's loader would and activates it; returns the two times. */
    const loadAndActivate = (context: ReturnType<typeof fakeContext>): { loadMs: number; activateMs: number } => {
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
    };
    // Five cold loads (a fresh module each time); the median is the figure, robust to a GC pause.
    const runs: { loadMs: number; activateMs: number }[] = [];
    for (let i = 0; i < 5; i++) {
      stub.reset();
      const ctx = fakeContext();
      runs.push(loadAndActivate(ctx));
      for (const d of ctx.subscriptions) d.dispose();
    }
    const totals = runs.map((r) => r.loadMs + r.activateMs).sort((a, b) => a - b);
    const median = totals[2];
    console.log(
      `activation: bundle ${(bundle.outputFiles[0].contents.length / 1024).toFixed(0)} KiB; load + activate() over 5 cold loads: ` +
        runs.map((r) => `${r.loadMs.toFixed(1)} + ${r.activateMs.toFixed(1)} ms`).join(', ') + `; median ${median.toFixed(1)} ms`,
    );
    expect(median).toBeLessThan(50);

    stub.reset();
    const context = fakeContext();
    loadAndActivate(context);
    const contributed = pkg.contributes.commands.map((c) => c.command).sort();
    expect([...stub.commands.keys()].sort()).toEqual(contributed);
    const views = Object.values(pkg.contributes.views).flat().map((v) => v.id);
    expect([...stub.treeViews.keys()].sort()).toEqual(views.sort());
    expect(stub.statusBarItems).toHaveLength(1);
    expect(stub.statusBarItems[0].visible).toBe(false);
    expect(stub.outputLines.some((l) => /^activated in \d+\.\d ms/.test(l))).toBe(true);
    for (const d of context.subscriptions) d.dispose();
  });
});
