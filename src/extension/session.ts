/**
 * The extension's state: the latest report, the profiling run in progress, the session's state
 * machine (profilingState.ts) and change events for the views. One instance per window, created
 * in `activate`. The last report is kept in the workspace's storage (reportStore.ts), so that a
 * reload or restart shows it again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { mergeTimings } from '../profiler/attach';
import { isMetricId, type MetricId } from '../report/messages';
import type { ArchitectureReport, LayerTiming, PassTiming } from '../report/schema';
import type { LiveAction, ProfileJob, XceptionSource } from '../worker/protocol';
import { ProfilingRun } from '../worker/profilingRun';
import { Config } from './config';
import {
  ACTION_PROFILE,
  ACTION_RESUME,
  ACTION_SHOW_LOG,
  IDLE,
  contextKeys,
  isWorking,
  nextState,
  noticeFor,
  pauseAction,
  resumeAction,
  type ProfilingEvent,
  type ProfilingState,
} from './profilingState';
import { FirstPictureTimeline } from './firstPicture';
import { ReportStore, type StoredReport } from './reportStore';
import { cacheStaticReport, staticXceptionReport } from './staticReport';

/** What changed, for views that update in place. */
export type SessionEvent =
  | { kind: 'report'; report: ArchitectureReport }
  | { kind: 'timings'; layers: Record<string, LayerTiming>; timing?: PassTiming; run: number }
  | { kind: 'state'; state: ProfilingState };

/** What a profile call reports while it runs (a progress notification). */
export type ProgressSink = (message: string, fraction?: number) => void;

/** "Xception 299x299", or a model file's path relative to the workspace. */
export function jobSubject(job: ProfileJob): string {
  if (job.model.kind === 'xception') return `Xception ${job.model.inputSize}x${job.model.inputSize}`;
  return vscode.workspace.asRelativePath?.(job.model.path, false) ?? job.model.path;
}

export class Session implements vscode.Disposable {
  readonly config = new Config();
  readonly output: vscode.OutputChannel;
  private readonly emitter = new vscode.EventEmitter<SessionEvent>();
  /** Fires on every report, timing update and state change. */
  readonly onDidChange = this.emitter.event;
  private current: ArchitectureReport | undefined;
  private run: ProfilingRun | undefined;
  /** Counts `profile` calls that wait before forking: a wait that is no longer the latest forks nothing. */
  private starts = 0;
  private job_: ProfileJob | undefined;
  private progressSink: ProgressSink | undefined;
  private state_: ProfilingState = IDLE;
  private readonly store: ReportStore;
  /** From a command that opens the diagram to its first painted picture (logged). */
  readonly firstPicture = new FirstPictureTimeline(Date.now());

  readonly extensionUri: vscode.Uri;
  readonly globalStorageUri: vscode.Uri;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.extensionUri = context.extensionUri;
    this.globalStorageUri = context.globalStorageUri;
    this.output = vscode.window.createOutputChannel('Xception Profiler');
    this.store = new ReportStore(context.workspaceState);
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

  /** The session's state (one state machine: profilingState.ts). */
  get state(): ProfilingState {
    return this.state_;
  }

  /** The last job started (or restored with its report), for Profile Again and Resume. */
  get lastJob(): ProfileJob | undefined {
    return this.job_;
  }

  /** The run in progress or in live mode, if any. */
  get currentRun(): ProfilingRun | undefined {
    return this.run;
  }

  /**
   * Applies an event to the state machine, tells the views, sets the `when`-clause context keys,
   * shows the notification the transition calls for and keeps the stored report's flags.
   */
  dispatch(event: ProfilingEvent, options: { quiet?: boolean } = {}): ProfilingState {
    const before = this.state_;
    const after = nextState(before, event);
    const notice = options.quiet ? undefined : noticeFor(before, event, after);
    if (after !== before) {
      this.state_ = after;
      this.emitter.fire({ kind: 'state', state: after });
      this.setContext();
      if (after.phase !== before.phase) this.persist(after.phase === 'live-running' || after.phase === 'live-paused');
    }
    if (notice) this.notify(notice.level, notice.text, notice.actions);
    return after;
  }

  private setContext(): void {
    for (const [key, value] of Object.entries(contextKeys(this.state_, this.current !== undefined))) {
      void vscode.commands.executeCommand('setContext', key, value);
    }
  }

  private notify(level: 'info' | 'warning' | 'error', text: string, actions: string[]): void {
    const show = level === 'error' ? vscode.window.showErrorMessage : level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void Promise.resolve(show(`Xception Profiler: ${text}`, ...actions)).then((choice) => {
      if (choice === ACTION_SHOW_LOG) this.output.show();
      else if (choice === ACTION_PROFILE) void this.profileAgain();
      else if (choice === ACTION_RESUME) void vscode.commands.executeCommand('xceptionProfiler.resumeLive');
    });
  }

