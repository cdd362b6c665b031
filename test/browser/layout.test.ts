import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ArchitectureReport } from '../../src/report/schema';
import { layoutReport } from '../../webview/layout';
import { xceptionReport } from './fixtures';

describe('layoutReport (pure geometry)', () => {
  let report: ArchitectureReport;
  beforeAll(() => {
    try {
      report = JSON.parse(readFileSync('/tmp/xception-static.json', 'utf8')) as ArchitectureReport;
    } catch {
      report = xceptionReport();
    }
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

  it('other models: one column per group in order, nothing collapsible', () => {
    const other: ArchitectureReport = { ...report, model: { ...report.model, grouping: 'downsampling' } };
    const l = layoutReport(other, { collapseMiddle: true });
    expect(l.flows).toHaveLength(3);
    expect(l.flows.every((f) => !f.collapsible && !f.collapsed)).toBe(true);
    expect(l.flows.map((f) => f.title)).toEqual(['entry', 'middle', 'exit']);
    expect(l.nodes.size).toBe(134);
  });
});
