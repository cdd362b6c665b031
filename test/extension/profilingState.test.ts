/**
 * The session's state machine (src/extension/profilingState.ts): every transition, and what each
 * view says in each state. The session wiring (worker, notifications, setContext) is tested in
 * session.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  IDLE,
  contextKeys,
  isBusy,
  isWorking,
  nextState,
  noticeFor,
  pauseAction,
  resumeAction,
  startConflict,
  statusBarIcon,
  statusLine,
  viewDescription,
  type Phase,
  type ProfilingEvent,
  type ProfilingState,
} from '../../src/extension/profilingState';
import { SESSION_STATES } from '../../src/report/messages';

const START: ProfilingEvent = { type: 'start', subject: 'Xception 71x71', live: true, timing: true };

/** Runs events from idle. */
function run(...events: ProfilingEvent[]): ProfilingState {
  return events.reduce(nextState, IDLE);
}

/** One state per phase, reached through the machine as a real run reaches it. */
const AT: Record<Phase, ProfilingState> = {
  idle: IDLE,
  building: run(START),
  analysing: run(START, { type: 'progress', stage: 'analysing', message: 'analysing the layers' }),
  timing: run(START, { type: 'engine', name: 'wasm' }, { type: 'analysis' }, { type: 'pass' }, { type: 'pass' }),
  'live-running': run(START, { type: 'engine', name: 'wasm' }, { type: 'analysis' }, { type: 'pass' }, { type: 'result' }, { type: 'live', state: 'running' }, { type: 'pass' }),
  'live-paused': run(START, { type: 'engine', name: 'wasm' }, { type: 'analysis' }, { type: 'pass' }, { type: 'result' }, { type: 'pass' }, { type: 'live', state: 'paused' }),
  done: run({ ...START, live: false }, { type: 'engine', name: 'wasm' }, { type: 'analysis' }, { type: 'pass' }, { type: 'result' }),
  cancelled: run(START, { type: 'cancel' }),
  failed: run(START, { type: 'failed', message: 'no engine loaded' }),
};

