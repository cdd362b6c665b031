/**
 * The extension's state: the latest report, the profiling run in progress, and change events for
 * the views. One instance per window, created in `activate`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isMetricId, type MetricId } from '../report/messages';
import { RollingTimings } from '../profiler/rolling';
import type { ArchitectureReport, LayerTiming, PassTiming } from '../report/schema';
import { startWorker } from '../worker/client';
import type { FromWorker, ProfileJob } from '../worker/protocol';
import { Config } from './config';

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
  private running: AbortController | undefined;
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
    return isMetricId(stored) ? stored : 'medianMs';
  }

  async setMetric(metric: MetricId): Promise<void> {
    await this.context.workspaceState.update('metric', metric);
  }

  /** The latest report (static analysis, with timings once measured). */
  get report(): ArchitectureReport | undefined {
    return this.current;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  private fire(event: SessionEvent): void {
    if (event.kind === 'report') this.current = event.report;
    if (event.kind === 'status') this.lastStatus = event;
    this.emitter.fire(event);
  }

  /** The job the settings describe. */
  job(): ProfileJob {
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
    };
  }

  /**
   * Profiles in a worker process, streaming the static report and each pass to the views.
   * @param onProgress progress text and fraction (0..1) for a notification.
   * @returns the final report; rejects with `AbortError` when cancelled, or the worker's error.
   */
  async profile(job: ProfileJob, onProgress: (message: string, fraction?: number) => void, token?: vscode.CancellationToken): Promise<ArchitectureReport> {
    this.cancel();
    const abort = new AbortController();
    this.running = abort;
    token?.onCancellationRequested(() => abort.abort());
    const rolling = new RollingTimings(job.runs);
    this.output.appendLine(`[${new Date().toISOString()}] profiling Xception ${job.model.inputSize}x${job.model.inputSize}, engine ${job.engine}`);
    this.fire({ kind: 'status', state: 'running', message: 'starting the profiling process' });
    const onMessage = (m: FromWorker): void => {
      switch (m.type) {
        case 'progress':
          onProgress(m.message, m.fraction);
          this.fire({ kind: 'status', state: 'running', message: m.message });
          break;
        case 'engine':
          this.output.appendLine(`engine: ${m.engine.name} - ${m.engine.why}`);
          for (const s of m.engine.skipped) this.output.appendLine(`  skipped ${s.name}: ${s.reason}`);
          break;
        case 'analysis':
        case 'result':
          this.fire({ kind: 'report', report: m.report });
          break;
        case 'pass':
          rolling.add(m.layerMs);
          this.fire({ kind: 'timings', layers: rolling.snapshot(), run: m.run });
          break;
        case 'error':
          this.output.appendLine(`error: ${m.name}: ${m.message}`);
          break;
      }
    };
    try {
      const workerPath = path.join(this.extensionUri.fsPath, 'dist', 'worker.js');
      const report = await startWorker(job, { workerPath, onMessage, signal: abort.signal }).result;
      const t = report.timing;
      this.fire({ kind: 'status', state: 'done', message: t ? `profiled: ${t.profiledMedianMs?.toFixed(0)} ms per pass on ${report.engine?.name}` : 'analysed' });
      return report;
    } catch (error) {
      const e = error as Error;
      const cancelled = e.name === 'AbortError';
      this.output.appendLine(cancelled ? 'cancelled' : `failed: ${e.message}`);
      this.fire({ kind: 'status', state: cancelled ? 'cancelled' : 'error', message: cancelled ? 'profiling cancelled' : e.message });
      throw error;
    } finally {
      if (this.running === abort) this.running = undefined;
    }
  }

  /** Stops the run in progress, if any (kills the worker). */
  cancel(): void {
    this.running?.abort();
    this.running = undefined;
  }

  dispose(): void {
    this.cancel();
    this.emitter.dispose();
    this.output.dispose();
  }
}
