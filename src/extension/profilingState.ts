/**
 * The one state machine of a profiling session, and how every view says it.
 *
 * The session (session.ts) feeds it events (the command, worker messages, cancel, the worker's
 * exit, a report restored after a reload); the panel's status line, the status-bar item, the
 * Architecture view's description, the notifications and the commands' `when` clauses all render
 * the resulting `ProfilingState` through the functions below, so they cannot disagree.
 *
 * Phases: idle -> building (engine, model) -> analysing (static analysis) -> timing (warm-up and
 * timed passes) -> live-running <-> live-paused (background passes after the result) -> done;
 * any working phase can end in cancelled (the user) or failed (an error, or the worker died).
 *
 * One count: `passes` is the number of profiled passes measured in this run (timed passes, then
 * live passes), labelled "N passes measured" everywhere.
 *
 * Free of the `vscode` module: unit-tested directly (test/extension/profilingState.test.ts).
 */
import type { SessionState } from '../report/messages';

export type Phase = SessionState;

/** What a session is doing, and what the views need to say about it. */
export interface ProfilingState {
  phase: Phase;
  /** What is profiled: "Xception 299x299" or a model file's workspace-relative path; '' when idle. */
  subject: string;
  /** Last progress text of the worker ("timed run 3/10", "loading engine (auto)"). */
  detail: string;
  /** Profiled passes measured so far in this run: timed, then live. The only count shown. */
  passes: number;
  /** Live profiling follows the timed passes in this run. */
  live: boolean;
  /** The job times the model (false: static analysis only). */
  timing: boolean;
  /** Engine name once the worker loaded one (`wasm`, `tensorflow`, ...). */
  engine?: string;
  /** Why the run failed (phase `failed`). */
  error?: string;
  /** The phase a cancel or failure interrupted (to say "cancelled while live-paused"). */
  interrupted?: Phase;
  /** The report shown was restored from workspace storage after a reload. */
  restored?: { savedAt: string; engine?: string; liveEndedByReload: boolean };
}

/** What happens to a session. */
export type ProfilingEvent =
  | { type: 'start'; subject: string; live: boolean; timing: boolean }
  | { type: 'progress'; message: string; stage?: 'building' | 'analysing' | 'timing' }
  | { type: 'engine'; name: string }
  /** The static report arrived (shapes, params, MACs; no timings yet). */
  | { type: 'analysis' }
  /** One profiled pass was measured (timed or live). */
  | { type: 'pass' }
  /** The report with timings arrived. */
  | { type: 'result' }
  /** `unsupported`: the model has no live profiling (a graph model, an ONNX file), so it never went live. */
  | { type: 'live'; state: 'running' | 'paused' | 'stopped'; unsupported?: boolean }
  | { type: 'cancel' }
  | { type: 'failed'; message: string }
  /** The worker process ended without being asked to (crash, kill -9, out of memory). */
  | { type: 'workerLost'; how: string }
  | { type: 'restored'; savedAt: string; engine?: string; liveEndedByReload: boolean };

export const IDLE: ProfilingState = { phase: 'idle', subject: '', detail: '', passes: 0, live: false, timing: false };

/** Phases in which a worker process runs (or waits paused): cancel has something to end. */
const WORKING: ReadonlySet<Phase> = new Set<Phase>(['building', 'analysing', 'timing', 'live-running', 'live-paused']);

/** True while a worker process exists for the session (including live-paused). */
export function isWorking(s: ProfilingState): boolean {
  return WORKING.has(s.phase);
}

/** True while the worker computes (the spinner turns): not when idle, paused or finished. */
export function isBusy(s: ProfilingState): boolean {
  return s.phase === 'building' || s.phase === 'analysing' || s.phase === 'timing' || s.phase === 'live-running';
}

/** True before the report with timings is in (a cancel then loses the timings). */
function beforeResult(p: Phase): boolean {
  return p === 'building' || p === 'analysing' || p === 'timing';
}

/**
 * The state after `event`. Events that do not apply to the current phase (a late worker message
 * after a cancel, a pass while idle, a start while working) leave the state unchanged: a start
 * while working must be decided by the user first (see `startConflict`).
 */
