/**
 * One profiling run as the extension host sees it: the worker process, the rolling statistics
 * fed by its passes (timed runs, then live runs), the live-mode state, and a measurement of how
 * long the extension host's event loop was blocked while the run went on.
 *
 * Free of the `vscode` module (it only reports through callbacks), so it is unit-tested directly.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { LiveState } from '../profiler/live';
import { summarize, type PassSample } from '../profiler/profile';
import type { ArchitectureReport, LayerTiming, PassTiming } from '../report/schema';
import { describeEngine } from '../report/viewModel';
import { startWorker, type WorkerRun } from './client';
import type { FromWorker, LiveAction, ProfileJob, ProgressStage } from './protocol';

/** What the run reports to the session. */
export interface RunListener {
  onProgress(message: string, fraction?: number, stage?: ProgressStage): void;
  /** The worker loaded an engine (its name: `wasm`, `tensorflow`, ...). */
  onEngine?(name: string): void;
  /** The static analysis (`final` false), then the report with timings (`final` true). */
  onReport(report: ArchitectureReport, final: boolean): void;
  onTimings(layers: Record<string, LayerTiming>, timing: PassTiming, run: number): void;
  /** Live mode changed state; `unsupported`: the model has none (it was timed once). */
  onLive(state: LiveState, runs: number, unsupported?: boolean): void;
  onLog(line: string): void;
}

export class ProfilingRun {
  private readonly worker: WorkerRun;
  /** The last `windowSize` passes; `passes` counts them all. */
  private readonly window: PassSample[] = [];
  private readonly windowSize: number;
  private passes = 0;
  private readonly abort = new AbortController();
  private readonly loopDelay: IntervalHistogram;
  private report: ArchitectureReport | undefined;
  private liveState: LiveState | undefined;
  /** Paused because the panel is hidden (resumed when it shows again), not by the user. */
  private pausedForHidden = false;

  /**
   * Starts the worker for `job`.
   * @param window rolling window of the live statistics, in passes.
   */
  constructor(job: ProfileJob, workerPath: string, window: number, private readonly listener: RunListener) {
    this.windowSize = Math.max(window, 1);
    this.loopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.loopDelay.enable();
    this.worker = startWorker(job, { workerPath, signal: this.abort.signal, onMessage: (m) => this.onMessage(m, job) });
    void this.worker.exited.then(() => this.loopDelay.disable());
  }

  /** The report with timings; rejects on cancel (`AbortError`), worker errors and crashes. */
  get result(): Promise<ArchitectureReport> {
    return this.worker.result;
  }

  /** Resolves when the worker process has exited (end of live mode, cancel or crash). */
  get exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.worker.exited;
  }

  /** Process id of the worker (for tests that kill it as a crash would). */
  get pid(): number | undefined {
    return this.worker.child.pid;
  }

  /** Live-mode state, undefined before live mode started or without it. */
  get live(): LiveState | undefined {
    return this.liveState;
  }

  /** Longest the extension host's event loop was blocked during this run, ms. */
  get worstEventLoopDelayMs(): number {
    return this.loopDelay.max / 1e6;
  }

  /** Sends pause / resume / stop to live mode. */
  control(action: LiveAction): void {
    this.pausedForHidden = false;
    this.worker.control(action);
  }

  /** Pauses live mode while the panel is hidden; resumes it when shown, unless the user paused it. */
  setPanelVisible(visible: boolean): void {
    if (!visible && this.liveState === 'running') {
      this.worker.control('pause');
      this.pausedForHidden = true;
    } else if (visible && this.pausedForHidden) {
      this.worker.control('resume');
      this.pausedForHidden = false;
    }
  }

  /** Kills the worker (cancel); the result rejects with `AbortError` if it was not in yet. */
  cancel(): void {
    this.abort.abort();
  }

  private onMessage(m: FromWorker, job: ProfileJob): void {
    switch (m.type) {
      case 'progress':
        this.listener.onProgress(m.message, m.fraction, m.stage);
        break;
      case 'engine':
        this.listener.onEngine?.(m.engine.name);
        // The whole load errors of skipped engines and the runtime versions: what a user needs to fix a native engine.
        for (const line of describeEngine(m.engine).split('\n')) this.listener.onLog(line.startsWith('  ') ? line : `engine: ${line}`);
        break;
      case 'analysis':
      case 'result':
        this.report = m.report;
        this.listener.onReport(m.report, m.type === 'result');
        break;
      case 'pass': {
        this.passes++;
        this.window.push({ passMs: m.passMs, readbackMs: m.readbackMs ?? NaN, predictMs: m.predictMs, layerMs: m.layerMs, kernels: m.kernels });
        if (this.window.length > this.windowSize) this.window.shift();
        // The same statistics as the final report, over the last `windowSize` passes (timed, then
        // live): `pass.timedRuns` counts the passes in the medians, `this.passes` all passes measured.
        const { layers, pass } = summarize(this.window, job.warmupRuns, job.batchSize);
        this.listener.onTimings(layers, pass, this.passes);
        break;
      }
      case 'live':
        this.liveState = m.state;
        this.listener.onLive(m.state, m.runs, m.unsupported === true);
        break;
      case 'error':
        this.listener.onLog(`error: ${m.name}: ${m.message}`);
        break;
    }
  }
}
