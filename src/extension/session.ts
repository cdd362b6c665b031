/**
 * The extension's state: the latest report, the profiling run in progress, and change events for
 * the views. One instance per window, created in `activate`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { mergeTimings } from '../profiler/attach';
import { isMetricId, type MetricId } from '../report/messages';
import type { ArchitectureReport, LayerTiming, PassTiming } from '../report/schema';
import type { LiveAction, ProfileJob, XceptionSource } from '../worker/protocol';
import { Config } from './config';
import { ProfilingRun } from '../worker/profilingRun';

/** What changed, for views that update in place. */
export type SessionEvent =
  | { kind: 'report'; report: ArchitectureReport }
  | { kind: 'timings'; layers: Record<string, LayerTiming>; timing?: PassTiming; run: number }
  | { kind: 'status'; state: 'running' | 'done' | 'error' | 'cancelled' | 'idle'; message: string };

export class Session implements vscode.Disposable {
  readonly config = new Config();
  readonly output: vscode.OutputChannel;
  private readonly emitter = new vscode.EventEmitter<SessionEvent>();
  /** Fires on every report, timing update and status change. */
  readonly onDidChange = this.emitter.event;
  private current: ArchitectureReport | undefined;
  private run: ProfilingRun | undefined;
  lastStatus: Extract<SessionEvent, { kind: 'status' }> = { kind: 'status', state: 'idle', message: '' };

  readonly extensionUri: vscode.Uri;
  readonly globalStorageUri: vscode.Uri;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.extensionUri = context.extensionUri;
    this.globalStorageUri = context.globalStorageUri;
    this.output = vscode.window.createOutputChannel('Xception Profiler');
  }

  /** Colour metric of the diagram, kept per workspace. */
  get metric(): MetricId {
    const stored = this.context.workspaceState.get<unknown>('metric');
    return isMetricId(stored) ? stored : this.config.colorMetric;
  }

  async setMetric(metric: MetricId): Promise<void> {
    await this.context.workspaceState.update('metric', metric);
  }

  /** The latest report (static analysis, with timings once measured). */
  get report(): ArchitectureReport | undefined {
    return this.current;
  }

  get isRunning(): boolean {
    return this.run !== undefined;
  }

  private fire(event: SessionEvent): void {
    if (event.kind === 'report') this.current = event.report;
    // Merge live timings into the current report so that every view (tree, hovers, status bar,
    // exports, a panel that reloads) reads one up-to-date report.
    if (event.kind === 'timings' && this.current) mergeTimings(this.current, event);
    if (event.kind === 'status') this.lastStatus = event;
    this.emitter.fire(event);
  }

  /** The job the settings describe (built-in Xception; a model file job replaces `model`). */
  job(): ProfileJob & { model: XceptionSource } {
    const c = this.config;
    const searchPaths = [
      ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      ...(c.nativeEnginePath ? [c.nativeEnginePath] : []),
      this.globalStorageUri.fsPath,
    ];
    return {
      model: { kind: 'xception', inputSize: c.inputSize, includeTop: true, classes: 1000 },
      engine: c.engine,
      searchPaths,
      threads: c.wasmThreads > 0 ? c.wasmThreads : undefined,
      warmupRuns: c.warmupRuns,
      runs: c.timedRuns,
      batchSize: c.batchSize,
      timing: true,
      wasmDir: path.join(this.extensionUri.fsPath, 'dist'),
      live: c.liveEnabled ? { intervalMs: c.liveIntervalMs, maxRuns: c.liveMaxRuns > 0 ? c.liveMaxRuns : undefined } : undefined,
    };
  }

  /**
   * Profiles in a worker process, streaming the static report, each pass and then (live mode)
   * the background passes to the views.
   * @param onProgress progress text and fraction (0..1) for a notification.
   * @returns the report with timings, as soon as it is in (live mode goes on after it); rejects
   *   with `AbortError` when cancelled, or with the worker's error or how it died.
   */
  async profile(job: ProfileJob, onProgress: (message: string, fraction?: number) => void, token?: vscode.CancellationToken): Promise<ArchitectureReport> {
    this.cancel();
    const what = job.model.kind === 'file' ? job.model.path : `Xception ${job.model.inputSize}x${job.model.inputSize}`;
    this.output.appendLine(`[${new Date().toISOString()}] profiling ${what}, engine ${job.engine}${job.live ? `, live every ${job.live.intervalMs} ms` : ''}`);
    this.fire({ kind: 'status', state: 'running', message: 'starting the profiling process' });
    const workerPath = path.join(this.extensionUri.fsPath, 'dist', 'worker.js');
    const run = new ProfilingRun(job, workerPath, this.config.liveWindow, {
      onProgress: (message, fraction) => {
        onProgress(message, fraction);
        this.fire({ kind: 'status', state: 'running', message });
      },
      onReport: (report) => this.fire({ kind: 'report', report }),
      onTimings: (layers, timing, runs) => this.fire({ kind: 'timings', layers, timing, run: runs }),
      onLive: (state, runs) => this.fire({ kind: 'status', state: state === 'stopped' ? 'done' : 'running', message: `live profiling ${state} after ${runs} runs` }),
      onLog: (line) => this.output.appendLine(line),
    });
    this.run = run;
    token?.onCancellationRequested(() => run.cancel());
    void run.exited.then(({ code, signal }) => this.onRunExited(run, code, signal));
    try {
      const report = await run.result;
      const t = report.timing;
      // No times here: live runs update them, and the diagram shows the whole-pass line.
      this.fire({ kind: 'status', state: 'done', message: t ? `profiled on ${report.engine?.name ?? 'the engine'}` : 'analysed' });
      return report;
    } catch (error) {
      const e = error as Error;
      const cancelled = e.name === 'AbortError';
      this.output.appendLine(cancelled ? 'cancelled' : `failed: ${e.message}`);
      this.fire({ kind: 'status', state: cancelled ? 'cancelled' : 'error', message: cancelled ? 'profiling cancelled' : e.message });
      throw error;
    }
  }

  /** Logs the end of a run; a worker that dies during live mode is reported, not silently lost. */
  private onRunExited(run: ProfilingRun, code: number | null, signal: NodeJS.Signals | null): void {
    this.output.appendLine(`profiling process ended (${signal ?? `code ${code}`}); event loop blocked at most ${run.worstEventLoopDelayMs.toFixed(1)} ms during the run`);
    if (this.run !== run) return;
    this.run = undefined;
    if (run.live && run.live !== 'stopped' && (signal || code)) {
      this.fire({ kind: 'status', state: 'error', message: `the profiling process ${signal ? `was killed (${signal})` : `exited with code ${code}`} during live profiling; run "Profile Xception" to start again` });
    }
  }

  /** The run in progress or in live mode, if any. */
  get currentRun(): ProfilingRun | undefined {
    return this.run;
  }

  /** Pauses, resumes or stops live profiling (no-op without a live run). */
  controlLive(action: LiveAction): void {
    this.run?.control(action);
  }

  /** Called by the panel: live profiling pauses while it is hidden. */
  setPanelVisible(visible: boolean): void {
    this.run?.setPanelVisible(visible);
  }

  /** Stops the run in progress, if any (kills the worker). */
  cancel(): void {
    this.run?.cancel();
    this.run = undefined;
  }

  dispose(): void {
    this.cancel();
    this.emitter.dispose();
    this.output.dispose();
  }
}
