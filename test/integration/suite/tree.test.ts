/// <reference types="mocha" />
/**
 * The sidebar: a view container "Xception Profiler" with an "Architecture" view whose tree is
 * model -> flow (entry / middle / exit) -> block -> layer. VS Code has no API to read another
 * view's rows, so the tree is read through its TreeDataProvider, which activate() exposes as
 * `architectureTree()`; the e2e run reads the rendered rows.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension/main';
import { EXTENSION_ID, extensionApi, profiledReport, within } from './helpers';

interface ViewManifest {
  viewsContainers?: { activitybar?: { id: string; title: string }[] };
  views?: Record<string, { id: string; name: string }[]>;
}

type Provider = vscode.TreeDataProvider<unknown>;

/** Label text of a tree element. */
async function label(provider: Provider, element: unknown): Promise<string> {
  const item = await provider.getTreeItem(element);
  const l = item.label;
  return typeof l === 'string' ? l : l?.label ?? '';
}

/** Children of `element` (roots when undefined) with their labels. */
async function children(provider: Provider, element?: unknown): Promise<{ element: unknown; label: string }[]> {
  const kids = (await provider.getChildren(element)) ?? [];
  return Promise.all(kids.map(async (e) => ({ element: e, label: await label(provider, e) })));
}

/** Finds the node whose label matches `pattern`, breadth first, at most `depth` levels down. */
async function find(provider: Provider, pattern: RegExp, depth = 3): Promise<{ element: unknown; label: string } | undefined> {
  let level = await children(provider);
  for (let d = 0; d < depth && level.length > 0; d++) {
    const hit = level.find((n) => pattern.test(n.label));
    if (hit) return hit;
    level = (await Promise.all(level.map((n) => children(provider, n.element)))).flat();
  }
  return undefined;
}

suite('architecture tree', () => {
  test('the manifest contributes the "Xception Profiler" container with an "Architecture" view', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes as ViewManifest;
    const container = manifest.viewsContainers?.activitybar?.find((c) => c.title === 'Xception Profiler');
    assert.ok(container, 'contributes.viewsContainers.activitybar has no container titled "Xception Profiler"');
    const views = manifest.views?.[container.id] ?? [];
    assert.ok(views.some((v) => v.name === 'Architecture'), `views of ${container.id}: ${JSON.stringify(views.map((v) => v.name))}`);
  });

  test('lists entry, middle and exit flows, their blocks and a block\'s layers', async () => {
    // Typed loosely: the suite compiles whether or not main.ts has landed architectureTree() yet.
    const api = (await extensionApi()) as ExtensionApi & { architectureTree?: () => unknown };
    assert.equal(typeof api.architectureTree, 'function', 'activate() must return architectureTree() (src/extension/main.ts)');
    const provider = api.architectureTree?.() as Provider | undefined;
    assert.ok(provider, "architectureTree() returned no provider: the Architecture view's TreeDataProvider is not registered");
    await profiledReport(api);
    const flows = await within(Promise.all(['entry', 'middle', 'exit'].map((f) => find(provider, new RegExp(`^${f}\\b`, 'i')))), 10_000, 'the tree');
    assert.deepEqual(flows.map((f) => f !== undefined), [true, true, true], 'flow rows labelled entry / middle / exit');
    const [entry, middle, exit] = flows as { element: unknown; label: string }[];
    // Xception: blocks 1-4 in the entry flow, 5-12 in the middle flow, 13-14 in the exit flow.
    const blocksOf = async (flow: { element: unknown }) => (await children(provider, flow.element)).map((n) => n.label).filter((l) => /^block\d+/.test(l));
    assert.deepEqual((await blocksOf(entry)).map((l) => l.match(/^block\d+/)?.[0]), ['block1', 'block2', 'block3', 'block4']);
    assert.equal((await blocksOf(middle)).length, 8);
    assert.deepEqual((await blocksOf(exit)).map((l) => l.match(/^block\d+/)?.[0]), ['block13', 'block14']);
    const block4 = (await children(provider, entry.element)).find((n) => /^block4\b/.test(n.label));
    assert.ok(block4);
    const layers = (await children(provider, block4.element)).map((n) => n.label);
    for (const name of ['block4_sepconv1', 'block4_sepconv2', 'block4_sepconv2_bn', 'block4_pool']) {
      assert.ok(layers.includes(name), `block4's rows ${JSON.stringify(layers)} include ${name}`);
    }
  });
});