describe('profiling state machine: a run', () => {
  it('reaches every phase (the fixtures above are what they claim)', () => {
    for (const phase of SESSION_STATES) expect(AT[phase].phase, phase).toBe(phase);
  });

  it('start: idle -> building, with the subject, no passes; also from done, cancelled and failed', () => {
    for (const from of ['idle', 'done', 'cancelled', 'failed'] as Phase[]) {
      const s = nextState(AT[from], START);
      expect(s).toMatchObject({ phase: 'building', subject: 'Xception 71x71', passes: 0, live: true, timing: true });
      expect(s.error).toBeUndefined();
    }
  });

  it('start while working changes nothing (the user decides first: startConflict)', () => {
    for (const from of ['building', 'analysing', 'timing', 'live-running', 'live-paused'] as Phase[]) {
      expect(nextState(AT[from], START)).toBe(AT[from]);
      expect(startConflict(AT[from], 'restart profiling Xception 299x299')).toMatch(/^Xception 71x71 is .+\. Keep it, or cancel it and restart profiling Xception 299x299\?$/);
    }
    expect(startConflict(AT['live-running'], 'Xception 71x71')).toContain('live running (2 passes measured)');
    for (const from of ['idle', 'done', 'cancelled', 'failed'] as Phase[]) expect(startConflict(AT[from], 'x')).toBeUndefined();
  });

  it('progress follows the worker stage and is ignored once the result is in', () => {
    const s = nextState(AT.building, { type: 'progress', stage: 'timing', message: 'warm-up 1/2' });
    expect(s).toMatchObject({ phase: 'timing', detail: 'warm-up 1/2' });
    expect(nextState(AT.building, { type: 'progress', message: 'no stage' })).toMatchObject({ phase: 'building', detail: 'no stage' });
    for (const from of ['live-running', 'live-paused', 'done', 'cancelled', 'failed', 'idle'] as Phase[]) {
      expect(nextState(AT[from], { type: 'progress', stage: 'timing', message: 'late' })).toBe(AT[from]);
    }
  });

  it('analysis: building/analysing -> timing (or stays, without timing)', () => {
    expect(nextState(AT.building, { type: 'analysis' }).phase).toBe('timing');
    expect(nextState(AT.analysing, { type: 'analysis' }).phase).toBe('timing');
    const staticOnly = run({ ...START, timing: false, live: false });
    expect(nextState(staticOnly, { type: 'analysis' }).phase).toBe('building');
    expect(nextState(nextState(staticOnly, { type: 'analysis' }), { type: 'result' }).phase).toBe('done');
    expect(statusLine(nextState(nextState(staticOnly, { type: 'analysis' }), { type: 'result' }))).toBe('Analysed Xception 71x71');
  });

  it('pass counts one thing: passes measured, timed then live, and only while timing or live', () => {
    expect(AT.timing.passes).toBe(2);
    expect(AT['live-running'].passes).toBe(2);
    expect(nextState(AT['live-paused'], { type: 'pass' }).passes).toBe(3); // a pass in flight when paused
    for (const from of ['idle', 'building', 'done', 'cancelled', 'failed'] as Phase[]) expect(nextState(AT[from], { type: 'pass' })).toBe(AT[from]);
  });

  it('result: -> live-running with live profiling, else done', () => {
    expect(nextState(AT.timing, { type: 'result' }).phase).toBe('live-running');
    expect(nextState({ ...AT.timing, live: false }, { type: 'result' }).phase).toBe('done');
    expect(nextState(AT.cancelled, { type: 'result' })).toBe(AT.cancelled);
  });

  it('live: running <-> paused, stopped -> done; ignored outside live profiling', () => {
    expect(nextState(AT['live-running'], { type: 'live', state: 'paused' }).phase).toBe('live-paused');
    expect(nextState(AT['live-paused'], { type: 'live', state: 'running' }).phase).toBe('live-running');
    const stopped = nextState(AT['live-paused'], { type: 'live', state: 'stopped' });
    expect(stopped).toMatchObject({ phase: 'done', passes: 2 });
    expect(statusLine(stopped)).toBe('Done Xception 71x71 on wasm \u00b7 2 passes measured (live profiling stopped)');
    // A model with no live profiling (a graph model) never went live: its status does not say it stopped.
    const once = nextState({ ...AT['live-running'], subject: 'graph-model/model.json' }, { type: 'live', state: 'stopped', unsupported: true });
    expect(statusLine(once)).toBe('Done graph-model/model.json on wasm \u00b7 2 passes measured (timed once: live profiling is for layers models only)');
    expect(statusLine(once)).not.toContain('live profiling stopped');
    // A pause sent while timing (the panel hid) does not make the run look live.
    expect(nextState(AT.timing, { type: 'live', state: 'paused' })).toBe(AT.timing);
    expect(nextState(AT.cancelled, { type: 'live', state: 'running' })).toBe(AT.cancelled);
  });
});