export function nextState(s: ProfilingState, event: ProfilingEvent): ProfilingState {
  switch (event.type) {
    case 'start':
      if (isWorking(s)) return s;
      return { phase: 'building', subject: event.subject, detail: 'starting the profiling process', passes: 0, live: event.live, timing: event.timing };
    case 'progress':
      if (!beforeResult(s.phase)) return s;
      return { ...s, phase: event.stage ?? s.phase, detail: event.message };
    case 'engine':
      return isWorking(s) ? { ...s, engine: event.name } : s;
    case 'analysis':
      if (!beforeResult(s.phase)) return s;
      return { ...s, phase: s.timing ? 'timing' : s.phase, detail: s.timing ? 'static analysis shown; timing' : 'static analysis shown' };
    case 'pass':
      return s.phase === 'timing' || s.phase === 'live-running' || s.phase === 'live-paused' ? { ...s, passes: s.passes + 1 } : s;
    case 'result':
      if (!beforeResult(s.phase)) return s;
      return { ...s, phase: s.timing && s.live ? 'live-running' : 'done', detail: '' };
    case 'live':
      if (s.phase !== 'live-running' && s.phase !== 'live-paused') return s;
      if (event.state === 'stopped') return { ...s, phase: 'done', detail: event.unsupported ? 'timed once: live profiling is for layers models only' : 'live profiling stopped' };
      return { ...s, phase: event.state === 'paused' ? 'live-paused' : 'live-running' };
    case 'cancel':
      return isWorking(s) ? { ...s, phase: 'cancelled', interrupted: s.phase, detail: '' } : s;
    case 'failed':
      return isWorking(s) ? { ...s, phase: 'failed', interrupted: s.phase, error: event.message, detail: '' } : s;
    case 'workerLost':
      return isWorking(s) ? { ...s, phase: 'failed', interrupted: s.phase, error: `the profiling process ${event.how} ${phaseWhile(s.phase)}`, detail: '' } : s;
    case 'restored':
      if (isWorking(s)) return s;
      return { ...IDLE, phase: 'done', subject: s.subject, engine: event.engine, restored: { savedAt: event.savedAt, engine: event.engine, liveEndedByReload: event.liveEndedByReload } };
  }
}

/** "during live profiling", "while building", for messages. */
function phaseWhile(p: Phase): string {
  switch (p) {
    case 'live-running':
      return 'during live profiling';
    case 'live-paused':
      return 'while live profiling was paused';
    case 'timing':
      return 'while timing';
    case 'analysing':
      return 'while analysing';
    default:
      return 'while building the model';
  }
}

/** "1 pass measured", "33 passes measured". */
export function passesLabel(n: number): string {
  return `${n} pass${n === 1 ? '' : 'es'} measured`;
}

/** "report of 2026-11-30 16:40 on wasm" for a restored report. */
function restoredLabel(r: NonNullable<ProfilingState['restored']>): string {
  const when = r.savedAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  return `report of ${when}${r.engine ? ` on ${r.engine}` : ''}, restored`;
}

/**
 * The one-line status every view shows (the panel's status line, the status bar's tooltip, the
 * Architecture view's message): phase, subject, progress and the pass count.
 */
export function statusLine(s: ProfilingState): string {
  const what = s.subject ? ` ${s.subject}` : '';
  const count = s.passes > 0 ? ` \u00b7 ${passesLabel(s.passes)}` : '';
  switch (s.phase) {
    case 'idle':
      return 'Nothing profiled yet';
    case 'building':
      return `Building${what}: ${s.detail}`;
    case 'analysing':
      return `Analysing${what}: ${s.detail}`;
    case 'timing':
      return `Timing${what}${s.engine ? ` on ${s.engine}` : ''}: ${s.detail}${count}`;
    case 'live-running':
      return `Live profiling${what}${s.engine ? ` on ${s.engine}` : ''}${count}`;
    case 'live-paused':
      return `Live profiling paused${what}${count} (Resume Live Profiling continues)`;
    case 'done':
      if (s.restored) return `${s.restored.liveEndedByReload ? 'Live profiling ended with the window reload' : 'Done'}: ${restoredLabel(s.restored)}`;
      if (!s.timing) return `Analysed${what}`;
      return `Done${what}${s.engine ? ` on ${s.engine}` : ''}${count}${s.detail ? ` (${s.detail})` : ''}`;
    case 'cancelled':
      return s.interrupted && !beforeResult(s.interrupted)
        ? `Live profiling cancelled${what}${count}; the report keeps their timings`
        : `Cancelled${what} before timing finished`;
    case 'failed':
      return `Failed${what}: ${s.error ?? 'unknown error'}`;
  }
}

/** Short text for the Architecture view's description (beside its title). */
export function viewDescription(s: ProfilingState): string {
  switch (s.phase) {
    case 'idle':
      return '';
    case 'building':
      return 'building\u2026';
    case 'analysing':
      return 'analysing\u2026';
    case 'timing':
      return `timing\u2026${s.passes > 0 ? ` ${passesLabel(s.passes)}` : ''}`;
    case 'live-running':
      return `live \u00b7 ${passesLabel(s.passes)}`;
    case 'live-paused':
      return `live paused \u00b7 ${passesLabel(s.passes)}`;
    case 'done':
      return s.restored ? 'restored report' : s.passes > 0 ? passesLabel(s.passes) : '';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return 'failed';
  }
}

