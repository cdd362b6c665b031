/**
 * The session end to end in the extension host's terms, against the `vscode` stand-in and a
 * scripted worker process (test/extension/fake/worker.cjs, forked over the real IPC channel):
 * the command handlers, the state machine's transitions as the views see them, the notifications,
 * the `when`-clause context keys, and the report kept across a reload.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExtensionMode, stub, Uri, workspace } from '../vscode-stub';
import { WORKER_AFTER_PAINT_CAP_MS } from '../../src/extension/commands';
import { activate, type ExtensionApi } from '../../src/extension/main';
import { isWorking, type Phase } from '../../src/extension/profilingState';
import { STORE_KEY } from '../../src/extension/reportStore';
import { xceptionReport } from './fixtures';

let extensionDir: string;
let reportFile: string;

beforeAll(async () => {
  extensionDir = mkdtempSync(path.join(tmpdir(), 'xp-session-'));
  mkdirSync(path.join(extensionDir, 'dist'));
  copyFileSync(path.join(__dirname, 'fake', 'worker.cjs'), path.join(extensionDir, 'dist', 'worker.js'));
  reportFile = path.join(extensionDir, 'report.json');
  writeFileSync(reportFile, JSON.stringify(await xceptionReport(71)));
  process.env.XP_FAKE_REPORT = reportFile;
});

/** A workspace's storage that outlives one activation (a reload keeps it). */
function memento(state = new Map<string, unknown>()) {
  return { state, get: (k: string) => state.get(k), update: async (k: string, v: unknown) => void state.set(k, v), keys: () => [...state.keys()] };
}

const contexts: { subscriptions: { dispose(): unknown }[] }[] = [];

/** Activates the extension as VS Code would, with `storage` as its workspace state. */
function start(storage = memento()): { api: ExtensionApi; storage: ReturnType<typeof memento>; deactivate(): void } {
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: Uri.file(extensionDir),
    extensionPath: extensionDir,
    globalStorageUri: Uri.file(path.join(extensionDir, 'global')),
    extensionMode: ExtensionMode.Production,
    workspaceState: storage,
  };
  contexts.push(context);
  const api = activate(context as never);
  return { api, storage, deactivate: () => context.subscriptions.splice(0).forEach((d) => d.dispose()) };
}

