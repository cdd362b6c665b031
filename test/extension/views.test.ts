import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDLE, nextState, statusLine } from '../../src/extension/profilingState';
import { stub } from '../vscode-stub';
import { Config } from '../../src/extension/config';
import { copyRowMarkdown, copyShape, revealInTree, SidebarViews } from '../../src/extension/views';
import type { ArchitectureReport } from '../../src/report/schema';
import { withTimings, xceptionReport } from './fixtures';
import { FakeSource } from './source';

/** A source whose settings are the real `Config`, read from the stub's settings. */
class ConfiguredSource extends FakeSource {
  override readonly config = new Config();
}

let report: ArchitectureReport;
let source: ConfiguredSource;
let views: SidebarViews;

beforeEach(async () => {
  stub.reset();
  report = withTimings(await xceptionReport());
  source = new ConfiguredSource(report);
  views = new SidebarViews(source);
});
afterEach(() => views.dispose());

describe('Config', () => {
  it('has the documented defaults', () => {
    const c = new Config();
    expect([c.colorMetric, c.flopsConvention, c.hintsEnabled]).toEqual(['medianMs', 'macs', false]);
  });

  it('reads settings and falls back on unknown values', () => {
    stub.setConfiguration('xceptionProfiler.flopsConvention', 'tf-profiler');
    stub.setConfiguration('xceptionProfiler.colorMetric', 'gflops');
    stub.setConfiguration('xceptionProfiler.hints.enabled', true);
    const c = new Config();
    expect([c.colorMetric, c.flopsConvention, c.hintsEnabled]).toEqual(['gflops', 'tf-profiler', true]);
    stub.setConfiguration('xceptionProfiler.flopsConvention', 'gigaflops');
    stub.setConfiguration('xceptionProfiler.colorMetric', 42);
    expect([c.colorMetric, c.flopsConvention]).toEqual(['medianMs', 'macs']);
  });
});

describe('settings take effect without a reload', () => {
  it('the FLOPs convention re-renders the tree and the hints', () => {
    let treeEvents = 0;
    let hintEvents = 0;
    views.architecture.onDidChangeTreeData(() => treeEvents++);
    views.hints.onDidChangeInlayHints(() => hintEvents++);
    const node = views.architecture.layerNode('block4_sepconv2')!;
    expect(views.architecture.getTreeItem(node).description).toBe('37x37x728 · 734.5M MACs · 7.35 ms wall time on wasm');
    stub.setConfiguration('xceptionProfiler.flopsConvention', 'flops');
    expect([treeEvents, hintEvents]).toEqual([1, 1]);
    expect(views.architecture.getTreeItem(node).description).toBe('37x37x728 · 1.47G FLOPs · 7.35 ms wall time on wasm');
  });

  it('hints.enabled turns the hints on and off', async () => {
    const { createTextDocument, Range } = await import('../vscode-stub');
    const doc = createTextDocument("x = layers.SeparableConv2D(728, (3, 3), name='block4_sepconv2')(x)\n", 'python');
    const range = new Range(0, 0, 2, 0);
    let hintEvents = 0;
    views.hints.onDidChangeInlayHints(() => hintEvents++);
    expect(views.hints.provideInlayHints(doc as never, range as never)).toEqual([]);
    stub.setConfiguration('xceptionProfiler.hints.enabled', true);
    expect(hintEvents).toBe(1);
    expect(views.hints.provideInlayHints(doc as never, range as never).map((h) => h.label)).toEqual(['-> (None, 37, 37, 728) · 734.5M MACs']);
    expect(stub.inlayHintsProviders).toHaveLength(1);
  });

  it('colorMetric becomes the diagram metric', () => {
    stub.setConfiguration('xceptionProfiler.colorMetric', 'gflops');
    expect(source.metrics).toEqual(['gflops']);
  });

  it('other settings change nothing here', () => {
    let events = 0;
    views.architecture.onDidChangeTreeData(() => events++);
    stub.setConfiguration('xceptionProfiler.timedRuns', 20);
    expect(events).toBe(0);
    expect(source.metrics).toEqual([]);
  });
});