describe('profiling state machine: cancel, failure, lost worker, restore', () => {
  it('cancel in every working state -> cancelled, remembering what it interrupted; feedback always', () => {
    for (const from of ['building', 'analysing', 'timing', 'live-running', 'live-paused'] as Phase[]) {
      const s = nextState(AT[from], { type: 'cancel' });
      expect(s).toMatchObject({ phase: 'cancelled', interrupted: from });
      expect(isBusy(s)).toBe(false);
      expect(statusBarIcon(s)).toBe('pulse');
      const notice = noticeFor(AT[from], { type: 'cancel' }, s);
      expect(notice?.level).toBe('info');
      expect(notice?.text).toBe(`${statusLine(s)}.`);
    }
    expect(statusLine(nextState(AT.timing, { type: 'cancel' }))).toBe('Cancelled Xception 71x71 before timing finished');
    expect(statusLine(nextState(AT['live-paused'], { type: 'cancel' }))).toBe('Live profiling cancelled Xception 71x71 \u00b7 2 passes measured; the report keeps their timings');
  });

  it('cancel with nothing running changes nothing and says so', () => {
    for (const from of ['idle', 'done', 'cancelled', 'failed'] as Phase[]) {
      expect(nextState(AT[from], { type: 'cancel' })).toBe(AT[from]);
      expect(noticeFor(AT[from], { type: 'cancel' }, AT[from])?.text).toMatch(/^Nothing to cancel: no profiling is running \(.+\)\.$/);
    }
  });

  it('a worker lost in any working state -> failed, with one error notice that is the status line', () => {
    const how = 'was killed (SIGKILL)';
    const expected: Record<string, string> = {
      building: 'while building the model',
      analysing: 'while analysing',
      timing: 'while timing',
      'live-running': 'during live profiling',
      'live-paused': 'while live profiling was paused',
    };
    for (const [from, when] of Object.entries(expected)) {
      const before = AT[from as Phase];
      const s = nextState(before, { type: 'workerLost', how });
      expect(s).toMatchObject({ phase: 'failed', error: `the profiling process was killed (SIGKILL) ${when}`, interrupted: from });
      expect(statusBarIcon(s)).toBe('error');
      const notice = noticeFor(before, { type: 'workerLost', how }, s)!;
      expect(notice).toEqual({ level: 'error', text: `${statusLine(s)}.`, actions: ['Profile Again', 'Show Log'] });
    }
    // After the run ended (a normal exit trailing 'done', a cancel's kill): nothing to report.
    for (const from of ['idle', 'done', 'cancelled', 'failed'] as Phase[]) {
      expect(nextState(AT[from], { type: 'workerLost', how })).toBe(AT[from]);
      expect(noticeFor(AT[from], { type: 'workerLost', how }, AT[from])).toBeUndefined();
    }
  });

  it('failed: a working state -> failed with the error; its notice offers Profile Again and Show Log', () => {
    expect(AT.failed).toMatchObject({ phase: 'failed', error: 'no engine loaded', interrupted: 'building' });
    expect(statusLine(AT.failed)).toBe('Failed Xception 71x71: no engine loaded');
    expect(noticeFor(AT.building, { type: 'failed', message: 'no engine loaded' }, AT.failed)?.actions).toEqual(['Profile Again', 'Show Log']);
    expect(nextState(AT.done, { type: 'failed', message: 'late' })).toBe(AT.done);
  });

  it('restored: a report kept across a reload, with its time and engine; live profiling a reload ended says so', () => {
    const plain = nextState(IDLE, { type: 'restored', savedAt: '2026-11-30T16:40:12.345Z', engine: 'wasm', liveEndedByReload: false });
    expect(plain.phase).toBe('done');
    expect(statusLine(plain)).toBe('Done: report of 2026-11-30 16:40 UTC on wasm, restored');
    expect(noticeFor(IDLE, { type: 'restored', savedAt: 'x', liveEndedByReload: false }, plain)).toBeUndefined();
    const ended = nextState(IDLE, { type: 'restored', savedAt: '2026-11-30T16:40:12.345Z', engine: 'wasm', liveEndedByReload: true });
    expect(statusLine(ended)).toBe('Live profiling ended with the window reload: report of 2026-11-30 16:40 UTC on wasm, restored');
    expect(noticeFor(IDLE, { type: 'restored', savedAt: 'x', liveEndedByReload: true }, ended)).toEqual({ level: 'info', text: `${statusLine(ended)}.`, actions: ['Resume Live Profiling'] });
    expect(viewDescription(ended)).toBe('restored report');
    expect(resumeAction(ended)).toEqual({ kind: 'restart' });
    expect(resumeAction(plain).kind).toBe('none');
    // Never over a run in progress.
    expect(nextState(AT.timing, { type: 'restored', savedAt: 'x', liveEndedByReload: true })).toBe(AT.timing);
  });
});