  private fire(event: SessionEvent): void {
    if (event.kind === 'report') this.current = event.report;
    // Merge live timings into the current report so that every view (tree, hovers, status bar,
    // exports, a panel that reloads) reads one up-to-date report.
    if (event.kind === 'timings' && this.current) mergeTimings(this.current, event);
    this.emitter.fire(event);
  }

  /**
   * Shows the report restored from the workspace's storage, if any (called once the views exist).
   * Live profiling that the reload ended is said so, with a Resume action.
   */
  restore(): void {
    const stored = this.store.load();
    if (!stored) return;
    this.current = stored.report;
    this.job_ = stored.job;
    this.fire({ kind: 'report', report: stored.report });
    this.dispatch({ type: 'restored', savedAt: stored.savedAt, engine: stored.report.engine?.name, liveEndedByReload: stored.liveActive });
    // Said once: the next reload restores a report whose live profiling had already ended.
    this.store.markLiveEnded();
  }

  /** Saves the current report (throttled while live: see ReportStore). */
  private persist(liveActive: boolean, throttled = false): void {
    // A restored report is already stored, with its own time.
    if (!this.current || !this.job_ || this.state_.restored) return;
    const record: StoredReport = { report: this.current, job: this.job_, savedAt: new Date().toISOString(), liveActive };
    if (throttled) this.store.saveSoon(record);
    else this.store.save(record);
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
      roofCacheDir: this.globalStorageUri.fsPath,
      live: c.liveEnabled ? { intervalMs: c.liveIntervalMs, maxRuns: c.liveMaxRuns > 0 ? c.liveMaxRuns : undefined } : undefined,
    };
  }

  /**
   * Starts profiling `job` in a worker process, streaming the static report, each pass and then
   * (live mode) the background passes to the views. The state moves to `building` before this
   * returns (a second command sees it at once). Does nothing while a run works: the caller asks
   * the user first (`startConflict`) and cancels.
   * @param beforeWorker called once the session has its first picture (Xception's precomputed
   *   static report) and before the worker is forked: the caller shows the panel then, so that the
   *   webview starts loading before the worker's start-up competes for the CPU. When it returns a
   *   promise (the new panel's first paint), the worker is forked once it settles, unless the run
   *   was cancelled or restarted meanwhile.
   * @returns the report with timings, as soon as it is in (live mode goes on after it); undefined
   *   when the run was cancelled or failed (the state machine has said so), or when a run works.
   */
  profile(job: ProfileJob, onProgress?: ProgressSink, beforeWorker?: () => Promise<void> | undefined): Promise<ArchitectureReport | undefined> {
    if (isWorking(this.state_)) return Promise.resolve(undefined);
    const subject = jobSubject(job);
    this.output.appendLine(`[${new Date().toISOString()}] profiling ${job.model.kind === 'file' ? job.model.path : subject}, engine ${job.engine}${job.live ? `, live every ${job.live.intervalMs} ms` : ''}`);
    this.job_ = job;
    this.progressSink = onProgress;
    this.dispatch({ type: 'start', subject, live: job.live !== undefined, timing: job.timing });
    // The first picture: Xception's static report, precomputed at build time, before any engine loads.
    const xception = job.model.kind === 'xception' ? job.model : undefined;
    const precomputed = xception && staticXceptionReport(this.extensionUri.fsPath, xception, this.staticCacheDir());
    if (precomputed) {
      this.fire({ kind: 'report', report: precomputed });
      this.dispatch({ type: 'progress', stage: 'building', message: 'static analysis shown; loading the engine' });
      this.firstPicture.mark('static report read');
    }
    const wait = beforeWorker?.();
    // Without a first picture in hand (a model file), the worker brings it: fork at once.
    if (!wait || !precomputed) return this.startRun(job, xception, precomputed);
    const start = ++this.starts;
    // Still this run's turn (no cancel, no restart while the panel painted)?
    return wait.then(() => (start === this.starts && this.state_.phase === 'building' ? this.startRun(job, xception, precomputed) : undefined));
  }

  /** Forks the worker for `job` and relays what it sends (the second half of `profile`). */
  private startRun(job: ProfileJob, xception: XceptionSource | undefined, precomputed: ArchitectureReport | undefined): Promise<ArchitectureReport | undefined> {
    const workerPath = path.join(this.extensionUri.fsPath, 'dist', 'worker.js');
    const run = new ProfilingRun(job, workerPath, this.config.liveWindow, {
      onProgress: (message, fraction, stage) => {
        this.progressSink?.(message, fraction);
        this.dispatch({ type: 'progress', message, stage });
      },
      onEngine: (name) => this.dispatch({ type: 'engine', name }),
      onReport: (report, final) => {
        if (xception && !precomputed && !final) cacheStaticReport(this.staticCacheDir(), xception, report);
        this.fire({ kind: 'report', report });
        this.dispatch({ type: final ? 'result' : 'analysis' });
      },
      onTimings: (layers, timing) => {
        const s = this.dispatch({ type: 'pass' });
        this.fire({ kind: 'timings', layers, timing, run: s.passes });
        if (s.phase === 'live-running') this.persist(true, true);
      },
      onLive: (state, _runs, unsupported) => this.dispatch({ type: 'live', state, unsupported }),
      onLog: (line) => this.output.appendLine(line),
    });
    this.run = run;
    this.firstPicture.mark('worker forked');
    // A worker that dies after its result is lost here; before it, the result's rejection says how.
    let gotResult = false;
    void run.result.then(() => (gotResult = true), () => undefined).then(() => run.exited).then(({ code, signal }) => this.onRunExited(run, code, signal, gotResult));
    return run.result.then(
      (report) => report,
      async (error: Error) => {
        if (error.name === 'AbortError') return undefined;
        this.output.appendLine(`failed: ${error.message}`);
        // Killed before its result: a lost worker, told as in every other phase.
        const { signal } = await run.exited;
        if (this.run === run) {
          this.run = undefined;
          this.progressSink = undefined;
          this.dispatch(signal ? { type: 'workerLost', how: `was killed (${signal})` } : { type: 'failed', message: error.message });
        }
        return undefined;
      },
    );
  }

  /** Cache of static reports in global storage, per extension version (the analysis may change). */
  private staticCacheDir(): string {
    let version = 'dev';
    try {
      version = (JSON.parse(fs.readFileSync(path.join(this.extensionUri.fsPath, 'package.json'), 'utf8')) as { version?: string }).version ?? version;
    } catch {
      // no manifest (tests): one shared folder
    }
    return path.join(this.globalStorageUri.fsPath, `static-reports-${version}`);
  }

  /** Runs the last job again (the Profile Again action of a failure, Resume after a reload). */
  async profileAgain(): Promise<void> {
    await vscode.commands.executeCommand(this.job_?.model.kind === 'file' ? 'xceptionProfiler.analyzeModelFile' : 'xceptionProfiler.profile', this.job_?.model.kind === 'file' ? vscode.Uri.file(this.job_.model.path) : undefined);
  }

  /** Logs the end of a run; a worker that ends unasked (crash, kill) is reported as lost. */
  private onRunExited(run: ProfilingRun, code: number | null, signal: NodeJS.Signals | null, gotResult: boolean): void {
    this.output.appendLine(`profiling process ended (${signal ?? `code ${code}`}); event loop blocked at most ${run.worstEventLoopDelayMs.toFixed(1)} ms during the run`);
    // Before its result, the result's rejection ends the run (it knows the worker's own error).
    if (this.run !== run || !gotResult) return;
    this.run = undefined;
    this.progressSink = undefined;
    if (isWorking(this.state_)) this.dispatch({ type: 'workerLost', how: signal ? `was killed (${signal})` : `exited with code ${code}` });
  }

  /** Pause Live Profiling: pauses a running live profiling; otherwise says why nothing happens. */
  pauseLive(): void {
    const a = pauseAction(this.state_);
    if (a.kind === 'pause') this.run?.control('pause');
    else this.notify('info', a.reason, []);
  }

  /** Resume Live Profiling: resumes, restarts live profiling a reload ended, or says why not. */
  resumeLive(): void {
    const a = resumeAction(this.state_);
    if (a.kind === 'resume') this.run?.control('resume');
    else if (a.kind === 'restart') void this.profileAgain();
    else this.notify('info', a.reason, []);
  }

  /** Stop Live Profiling: ends live profiling and keeps the report (a no-op when not live). */
  stopLive(): void {
    if (this.state_.phase === 'live-running' || this.state_.phase === 'live-paused') this.run?.control('stop');
    else this.notify('info', `Nothing to stop: live profiling is not running (${this.state_.phase.replace('-', ' ')}).`, []);
  }

  /** Sends a live switch without feedback (closing the panel stops live profiling). */
  controlLive(action: LiveAction): void {
    this.run?.control(action);
  }

  /** Called by the panel: live profiling pauses while it is hidden. */
  setPanelVisible(visible: boolean): void {
    this.run?.setPanelVisible(visible);
  }

  /**
   * Cancel Profiling: kills the worker in any working state (live-paused included) and says so;
   * says "nothing to cancel" otherwise. `quiet` skips the notification (a restart the user chose).
   */
  cancel(options: { quiet?: boolean } = {}): void {
    const run = this.run;
    this.run = undefined;
    this.progressSink = undefined;
    run?.cancel();
    this.dispatch({ type: 'cancel' }, options);
  }

  dispose(): void {
    // A window closing or reloading: live profiling ends with it; the stored record says so.
    this.store.flush();
    this.starts++; // a run still waiting for the panel's first paint forks nothing
    this.run?.cancel();
    this.run = undefined;
    this.emitter.dispose();
    this.output.dispose();
  }
}