/** Codicon of the status-bar item: a spinner only while the worker computes. */
export function statusBarIcon(s: ProfilingState): string {
  if (isBusy(s)) return 'loading~spin';
  if (s.phase === 'live-paused') return 'debug-pause';
  if (s.phase === 'failed') return 'error';
  return 'pulse';
}

/** Context keys for the commands' `when` clauses (set with `setContext`). */
export function contextKeys(s: ProfilingState, hasReport: boolean): Record<string, unknown> {
  return {
    'xceptionProfiler.phase': s.phase,
    'xceptionProfiler.working': isWorking(s),
    'xceptionProfiler.hasReport': hasReport,
    'xceptionProfiler.canResume': s.phase === 'live-paused' || (s.restored?.liveEndedByReload ?? false),
  };
}

/** A notification to show. `actions` are command titles the user can pick. */
export interface Notice {
  level: 'info' | 'warning' | 'error';
  text: string;
  actions: string[];
}

export const ACTION_PROFILE = 'Profile Again';
export const ACTION_SHOW_LOG = 'Show Log';
export const ACTION_RESUME = 'Resume Live Profiling';

/**
 * The notification a transition calls for, or undefined. The same text as the status line, so
 * a lost worker reads the same in the notification, the panel and the status bar.
 */
export function noticeFor(before: ProfilingState, event: ProfilingEvent, after: ProfilingState): Notice | undefined {
  switch (event.type) {
    case 'cancel':
      if (!isWorking(before)) return { level: 'info', text: `Nothing to cancel: no profiling is running (${phaseName(before.phase)}).`, actions: [] };
      return { level: 'info', text: `${statusLine(after)}.`, actions: [] };
    case 'failed':
    case 'workerLost':
      return after.phase === 'failed' && before.phase !== 'failed' ? { level: 'error', text: `${statusLine(after)}.`, actions: [ACTION_PROFILE, ACTION_SHOW_LOG] } : undefined;
    case 'restored':
      return after.restored?.liveEndedByReload ? { level: 'info', text: `${statusLine(after)}.`, actions: [ACTION_RESUME] } : undefined;
    default:
      return undefined;
  }
}

/** "live profiling paused", "done", for messages. */
export function phaseName(p: Phase): string {
  return p.replace('-', ' ');
}

/**
 * What "Resume Live Profiling" does in a state: resume the paused worker, restart profiling
 * (live profiling a reload ended: the worker is gone), or nothing, with the reason to say.
 */
export function resumeAction(s: ProfilingState): { kind: 'resume' } | { kind: 'restart' } | { kind: 'none'; reason: string } {
  if (s.phase === 'live-paused') return { kind: 'resume' };
  if (s.phase === 'done' && s.restored?.liveEndedByReload) return { kind: 'restart' };
  if (s.phase === 'live-running') return { kind: 'none', reason: 'Nothing to resume: live profiling is already running.' };
  return { kind: 'none', reason: `Nothing to resume: live profiling is not paused (${phaseName(s.phase)}). Profile Xception starts a new run.` };
}

/** What "Pause Live Profiling" does: pause, or nothing with the reason. */
export function pauseAction(s: ProfilingState): { kind: 'pause' } | { kind: 'none'; reason: string } {
  if (s.phase === 'live-running') return { kind: 'pause' };
  return { kind: 'none', reason: `Nothing to pause: live profiling is not running (${phaseName(s.phase)}).` };
}

export const CHOICE_KEEP = 'Keep Current Run';
export const CHOICE_RESTART = 'Restart';

/**
 * The question a second "Profile Xception" (or a sweep, Compare Engines, an ONNX export) asks
 * while a run works, or undefined when nothing runs. `action` says what the new job does, after
 * "cancel it and": `restart profiling Xception 299x299`, `run the batch-size sweep 1, 2 on ...`.
 * Never a silent cancel: the answers are `CHOICE_KEEP` (also the default when dismissed) and
 * `CHOICE_RESTART`.
 */
export function startConflict(s: ProfilingState, action: string): string | undefined {
  if (!isWorking(s)) return undefined;
  return `${s.subject || 'A profiling run'} is ${phaseName(s.phase)}${s.passes > 0 ? ` (${passesLabel(s.passes)})` : ''}. Keep it, or cancel it and ${action}?`;
}
