import { beforeEach, describe, expect, it } from 'vitest';
import { MarkdownString, StatusBarAlignment, stub } from '../vscode-stub';
import { engineLabel, ProfilerStatusBar, statusBarText, statusBarTooltip } from '../../src/extension/statusBar';
import type { ArchitectureReport } from '../../src/report/schema';
import { WASM_ENGINE, withTimings, xceptionReport } from './fixtures';
import { FakeSource } from './source';

let timed: ArchitectureReport;
beforeEach(async () => {
  stub.reset();
  timed = withTimings(await xceptionReport(71));
});

describe('status bar text', () => {
  it('names the engine and the last pass time', () => {
    const r = structuredClone(timed);
    r.timing!.predictMedianMs = 432.4;
    expect(statusBarText(r, false)).toBe('$(pulse) WASM x2 · 432 ms');
    expect(statusBarText(r, true)).toBe('$(loading~spin) WASM x2 · 432 ms');
    // Without a plain-predict median, the profiled pass.
    r.timing!.predictMedianMs = null;
    r.timing!.profiledMedianMs = 12.34;
    expect(statusBarText(r, false)).toBe('$(pulse) WASM x2 · 12.3 ms');
  });

  it('has nothing to show before an engine is known', async () => {
    expect(statusBarText(undefined, false)).toBeUndefined();
    expect(statusBarText(await xceptionReport(71), true)).toBeUndefined();
    const analysed = await xceptionReport(71);
    analysed.engine = WASM_ENGINE;
    expect(statusBarText(analysed, true)).toBe('$(loading~spin) WASM x2');
  });

  it('labels every engine', () => {
    expect(engineLabel({ ...WASM_ENGINE, name: 'tensorflow-gpu' })).toBe('TF GPU');
    expect(engineLabel({ ...WASM_ENGINE, name: 'tensorflow' })).toBe('TF native');
    expect(engineLabel({ ...WASM_ENGINE, name: 'cpu', threads: 1 })).toBe('JS CPU');
    expect(engineLabel({ ...WASM_ENGINE, threads: 4 })).toBe('WASM x4');
  });

  it('explains the engine choice and what was skipped in the tooltip', () => {
    const md = statusBarTooltip(timed);
    expect(md).toContain('**Xception Profiler engine:** wasm (2 threads, SIMD), backend `wasm`, @tensorflow/tfjs\\-backend\\-wasm 4\\.22\\.0');
    expect(md).toContain('the native engines are not installed; WASM with SIMD and 2 threads is the fastest engine that loaded');
    expect(md).toContain('- tensorflow\\-gpu: Cannot find module @tensorflow/tfjs\\-node\\-gpu');
    expect(md).toContain('median of 10 timed runs after 2 warm-up');
    expect(md).toContain('Click to open the diagram.');
  });
});

describe('ProfilerStatusBar', () => {
  it('stays hidden until a report names its engine, then opens the diagram on click', () => {
    const source = new FakeSource();
    const bar = new ProfilerStatusBar(source);
    const item = stub.statusBarItems[0];
    expect(item.visible).toBe(false);
    expect(item.alignment).toBe(StatusBarAlignment.Right);
    source.emit({ kind: 'status', state: 'running', message: 'loading engine' });
    expect(item.visible).toBe(false);
    source.emit({ kind: 'report', report: timed });
    expect(item.visible).toBe(true);
    expect(item.text).toMatch(/^\$\(loading~spin\) WASM x2 · /);
    expect(item.command).toBe('xceptionProfiler.showDiagram');
    expect(item.tooltip).toBeInstanceOf(MarkdownString);
    source.emit({ kind: 'status', state: 'done', message: 'profiled' });
    expect(item.text).toMatch(/^\$\(pulse\) WASM x2 · /);
    bar.dispose();
    expect(item.visible).toBe(false);
  });

  it('follows live pass timings', () => {
    const source = new FakeSource(structuredClone(timed));
    new ProfilerStatusBar(source);
    const item = stub.statusBarItems[0];
    source.emit({ kind: 'timings', layers: {}, timing: { ...timed.timing!, predictMedianMs: 250 }, run: 11 });
    expect(item.text).toBe('$(pulse) WASM x2 · 250 ms');
  });
});
