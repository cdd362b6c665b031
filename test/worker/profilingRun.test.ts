import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ProfilingRun, type RunListener } from '../../src/worker/profilingRun';
import type { LiveState } from '../../src/profiler/live';
import type { LayerTiming, PassTiming } from '../../src/report/schema';
import { buildWorkerBundle, smallJob } from '../helpers/workerBundle';

let workerPath: string;
beforeAll(async () => {
  workerPath = await buildWorkerBundle();
});

/** Records what a run reports. */
function recorder() {
  const timings: { layers: Record<string, LayerTiming>; timing: PassTiming; run: number }[] = [];
  const live: { state: LiveState; runs: number }[] = [];
  const listener: RunListener = {
    onProgress: () => undefined,
    onReport: () => undefined,
    onTimings: (layers, timing, run) => timings.push({ layers, timing, run }),
    onLive: (state, runs) => live.push({ state, runs }),
    onLog: () => undefined,
  };
  return { timings, live, listener };
}

describe('ProfilingRun live mode', () => {
  it('streams live passes after the result with statistics over a bounded window, then stops by itself', async () => {
    const rec = recorder();
    const run = new ProfilingRun(smallJob(2, { live: { intervalMs: 0, maxRuns: 5 } }), workerPath, 3, rec.listener);
    const report = await run.result;
    expect(report.timing?.timedRuns).toBe(2);
    const end = await run.exited;
    expect(end.code).toBe(0);
    // 2 timed + 5 live passes, each one streamed.
    expect(rec.timings.map((t) => t.run)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const last = rec.timings.at(-1)!;
    // The window holds the last 3 passes only.
    expect(last.layers.block4_sepconv2.runs).toBe(3);
    expect(last.layers.block4_sepconv2.medianMs).toBeGreaterThan(0);
    expect(last.layers.block4_sepconv2.kernels.map((k) => k.name)).toContain('DepthwiseConv2dNative');
    // The medians cover the window (3 passes), not the 7 measured: the count says which.
    expect(last.timing.timedRuns).toBe(3);
    expect(last.run).toBe(7);
    expect(last.timing.profiledMedianMs).toBeGreaterThan(0);
    // Live runs keep timing plain predict, interleaved: the overhead stays measured over the same window.
    expect(last.timing.predictMedianMs).toBeGreaterThan(0);
    expect(last.timing.overheadRatio).toBeCloseTo(last.timing.profiledMedianMs! / last.timing.predictMedianMs!, 10);
    expect(rec.live[0]).toEqual({ state: 'running', runs: 0 });
    expect(rec.live.at(-1)).toEqual({ state: 'stopped', runs: 5 });
    expect(run.worstEventLoopDelayMs).toBeGreaterThanOrEqual(0);
  });

  it('pauses (no passes while paused), resumes, and stops on request', async () => {
    const rec = recorder();
    const run = new ProfilingRun(smallJob(1, { live: { intervalMs: 20 } }), workerPath, 10, rec.listener);
    await run.result;
    await vi.waitFor(() => expect(rec.timings.length).toBeGreaterThan(1), { timeout: 30_000, interval: 20 });
    run.control('pause');
    // The worker says it paused once the pass in flight has finished (however long a pass takes
    // on a loaded machine); from then on, no pass.
    await vi.waitFor(() => expect(rec.live.at(-1)?.state).toBe('paused'), { timeout: 30_000, interval: 20 });
    const atPause = rec.timings.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(rec.timings.length).toBe(atPause);
    expect(run.live).toBe('paused');
    run.control('resume');
    await vi.waitFor(() => expect(rec.timings.length).toBeGreaterThan(atPause), { timeout: 30_000, interval: 20 });
    run.control('stop');
    const end = await run.exited;
    expect(end.code).toBe(0);
    expect(rec.live.at(-1)!.state).toBe('stopped');
  });

  it('pauses while the panel is hidden and resumes when it shows again', async () => {
    const rec = recorder();
    const run = new ProfilingRun(smallJob(1, { live: { intervalMs: 20 } }), workerPath, 10, rec.listener);
    await run.result;
    await vi.waitFor(() => expect(rec.timings.length).toBeGreaterThan(1), { timeout: 30_000, interval: 20 });
    run.setPanelVisible(false);
    await vi.waitFor(() => expect(run.live).toBe('paused'), { timeout: 30_000, interval: 20 });
    run.setPanelVisible(true);
    await vi.waitFor(() => expect(run.live).toBe('running'), { timeout: 30_000, interval: 20 });
    run.cancel();
    const end = await run.exited;
    expect(end.signal).toBe('SIGTERM');
  });
});