/** Waits until the session reaches `phase` (5 s at most). */
async function reach(api: ExtensionApi, phase: Phase): Promise<void> {
  const deadline = Date.now() + 5000;
  while (api.session.state.phase !== phase) {
    if (Date.now() > deadline) throw new Error(`still ${api.session.state.phase}, never reached ${phase}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function until(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const run = (command: string, ...args: unknown[]) => stub.commands.get(command)!(...args);
const statusItem = () => stub.statusBarItems[0];
const archView = () => stub.treeViews.get('xceptionProfiler.architecture')!;

beforeEach(() => {
  stub.reset();
  stub.settings.set('xceptionProfiler.inputSize', 71);
  process.env.XP_FAKE_MODE = 'live';
});

afterEach(() => {
  for (const c of contexts.splice(0)) c.subscriptions.splice(0).forEach((d) => d.dispose());
  workspace.workspaceFolders = undefined;
});

describe('session: live profiling, pause, resume, cancel', () => {
  it('runs building -> timing -> live, one count everywhere, and views that agree', async () => {
    const { api } = start();
    void run('xceptionProfiler.profile');
    expect(api.session.state.phase).toBe('building');
    expect(statusItem().text).toMatch(/^\$\(loading~spin\)/);
    expect(stub.context.get('xceptionProfiler.working')).toBe(true);
    await reach(api, 'live-running');
    await until('3 live passes', () => api.session.state.passes >= 5);
    const s = api.session.state;
    expect(archView().description).toBe(`live \u00b7 ${s.passes} passes measured`);
    expect(archView().message).toMatch(new RegExp(`^Live profiling Xception 71x71 on wasm \u00b7 ${s.passes} passes measured$`));
    expect(statusItem().text).toMatch(/^\$\(loading~spin\) WASM x2/);
    expect(stub.context.get('xceptionProfiler.phase')).toBe('live-running');
    expect(stub.context.get('xceptionProfiler.hasReport')).toBe(true);
  });

  it('pause stops the spinner; cancel while paused ends live profiling, says so, and nothing spins', async () => {
    const { api } = start();
    void run('xceptionProfiler.profile');
    await reach(api, 'live-running');
    run('xceptionProfiler.pauseLive');
    await reach(api, 'live-paused');
    expect(statusItem().text).toMatch(/^\$\(debug-pause\) WASM x2/);
    expect(stub.context.get('xceptionProfiler.canResume')).toBe(true);
    const worker = api.session.currentRun!;
    run('xceptionProfiler.cancel');
    expect(api.session.state.phase).toBe('cancelled');
    expect(statusItem().text).toMatch(/^\$\(pulse\) WASM x2/);
    expect(stub.messages.at(-1)).toEqual({ level: 'info', text: expect.stringMatching(/^Xception Profiler: Live profiling cancelled Xception 71x71 · \d+ passes measured; the report keeps their timings\.$/) });
    expect(archView().message).toMatch(/^Live profiling cancelled/);
    const exit = await worker.exited;
    expect(exit.signal).toBe('SIGTERM');
    expect(stub.context.get('xceptionProfiler.working')).toBe(false);
    // Resume now has nothing to resume, and says so.
    run('xceptionProfiler.resumeLive');
    expect(stub.messages.at(-1)!.text).toBe('Xception Profiler: Nothing to resume: live profiling is not paused (cancelled). Profile Xception starts a new run.');
    // The report keeps the timings measured before the cancel.
    expect(api.session.report?.timing).toBeDefined();
  });

  it('cancel while live running gives feedback and ends the worker', async () => {
    const { api } = start();
    void run('xceptionProfiler.profile');
    await reach(api, 'live-running');
    const worker = api.session.currentRun!;
    run('xceptionProfiler.cancel');
    expect(stub.messages.at(-1)!.text).toMatch(/^Xception Profiler: Live profiling cancelled/);
    expect((await worker.exited).signal).toBe('SIGTERM');
    expect(api.session.state.phase).toBe('cancelled');
  });

  it('cancel while building or timing says the run was cancelled; cancel when idle says there is nothing to cancel', async () => {
    const { api } = start();
    run('xceptionProfiler.cancel');
    expect(stub.messages.at(-1)!.text).toBe('Xception Profiler: Nothing to cancel: no profiling is running (idle).');
    process.env.XP_FAKE_MODE = 'hang';
    void run('xceptionProfiler.profile');
    await until('the engine', () => api.session.state.engine === 'wasm');
    run('xceptionProfiler.cancel');
    expect(stub.messages.at(-1)!.text).toBe('Xception Profiler: Cancelled Xception 71x71 before timing finished.');
    process.env.XP_FAKE_MODE = 'timing';
    void run('xceptionProfiler.profile');
    await reach(api, 'timing');
    run('xceptionProfiler.cancel');
    expect(api.session.state).toMatchObject({ phase: 'cancelled', interrupted: 'timing' });
    expect(stub.messages.filter((m) => /profiling cancelled/i.test(m.text) || /Cancelled/.test(m.text))).toHaveLength(2);
  });

  it('stop while live keeps the report and ends in done', async () => {
    const { api } = start();
    void run('xceptionProfiler.profile');
    await reach(api, 'live-running');
    run('xceptionProfiler.stopLive');
    await reach(api, 'done');
    expect(archView().description).toMatch(/^\d+ passes measured$/);
    expect(statusItem().text).toMatch(/^\$\(pulse\)/);
  });
});

describe('session: a second "Profile Xception" while one runs', () => {
  it('asks; keeping (or dismissing) leaves the first run alone: a double click never cancels it', async () => {
    const { api } = start();
    process.env.XP_FAKE_MODE = 'timing';
    // Two clicks 0 ms apart.
    const first = run('xceptionProfiler.profile');
    const second = run('xceptionProfiler.profile');
    await second;
    const firstRun = api.session.currentRun;
    expect(stub.messages.filter((m) => m.level === 'warning')).toEqual([
      { level: 'warning', text: expect.stringMatching(/^Xception Profiler: Xception 71x71 is building\. Keep it, or cancel it and restart profiling Xception 71x71\?$/) },
    ]);
    expect(stub.messageActions.at(-1)).toEqual(['Keep Current Run', 'Restart']);
    await reach(api, 'timing');
    expect(api.session.currentRun).toBe(firstRun);
    expect(stub.messages.some((m) => /cancel/i.test(m.text) && m.level !== 'warning')).toBe(false);
    run('xceptionProfiler.cancel');
    await first;
  });

  it('a sweep asked for while a run works says it is a sweep (not "restart profiling"), and keeping leaves the run alone', async () => {
    const { api } = start();
    process.env.XP_FAKE_MODE = 'timing';
    const first = run('xceptionProfiler.profile');
    await reach(api, 'timing');
    const firstRun = api.session.currentRun;
    await run('xceptionProfiler.sweep', 'batch=1,2');
    expect(stub.messages.filter((m) => m.level === 'warning').map((m) => m.text)).toEqual([
      expect.stringMatching(/^Xception Profiler: Xception 71x71 is timing\. Keep it, or cancel it and run the batch-size sweep 1, 2 on Xception 71x71\?$/),
    ]);
    expect(api.session.currentRun).toBe(firstRun);
    run('xceptionProfiler.cancel');
    await first;
  });

  it('Restart cancels the first run without a "cancelled" notice and starts again', async () => {
    const { api } = start();
    process.env.XP_FAKE_MODE = 'timing';
    void run('xceptionProfiler.profile');
    await reach(api, 'timing');
    const firstRun = api.session.currentRun!;
    stub.messageAnswer = 'Restart';
    void run('xceptionProfiler.profile');
    await until('a new run', () => api.session.currentRun !== undefined && api.session.currentRun !== firstRun);
    expect((await firstRun.exited).signal).toBe('SIGTERM');
    expect(api.session.state.phase).not.toBe('cancelled');
    expect(isWorking(api.session.state)).toBe(true);
    expect(stub.messages.filter((m) => m.level === 'info')).toEqual([]);
    run('xceptionProfiler.cancel');
  });
});

describe('session: a worker lost, a failure', () => {
  for (const phase of ['building', 'timing', 'live-running', 'live-paused'] as const) {
    it(`a worker killed while ${phase}: failed, the same error in the notification, the panel line, the view and the status bar`, async () => {
      const { api } = start();
      process.env.XP_FAKE_MODE = phase === 'building' ? 'hang' : phase === 'timing' ? 'timing' : 'live';
      void run('xceptionProfiler.profile');
      if (phase === 'building') await until('the engine', () => api.session.state.engine === 'wasm');
      else await reach(api, phase === 'live-paused' ? 'live-running' : phase);
      if (phase === 'live-paused') {
        run('xceptionProfiler.pauseLive');
        await reach(api, 'live-paused');
      }
      const when = { building: 'while building the model', timing: 'while timing', 'live-running': 'during live profiling', 'live-paused': 'while live profiling was paused' }[phase];
      process.kill(api.session.currentRun!.pid!, 'SIGKILL');
      await reach(api, 'failed');
      const line = `Failed Xception 71x71: the profiling process was killed (SIGKILL) ${when}`;
      const errors = stub.messages.filter((m) => m.level === 'error');
      expect(errors).toEqual([{ level: 'error', text: `Xception Profiler: ${line}.` }]);
      expect(stub.messageActions[stub.messages.indexOf(errors[0])]).toEqual(['Profile Again', 'Show Log']);
      expect(archView().message).toBe(line);
      expect((statusItem().tooltip as { value: string }).value).toContain('the profiling process was killed \\(SIGKILL\\)');
      expect(statusItem().text).toMatch(/^\$\(error\)/);
    });
  }

  it('a worker error (a bad model file): failed with its message, one notification', async () => {
    const { api } = start();
    process.env.XP_FAKE_MODE = 'fail';
    await run('xceptionProfiler.profile');
    await reach(api, 'failed');
    await new Promise((r) => setTimeout(r, 100));
    expect(stub.messages.filter((m) => m.level === 'error')).toEqual([{ level: 'error', text: 'Xception Profiler: Failed Xception 71x71: model.json: unexpected end of the file.' }]);
  });

  it('a model file is named by its path relative to the workspace', async () => {
    workspace.workspaceFolders = [{ uri: Uri.file('/work/project'), name: 'project', index: 0 }];
    const { api } = start();
    process.env.XP_FAKE_MODE = 'fail';
    await run('xceptionProfiler.analyzeModelFile', Uri.file('/work/project/models/a/model.json'));
    await reach(api, 'failed');
    expect(api.session.state.subject).toBe('models/a/model.json');
    expect(stub.messages.filter((m) => m.level === 'error')[0].text).toMatch(/^Xception Profiler: Failed models\/a\/model\.json: /);
  });
});

describe('session: the last report survives a reload', () => {
  it('after a reload, the tree, Hotspots, hovers, status bar and Export have the report, marked with its time and engine', async () => {
    const first = start();
    void run('xceptionProfiler.profile');
    await reach(first.api, 'live-running');
    run('xceptionProfiler.stopLive');
    await reach(first.api, 'done');
    const saved = first.storage.state.get(STORE_KEY) as { savedAt: string; liveActive: boolean };
    expect(saved.liveActive).toBe(false);
    first.deactivate();

    stub.reset();
    stub.settings.set('xceptionProfiler.inputSize', 71);
    const { api } = start(first.storage);
    expect(api.session.report?.layers.find((l) => l.name === 'block4_sepconv2')?.outputShape).toEqual([null, 9, 9, 728]);
    expect(api.session.report?.timing).toBeDefined();
    expect(api.session.state).toMatchObject({ phase: 'done', restored: { savedAt: saved.savedAt, engine: 'wasm', liveEndedByReload: false } });
    // Tree and Hotspots rows.
    const tree = api.architectureTree()!;
    expect(tree.getChildren()[0]).toBeDefined();
    expect(stub.treeViews.get('xceptionProfiler.hotspots')!.treeDataProvider.getChildren().length).toBeGreaterThan(0);
    expect(archView().description).toBe('restored report');
    expect(archView().message).toMatch(/^Done: report of \d{4}-\d\d-\d\d \d\d:\d\d UTC on wasm, restored$/);
    // Status bar and hovers.
    expect(statusItem().visible).toBe(true);
    expect(statusItem().text).toMatch(/^\$\(pulse\) WASM x2/);
    expect(stub.hoverProviders).toHaveLength(1);
    // Export has something to export.
    stub.quickPickAnswer = 'JSON report';
    stub.saveDialogAnswer = '/out/after-reload.json';
    await run('xceptionProfiler.exportProfile');
    expect(JSON.parse(stub.writtenFiles.get('/out/after-reload.json')!).layers).toHaveLength(api.session.report!.layers.length);
    expect(stub.messages.filter((m) => m.level !== 'info')).toEqual([]);
  });

  it('live profiling a reload ended says so once, and Resume profiles again', async () => {
    const first = start();
    void run('xceptionProfiler.profile');
    await reach(first.api, 'live-running');
    await until('a live pass', () => first.api.session.state.passes > 2);
    first.deactivate(); // the window reloads: the worker dies with it

    stub.reset();
    stub.settings.set('xceptionProfiler.inputSize', 71);
    const second = start(first.storage);
    expect(second.api.session.state.restored?.liveEndedByReload).toBe(true);
    expect(stub.messages).toEqual([{ level: 'info', text: expect.stringMatching(/^Xception Profiler: Live profiling ended with the window reload: report of .+ on wasm, restored\.$/) }]);
    expect(stub.messageActions[0]).toEqual(['Resume Live Profiling']);
    expect(stub.context.get('xceptionProfiler.canResume')).toBe(true);
    second.deactivate();

    // Said once: the next reload does not repeat it.
    stub.reset();
    stub.settings.set('xceptionProfiler.inputSize', 71);
    const third = start(first.storage);
    expect(third.api.session.state.restored?.liveEndedByReload).toBe(false);
    expect(stub.messages).toEqual([]);
    third.deactivate();

    // Resume (the notification's action) profiles again, live.
    stub.reset();
    stub.settings.set('xceptionProfiler.inputSize', 71);
    const storage = memento(new Map([[STORE_KEY, { ...(first.storage.state.get(STORE_KEY) as object), liveActive: true }]]));
    const fourth = start(storage);
    run('xceptionProfiler.resumeLive');
    await reach(fourth.api, 'live-running');
  });

  it('a damaged stored record is ignored (nothing profiled yet)', () => {
    const storage = memento(new Map([[STORE_KEY, { report: { layers: 'no' }, savedAt: 1 }]]));
    const { api } = start(storage);
    expect(api.session.report).toBeUndefined();
    expect(api.session.state.phase).toBe('idle');
    expect(statusItem().visible).toBe(false);
  });
});

// Last: it closes the window's one diagram panel, which the tests above keep open.
describe('session: the worker waits for the first picture of a panel the command opens', () => {
  let ownDir: string;
  let shared: string;
  beforeAll(async () => {
    // An extension with Xception's static report precomputed, as the packaged one has.
    ownDir = mkdtempSync(path.join(tmpdir(), 'xp-session-static-'));
    mkdirSync(path.join(ownDir, 'dist', 'static'), { recursive: true });
    copyFileSync(path.join(__dirname, 'fake', 'worker.cjs'), path.join(ownDir, 'dist', 'worker.js'));
    copyFileSync(reportFile, path.join(ownDir, 'dist', 'static', 'xception-71.json'));
  });
  beforeEach(() => {
    shared = extensionDir;
    extensionDir = ownDir;
  });
  afterEach(() => {
    extensionDir = shared;
  });
  const painted = () => stub.panels[0].webview.receive({ type: 'painted', pageAt: Date.now(), scriptAt: Date.now(), reportAt: Date.now(), paintedAt: Date.now() });

  /** Activates with no diagram panel open (an earlier test's panel is the window's one panel). */
  const startWithoutPanel = () => {
    const started = start();
    started.api.diagramPanel()?.dispose();
    stub.panels = [];
    return started;
  };

  it('forks the worker once the new panel has painted (not before), and the run goes on as usual', async () => {
    const { api } = startWithoutPanel();
    void run('xceptionProfiler.profile');
    await until('the panel', () => stub.panels.length === 1);
    // The static picture is in the panel's HTML; no worker yet, so no engine however long we wait.
    expect(stub.panels[0].webview.html).toContain('report-data');
    await new Promise((r) => setTimeout(r, 300));
    expect(api.session.state).toMatchObject({ phase: 'building', detail: 'static analysis shown; loading the engine' });
    expect(api.session.state.engine).toBeUndefined();
    painted();
    await reach(api, 'live-running');
    expect(api.session.state.engine).toBe('wasm');
    run('xceptionProfiler.cancel');
  });

  it(`without a paint, forks after WORKER_AFTER_PAINT_CAP_MS (${WORKER_AFTER_PAINT_CAP_MS} ms); a cancel while it waits forks nothing`, async () => {
    const { api } = startWithoutPanel();
    const t0 = Date.now();
    void run('xceptionProfiler.profile');
    await until('the engine', () => api.session.state.engine === 'wasm');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(WORKER_AFTER_PAINT_CAP_MS - 50);
    run('xceptionProfiler.cancel');
    // The panel is open now: the next run does not wait. Close it, start, cancel while waiting.
    api.diagramPanel()?.dispose();
    void run('xceptionProfiler.profile');
    await until('the new panel', () => api.diagramPanel() !== undefined);
    run('xceptionProfiler.cancel');
    expect(api.session.state.phase).toBe('cancelled');
    await new Promise((r) => setTimeout(r, WORKER_AFTER_PAINT_CAP_MS + 300));
    expect(api.session.state).toMatchObject({ phase: 'cancelled', interrupted: 'building' });
    expect(api.session.state.engine).toBeUndefined();
    expect(api.session.currentRun).toBeUndefined();
  });

  it('a window closing while the run waits for the first paint forks no worker', async () => {
    const { api, deactivate } = startWithoutPanel();
    void run('xceptionProfiler.profile');
    await until('the panel', () => api.diagramPanel() !== undefined);
    deactivate();
    await new Promise((r) => setTimeout(r, WORKER_AFTER_PAINT_CAP_MS + 300));
    expect(api.session.currentRun).toBeUndefined();
    expect(api.session.state.engine).toBeUndefined();
  });
});
