import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGraphModelFile } from '../../src/importers/graphModelLoad';
import type { ArchitectureReport } from '../../src/report/schema';
import { framesOverlap, layerChains } from '../../webview/dagLayout';
import { layoutReport } from '../../webview/layout';
import { xceptionReport } from './fixtures';
import { syntheticResidualReport } from './syntheticResidual';

describe('layoutReport (pure geometry)', () => {
  let report: ArchitectureReport;
  beforeAll(() => {
    report = xceptionReport();
  });

  it('Xception: three columns; residual 1x1 conv + BN in the branch lane; identity skips', () => {
    const l = layoutReport(report, { collapseMiddle: false });
    expect(l.flows.map((f) => f.name)).toEqual(['entry', 'middle', 'exit']);
    expect(new Set(l.flows.map((f) => f.x)).size).toBe(3);
    expect(l.blocks.filter((b) => /^block\d+$/.test(b.name))).toHaveLength(14);
    expect(l.nodes.size).toBe(134);
    expect(l.nodes.get('conv2d')?.lane).toBe('branch');
    expect(l.nodes.get('batch_normalization')?.lane).toBe('branch');
    expect(l.nodes.get('block2_pool')?.lane).toBe('main');
    expect(l.edges.find((e) => e.from === 'add_3' && e.to === 'add_4')?.kind).toBe('skip');
    expect(l.edges.find((e) => e.from === 'batch_normalization' && e.to === 'add')?.kind).toBe('branch');
    // The branch ends level with its Add, its 1x1 conv level with the max pooling.
    expect(l.nodes.get('batch_normalization')!.y).toBe(l.nodes.get('add')!.y);
    expect(l.nodes.get('conv2d')!.y).toBe(l.nodes.get('block2_pool')!.y);
  });

  it('Xception: the middle flow collapses to one block standing for eight', () => {
    const l = layoutReport(report, { collapseMiddle: true });
    const middle = l.blocks.filter((b) => b.flow === 'middle');
    expect(middle).toHaveLength(1);
    expect(middle[0].represents).toEqual(['block5', 'block6', 'block7', 'block8', 'block9', 'block10', 'block11', 'block12']);
    expect(l.nodes.has('block5_sepconv1')).toBe(true);
    expect(l.nodes.has('block6_sepconv1')).toBe(false);
    expect(l.flows.find((f) => f.name === 'middle')?.collapsed).toBe(true);
  });

  it('other models: a dagre DAG, every layer once, one path per inbound entry, no collapsible columns', () => {
    const other: ArchitectureReport = { ...report, model: { ...report.model, grouping: 'downsampling' } };
    const l = layoutReport(other, { collapseMiddle: true });
    expect(l.kind).toBe('dag');
    expect(l.flows).toHaveLength(0);
    expect(l.nodes.size).toBe(134);
    expect(l.edges).toHaveLength(report.layers.reduce((n, x) => n + x.inbound.length, 0));
    // Residual join: the Add's second input (the 1x1 conv branch) is a branch edge.
    expect(l.edges.find((e) => e.from === 'batch_normalization' && e.to === 'add')?.kind).toMatch(/branch|skip/);
    // Boxes never overlap (the DAG is wrapped into columns, blocks never split).
    const boxes = [...l.nodes.values()];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y, `${a.layer} overlaps ${b.layer}`).toBe(true);
      }
    for (const n of boxes) expect(n.x >= 0 && n.y >= 0 && n.x + n.w <= l.width && n.y + n.h <= l.height).toBe(true);
  });

  it('chains: conv -> BN -> ReLU runs inside a block become one dagre node; branch points end a chain', () => {
    const chains = layerChains(report.layers);
    const chainOf = (n: string): string[] | undefined => chains.find((c) => c.includes(n));
    expect(chains.flat()).toHaveLength(134);
    expect(chainOf('block1_conv1')).toEqual(['block1_conv1', 'block1_conv1_bn', 'block1_conv1_act', 'block1_conv2', 'block1_conv2_bn', 'block1_conv2_act']);
    // block1_conv2_act feeds two layers (sepconv and the residual 1x1 conv): the chain ends there.
    expect(chainOf('block2_sepconv1')?.[0]).toBe('block2_sepconv1');
  });

  it('block frames never overlap, also where a shortcut branch belongs to the block it joins (a real TF.js graph model)', async () => {
    // human-emotion's name-scope groups put each residual 1x1 conv in the block of its Add, so that
    // block starts beside the previous one: laid out as plain dagre nodes, block3's frame covered
    // block2's and the head's covered block3's (seen in the e2e screenshot).
    const emotion = path.join(__dirname, '..', 'fixtures', 'models', 'tfjs-graph', 'human-emotion', 'emotion.json');
    const { report } = await loadGraphModelFile(tf, emotion);
    expect(report.blocks.map((b) => b.name).sort()).toEqual(['block1', 'block2', 'block3', 'input', 'top']);
    const l = layoutReport(report, { collapseMiddle: false });
    expect(l.kind).toBe('dag');
    expect(framesOverlap(l.blocks)).toBe(false);
    // Every layer's box lies inside its own block's frame.
    for (const n of l.nodes.values()) {
      const f = l.blocks.find((b) => b.name === n.block)!;
      expect(n.x >= f.x && n.x + n.w <= f.x + f.w && n.y >= f.y && n.y + n.h <= f.y + f.h, n.layer).toBe(true);
    }
    expect(framesOverlap([{ x: 0, y: 0, w: 10, h: 10 }, { x: 9, y: 9, w: 5, h: 5 }])).toBe(true);
    expect(framesOverlap([{ x: 0, y: 0, w: 10, h: 10 }, { x: 10, y: 0, w: 5, h: 5 }])).toBe(false);
  });

  it('lays out a synthetic 177-layer DAG (ResNet50-sized: 16 residual blocks), every layer placed once', () => {
    const synthetic = syntheticResidualReport(16);
    expect(synthetic.layers).toHaveLength(177);
    expect(synthetic.layers.reduce((n, l) => n + l.inbound.length, 0)).toBe(192);
    const l = layoutReport(synthetic, { collapseMiddle: false });
    expect([...l.nodes.keys()].sort()).toEqual(synthetic.layers.map((x) => x.name).sort());
    expect(l.edges).toHaveLength(192);
  });
});
