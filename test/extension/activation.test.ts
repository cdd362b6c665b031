/**
 * Activation: what `activate` registers, and that the extension bundle holds no TF.js (TF.js loads
 * only in the profiling worker). The bundle is built in memory with the same esbuild settings as
 * scripts/build.mjs and evaluated against the `vscode` stand-in. How long loading and activating
 * take is measured by the latency benchmark (`npm run bench:latency`), not asserted here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stub } from '../vscode-stub';
import { buildExtensionBundle, fakeContext, loadAndActivate, root, type ExtensionBundle } from './extensionBundle';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  activationEvents?: string[];
  contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
};

let bundle: ExtensionBundle;
beforeAll(async () => {
  bundle = await buildExtensionBundle();
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

  it('registers every contributed command and view, and logs its activation time', () => {
    stub.reset();
    const context = fakeContext();
    loadAndActivate(bundle.outputFiles[0].text, context);
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