describe('views', () => {
  it('register the Architecture and Hotspots tree views and one hover provider', () => {
    expect([...stub.treeViews.keys()]).toEqual(['xceptionProfiler.architecture', 'xceptionProfiler.hotspots']);
    expect(stub.hoverProviders).toHaveLength(1);
    expect((stub.hoverProviders[0].selector as { language: string }[]).map((s) => s.language)).toEqual(
      expect.arrayContaining(['json', 'python', 'typescript', 'javascript']),
    );
  });

  it('show the state in the Architecture view: the status line as message, a short description', () => {
    const view = stub.treeViews.get('xceptionProfiler.architecture')!;
    let s = nextState(IDLE, { type: 'start', subject: 'Xception 71x71', live: false, timing: true });
    s = nextState(nextState(s, { type: 'analysis' }), { type: 'progress', stage: 'timing', message: 'timed run 3/10' });
    s = nextState(nextState(nextState(s, { type: 'pass' }), { type: 'pass' }), { type: 'pass' });
    source.emit({ kind: 'state', state: s });
    expect(view.message).toBe(statusLine(s));
    expect(view.message).toBe('Timing Xception 71x71: timed run 3/10 \u00b7 3 passes measured');
    expect(view.description).toBe('timing\u2026 3 passes measured');
    source.emit({ kind: 'state', state: nextState(s, { type: 'result' }) });
    expect(view.message).toBeUndefined();
    expect(view.description).toBe('3 passes measured');
  });

  it('list the 10 slowest layers in Hotspots, slowest first', () => {
    const rows = views.hotspots.getChildren();
    expect(rows).toHaveLength(10);
    // Synthetic medians follow MACs: the slowest is the largest separable conv of the exit flow.
    const byMacs = [...report.layers].sort((a, b) => b.macs - a.macs).slice(0, 10).map((l) => l.name);
    expect(rows.map((r) => r.name)).toEqual(byMacs);
    expect(views.hotspots.getTreeItem(rows[0]).description).toMatch(/^\d+\.\d+ ms wall time on wasm · \d+\.\d % · SeparableConv2D$/);
  });

  it('Hotspots refresh when the ranking changes, not for unchanged numbers', () => {
    let events = 0;
    views.hotspots.onDidChangeTreeData(() => events++);
    const slowest = views.hotspots.getChildren()[0].name;
    source.emit({ kind: 'timings', layers: { [slowest]: { ...report.layers.find((l) => l.name === slowest)!.timing! } }, run: 2 });
    expect(events).toBe(0);
    source.emit({ kind: 'timings', layers: { block1_conv1: { medianMs: 500, minMs: 500, p90Ms: 500, runs: 10, kernels: [] } }, run: 3 });
    expect(events).toBe(1);
    expect(views.hotspots.getChildren()[0].name).toBe('block1_conv1');
  });
});

describe('layer commands', () => {
  it('revealInTree selects the layer row in the Architecture view', async () => {
    expect(await revealInTree('block4_sepconv2')).toBe(true);
    const view = stub.treeViews.get('xceptionProfiler.architecture')!;
    expect(view.revealed).toHaveLength(1);
    expect(view.revealed[0].element).toBe(views.architecture.layerNode('block4_sepconv2'));
    expect(view.revealed[0].options).toEqual({ select: true, focus: false, expand: true });
    expect(await revealInTree('no_such_layer')).toBe(false);
  });

  it('Copy Shape copies the Keras shape, from a name or a tree row', async () => {
    expect(await copyShape(source, views.architecture.layerNode('block4_sepconv2'))).toBe('(None, 37, 37, 728)');
    expect(stub.clipboard).toBe('(None, 37, 37, 728)');
    expect(await copyShape(source, 'predictions')).toBe('(None, 1000)');
  });

  it('Copy Row as Markdown copies a one-row table', async () => {
    const text = await copyRowMarkdown(source, 'block4_sepconv2');
    expect(stub.clipboard).toBe(text);
    expect(text!.split('\n')[2]).toMatch(/^\| `block4_sepconv2` \| `SeparableConv2D` \| `block4` \| 37x37x728 \| 536,536 \| 734\.5M \| 7\.35 ms \|/);
  });
});