describe('profiling state machine: what the views show', () => {
  it('spinner only while the worker computes (not paused, not finished)', () => {
    const busy = SESSION_STATES.filter((p) => isBusy(AT[p]));
    expect(busy).toEqual(['building', 'analysing', 'timing', 'live-running']);
    expect(SESSION_STATES.filter((p) => statusBarIcon(AT[p]) === 'loading~spin')).toEqual(busy);
    expect(statusBarIcon(AT['live-paused'])).toBe('debug-pause');
    expect(SESSION_STATES.filter((p) => isWorking(AT[p]))).toEqual(['building', 'analysing', 'timing', 'live-running', 'live-paused']);
  });

  it('one count, one label: "N passes measured" in the status line and the view description', () => {
    expect(statusLine(AT.timing)).toBe('Timing Xception 71x71 on wasm: static analysis shown; timing \u00b7 2 passes measured');
    expect(statusLine(AT['live-running'])).toBe('Live profiling Xception 71x71 on wasm \u00b7 2 passes measured');
    expect(statusLine(AT['live-paused'])).toBe('Live profiling paused Xception 71x71 \u00b7 2 passes measured (Resume Live Profiling continues)');
    expect(viewDescription(AT['live-running'])).toBe('live \u00b7 2 passes measured');
    expect(viewDescription(AT['live-paused'])).toBe('live paused \u00b7 2 passes measured');
    expect(viewDescription(nextState(AT['live-running'], { type: 'pass' }))).toBe('live \u00b7 3 passes measured');
    expect(statusLine(nextState(AT.timing, { type: 'pass' }))).toContain('3 passes measured');
    for (const p of SESSION_STATES) expect(statusLine(AT[p])).not.toMatch(/\bruns?\b \d|after \d+ runs/);
  });

  it('context keys enable the commands: cancel while working, pause while live, resume when paused', () => {
    expect(contextKeys(AT['live-running'], true)).toEqual({ 'xceptionProfiler.phase': 'live-running', 'xceptionProfiler.working': true, 'xceptionProfiler.hasReport': true, 'xceptionProfiler.canResume': false });
    expect(contextKeys(AT['live-paused'], true)['xceptionProfiler.canResume']).toBe(true);
    expect(contextKeys(AT.done, false)).toMatchObject({ 'xceptionProfiler.working': false, 'xceptionProfiler.hasReport': false });
  });

  it('pause and resume say why when there is nothing to pause or resume', () => {
    expect(pauseAction(AT['live-running'])).toEqual({ kind: 'pause' });
    expect(resumeAction(AT['live-paused'])).toEqual({ kind: 'resume' });
    expect(resumeAction(AT['live-running'])).toEqual({ kind: 'none', reason: 'Nothing to resume: live profiling is already running.' });
    for (const p of ['idle', 'building', 'timing', 'done', 'cancelled', 'failed'] as Phase[]) {
      expect(resumeAction(AT[p])).toMatchObject({ kind: 'none', reason: expect.stringMatching(/^Nothing to resume: live profiling is not paused/) });
    }
    for (const p of ['idle', 'timing', 'live-paused', 'done', 'cancelled'] as Phase[]) {
      expect(pauseAction(AT[p])).toMatchObject({ kind: 'none', reason: expect.stringMatching(/^Nothing to pause/) });
    }
  });

  it('every phase has a status line, a description and an icon', () => {
    for (const p of SESSION_STATES) {
      expect(statusLine(AT[p]).length, p).toBeGreaterThan(5);
      expect(typeof viewDescription(AT[p])).toBe('string');
      expect(statusBarIcon(AT[p])).toMatch(/^[a-z~-]+$/);
    }
    expect(statusLine(IDLE)).toBe('Nothing profiled yet');
    expect(statusLine(AT.building)).toBe('Building Xception 71x71: starting the profiling process');
    expect(statusLine(AT.analysing)).toBe('Analysing Xception 71x71: analysing the layers');
  });
});
