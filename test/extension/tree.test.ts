import { join } from 'node:path';
import { readModelFile } from '../../src/importers/modelFile';
import { beforeEach, describe, expect, it } from 'vitest';
import { IDLE, nextState } from '../../src/extension/profilingState';
import { MarkdownString, ThemeIcon, TreeItemCollapsibleState } from '../vscode-stub';
import { ArchitectureTreeProvider, buildNodes, layerIcon, layerNameOf, layersWithNested, type ArchNode } from '../../src/extension/tree';
import { groupCardMarkdown } from '../../src/report/layerCard';
import type { ArchitectureReport } from '../../src/report/schema';
import { syntheticTiming, xceptionReport } from './fixtures';
import { FakeSource } from './source';

let report: ArchitectureReport;
let source: FakeSource;
let tree: ArchitectureTreeProvider;
let fired: (ArchNode | ArchNode[] | undefined)[];

beforeEach(async () => {
  report = await xceptionReport();
  source = new FakeSource(report);
  tree = new ArchitectureTreeProvider(source);
  fired = [];
  tree.onDidChangeTreeData((e) => fired.push(e));
});

/** Every node, depth first (what VS Code would render with everything expanded). */
function allNodes(node?: ArchNode): ArchNode[] {
  return tree.getChildren(node).flatMap((c) => [c, ...allNodes(c)]);
}

const names = (nodes: ArchNode[]): string[] => nodes.map((n) => n.name);

describe('Architecture tree structure', () => {
  it('is model -> flows -> blocks -> layers, in execution order', () => {
    const [model] = tree.getChildren();
    expect(model).toMatchObject({ kind: 'model', name: 'Xception' });
    const flows = tree.getChildren(model);
    expect(names(flows)).toEqual(['entry', 'middle', 'exit']);
    expect(names(tree.getChildren(flows[0]))).toEqual(['input', 'block1', 'block2', 'block3', 'block4']);
    expect(names(tree.getChildren(flows[1]))).toEqual(['block5', 'block6', 'block7', 'block8', 'block9', 'block10', 'block11', 'block12']);
    expect(names(tree.getChildren(flows[2]))).toEqual(['block13', 'block14', 'top']);
    const block4 = tree.getChildren(flows[0])[4];
    expect(names(tree.getChildren(block4))).toEqual([
      'block4_sepconv1_act', 'block4_sepconv1', 'block4_sepconv1_bn', 'block4_sepconv2_act', 'block4_sepconv2', 'block4_sepconv2_bn',
      'conv2d_2', 'block4_pool', 'batch_normalization_2', 'add_2',
    ]);
    const layers = allNodes().filter((n) => n.kind === 'layer');
    expect(names(layers)).toEqual(report.layers.map((l) => l.name));
  });

  it('knows every node parent (for TreeView.reveal)', () => {
    const node = tree.layerNode('block4_sepconv2')!;
    const chain: string[] = [];
    for (let n: ArchNode | undefined = node; n; n = tree.getParent(n)) chain.push(`${n.kind}:${n.name}`);
    expect(chain).toEqual(['layer:block4_sepconv2', 'block:block4', 'flow:entry', 'model:Xception']);
  });

  it('is empty without a report (the welcome view shows)', () => {
    const empty = new ArchitectureTreeProvider(new FakeSource());
    expect(empty.getChildren()).toEqual([]);
    expect(empty.layerNode('block4_sepconv2')).toBeUndefined();
  });
});

describe('Architecture tree rows', () => {
  it('describe layers, blocks, flows and the model', () => {
    const item = (n: ArchNode) => tree.getTreeItem(n);
    const layer = tree.layerNode('block4_sepconv2')!;
    expect(item(layer)).toMatchObject({ label: 'block4_sepconv2', description: '37x37x728 · 734.5M MACs', contextValue: 'layer', id: 'layer:block4_sepconv2' });
    expect(item(layer).collapsibleState).toBe(TreeItemCollapsibleState.None);
    // block4 ends with add_2 at 19x19x728. MACs: block4_sepconv1 1369*256*9 + 1369*256*728 =
    // 258,293,248; block4_sepconv2 734,517,784; conv2d_2 (1x1/2) 361*256*728 = 67,280,128: 1.06G.
    expect(item(layer.parent!).description).toBe('19x19x728 · 1.06G MACs');
    expect(item(layer.parent!.parent!)).toMatchObject({ label: 'entry flow', description: '5 blocks · 2.69G MACs' });
    // Keras: 22,910,480 params and 8,357,403,496 MACs at 299x299.
    expect(item(tree.getChildren()[0]).description).toBe('299x299x3 · 22.9M params · 8.36G MACs');
  });

  it('use a codicon per layer kind', () => {
    expect((tree.getTreeItem(tree.layerNode('block4_sepconv2')!).iconPath as ThemeIcon).id).toBe('layers-active');
    expect((tree.getTreeItem(tree.layerNode('block1_conv1')!).iconPath as ThemeIcon).id).toBe('layers');
    expect((tree.getTreeItem(tree.layerNode('block4_pool')!).iconPath as ThemeIcon).id).toBe('fold-down');
    expect(layerIcon('merge')).toBe('add');
    expect(layerIcon('unknown')).toBe('symbol-misc');
  });

  it('resolve the layer card as a trusted tooltip that only enables Reveal in Diagram', () => {
    const node = tree.layerNode('block4_sepconv2')!;
    const item = tree.resolveTreeItem(tree.getTreeItem(node), node);
    const tooltip = item.tooltip as MarkdownString;
    expect(tooltip).toBeInstanceOf(MarkdownString);
    expect(tooltip.value).toContain('**MACs** 734.5M MACs (734,517,784)');
    expect(tooltip.isTrusted).toEqual({ enabledCommands: ['xceptionProfiler.revealInDiagram'] });
  });
});

