import { beforeEach, describe, expect, it } from 'vitest';
import { MarkdownString, StatusBarAlignment, stub } from '../vscode-stub';
import { engineLabel, ProfilerStatusBar, statusBarText, statusBarTooltip } from '../../src/extension/statusBar';
import type { ArchitectureReport } from '../../src/report/schema';
import { WASM_ENGINE, withTimings, xceptionReport } from './fixtures';
import { FakeSource } from './source';
import { IDLE, nextState, type ProfilingState } from '../../src/extension/profilingState';

/** States of a run at its phases (built through the state machine, as the session does). */
function states(): Record<'building' | 'timing' | 'live' | 'paused' | 'done', ProfilingState> {
  const building = nextState(IDLE, { type: 'start', subject: 'Xception 71x71', live: true, timing: true });
  const timing = nextState(building, { type: 'analysis' });
  const live = nextState(nextState(timing, { type: 'pass' }), { type: 'result' });
  const paused = nextState(live, { type: 'live', state: 'paused' });
  const done = nextState(live, { type: 'live', state: 'stopped' });
  return { building, timing, live, paused, done };
}

let timed: ArchitectureReport;
beforeEach(async () => {
  stub.reset();
  timed = withTimings(await xceptionReport(71));
});

describe('status bar text', () => {
  it('names the engine and the last pass time', () => {
    const r = structuredClone(timed);
    r.timing!.predictMedianMs = 432.4;
    const s = states();
    expect(statusBarText(r, s.done)).toBe('$(pulse) WASM x2 · 432 ms');
    expect(statusBarText(r, s.live)).toBe('$(loading~spin) WASM x2 · 432 ms');
    // Paused: no spinner (the worker computes nothing), a pause sign.
    expect(statusBarText(r, s.paused)).toBe('$(debug-pause) WASM x2 · 432 ms');
    // Without a plain-predict median, the profiled pass.
    r.timing!.predictMedianMs = null;
    r.timing!.profiledMedianMs = 12.34;
    expect(statusBarText(r, s.done)).toBe('$(pulse) WASM x2 · 12.3 ms');
  });

  it('shows nothing while idle, the state before an engine is known', async () => {
    const s = states();
    expect(statusBarText(undefined, IDLE)).toBeUndefined();
    expect(statusBarText(undefined, s.building)).toBe('$(loading~spin) Xception Profiler: building\u2026');
    expect(statusBarText(await xceptionReport(71), s.timing)).toBe('$(loading~spin) Xception Profiler: timing\u2026');
    const analysed = await xceptionReport(71);
    analysed.engine = WASM_ENGINE;
    expect(statusBarText(analysed, s.timing)).toBe('$(loading~spin) WASM x2');
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
    expect(md).toContain('**Pass:** wall time on wasm, batch of 1, median of 10 timed runs after 2 warm\\-up');
    expect(md).toContain('Click to open the diagram.');
  });
});

describe('ProfilerStatusBar', () => {
  it('stays hidden while idle, spins while working, then opens the diagram on click', () => {
    const source = new FakeSource();
    const bar = new ProfilerStatusBar(source);
    const item = stub.statusBarItems[0];
    expect(item.visible).toBe(false);
    expect(item.alignment).toBe(StatusBarAlignment.Right);
    const s = states();
    source.emit({ kind: 'state', state: s.building });
    expect(item.visible).toBe(true);
    expect(item.text).toBe('$(loading~spin) Xception Profiler: building\u2026');
    source.emit({ kind: 'report', report: timed });
    expect(item.text).toMatch(/^\$\(loading~spin\) WASM x2 · /);
    expect(item.command).toBe('xceptionProfiler.showDiagram');
    expect(item.tooltip).toBeInstanceOf(MarkdownString);
    expect((item.tooltip as MarkdownString).value).toContain('Building Xception 71x71');
    source.emit({ kind: 'state', state: s.paused });
    expect(item.text).toMatch(/^\$\(debug-pause\) WASM x2 · /);
    expect((item.tooltip as MarkdownString).value).toContain('Live profiling paused Xception 71x71');
    source.emit({ kind: 'state', state: s.done });
    expect(item.text).toMatch(/^\$\(pulse\) WASM x2 · /);
    bar.dispose();
    expect(item.visible).toBe(false);
  });

  it('follows live pass timings', () => {
    const source = new FakeSource(structuredClone(timed));
    new ProfilerStatusBar(source);
    const item = stub.statusBarItems[0];
    source.emit({ kind: 'state', state: states().done });
    source.emit({ kind: 'timings', layers: {}, timing: { ...timed.timing!, predictMedianMs: 250 }, run: 11 });
    expect(item.text).toBe('$(pulse) WASM x2 · 250 ms');
  });
});