describe('Architecture tree group tooltips', () => {
  it("resolve a block's, a flow's and the model's tooltip as its card: the webview's group card rows", () => {
    const block = tree.layerNode('block4_sepconv2')!.parent!;
    const tooltip = tree.resolveTreeItem(tree.getTreeItem(block), block).tooltip as MarkdownString;
    expect(tooltip.value).toBe(groupCardMarkdown(report, 'block', 'block4', 'macs'));
    // 258,291,968 + 734,517,784 + 67,278,848 MACs (see the descriptions above).
    expect(tooltip.value).toContain('**MACs** 1.06G MACs (1,060,088,600) · *per image; multiply\\-accumulates; bias adds, BN and activations are element\\-wise ops, not MACs*');
    const model = tree.getChildren()[0];
    expect((tree.resolveTreeItem(tree.getTreeItem(model), model).tooltip as MarkdownString).value).toContain('**MACs** 8.36G MACs (8,357,403,496)');
  });
});

describe('Architecture tree live updates', () => {
  it('refresh only the changed layer and its block, flow and model rows', () => {
    for (const n of allNodes()) tree.getTreeItem(n); // everything rendered once
    const layer = report.layers.find((l) => l.name === 'block4_sepconv2')!;
    source.emit({ kind: 'timings', layers: { block4_sepconv2: syntheticTiming(layer) }, run: 1 });
    expect(fired).toHaveLength(1);
    const changed = fired[0] as ArchNode[];
    expect(changed.map((n) => `${n.kind}:${n.name}`)).toEqual(['layer:block4_sepconv2', 'block:block4', 'flow:entry', 'model:Xception']);
    expect(tree.getTreeItem(changed[0]).description).toBe('37x37x728 · 734.5M MACs · 7.35 ms wall time');
    expect(tree.getTreeItem(changed[1]).description).toMatch(/ · 7\.35 ms wall time$/);
  });

  it('fire nothing when the shown text does not change', () => {
    for (const n of allNodes()) tree.getTreeItem(n);
    const layer = report.layers.find((l) => l.name === 'block4_sepconv2')!;
    source.emit({ kind: 'timings', layers: { block4_sepconv2: syntheticTiming(layer) }, run: 1 });
    // 7.34517784 ms -> 7.346 ms: still "7.35 ms", and the sums above it round the same.
    source.emit({ kind: 'timings', layers: { block4_sepconv2: syntheticTiming(layer, 7.346 / 7.34517784) }, run: 2 });
    expect(fired).toHaveLength(1);
  });

  it('refresh everything on a new report', () => {
    source.emit({ kind: 'report', report: structuredClone(report) });
    expect(fired).toEqual([undefined]);
    expect(tree.getChildren()[0]).not.toBe(undefined);
  });

  it('ignore state events', () => {
    source.emit({ kind: 'state', state: nextState(IDLE, { type: 'start', subject: 'Xception 71x71', live: false, timing: true }) });
    expect(fired).toEqual([]);
  });
});

describe('layerNameOf', () => {
  it('takes a name or a layer row', () => {
    expect(layerNameOf('block4_sepconv2')).toBe('block4_sepconv2');
    expect(layerNameOf(tree.layerNode('block4_sepconv2'))).toBe('block4_sepconv2');
    expect(layerNameOf(tree.getChildren()[0])).toBeUndefined();
    expect(layerNameOf(42)).toBeUndefined();
  });
});

describe('a nested model in the Architecture tree', () => {
  it('opens to its own layers, named model/layer, each with its card', async () => {
    const checked = await readModelFile(join(__dirname, '../fixtures/cases/keras3-shared-nested-functional.json'));
    if (!('report' in checked)) throw new Error('not a layers model');
    const { layers } = buildNodes(checked.report);
    const tower = layers.get('tower')!;
    expect(tower.children.map((c) => c.name)).toEqual(['tower/tw_in', 'tower/tw_conv', 'tower/tw_pool']);
    // The conv of the shared tower: 12x12x4, 3x3 over 3 channels, twice (two calls).
    expect(layersWithNested(checked.report).get('tower/tw_conv')!.macs).toBe(2 * 12 * 12 * 4 * 27);
  });
});
