// A vitest pool for the mutation run (vitest.mutation.config.mts) that keeps one worker thread for
// all the runs of a vitest instance. Stryker's vitest runner starts one vitest run per mutant, and
// vitest's `threads` pool ends its worker at the end of every run, so each mutant re-imported the
// core and TF.js (2 to 8 s a mutant here). Stryker switches mutants at run time (the instrumented
// code reads the active mutant on every call) and the run ignores static mutants, so the modules
// need not be evaluated again: with this pool and `isolate: false` only the test files are.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./keptThreadWorker.mjs', import.meta.url));

/** The kept thread of this process (Stryker gives each of its test runner processes one vitest with 1 worker). */
let kept;

/** Whether a test file's run ends the thread (set by `endThreadAfterRunsOf`). */
let endsThread = () => false;

/**
 * Ends the kept thread after every run that includes a test file `match` accepts (absolute path),
 * so the next run starts in a new thread. For tests of code that keeps state outside the modules'
 * reach: h5wasm's WebAssembly heap and HDF5's own caches live as long as the thread, and a mutant
 * of the HDF5 reader (or a test's broken file) can leave them corrupt for every later run
 * (vitest.mutation.config.mts, FRESH_THREAD_TESTS).
 * @param {(file: string) => boolean} match
 */
export function endThreadAfterRunsOf(match) {
  endsThread = match;
}

/** @implements {import('vitest/node').PoolWorker} */
class KeptThreadWorker {
  name = 'keptThreads';
  /** @type {Array<[string, (arg: unknown) => void]>} listeners of the current run, removed at its end */
  listeners = [];
  /** A "run" was sent and its "testfileFinished" has not come back. */
  running = false;
  /** This run includes a test file that needs a new thread after it (`endThreadAfterRunsOf`). */
  endsThread = false;

  /** @param {import('vitest/node').PoolOptions} options */
  constructor(options) {
    this.options = options;
  }

  async start() {
    if (kept !== undefined) return;
    const { env, execArgv, project } = this.options;
    const thread = new Worker(ENTRY, { env, execArgv, stdout: true, stderr: true });
    thread.stdout.pipe(project.vitest.logger.outputStream);
    thread.stderr.pipe(project.vitest.logger.errorStream);
    // Not a reason for Stryker's test runner process to stay alive.
    thread.unref();
    thread.once('exit', () => {
      if (kept === thread) kept = undefined;
    });
    kept = thread;
  }

  /** @param {import('vitest/node').WorkerRequest} message */
  send(message) {
    if (message.type === 'run' || message.type === 'collect') this.running = true;
    if (message.type === 'run' && message.context?.files?.some((f) => endsThread(f.filepath))) this.endsThread = true;
    this.thread.postMessage(message);
  }

  on(event, callback) {
    if (event === 'message') {
      const inner = callback;
      callback = (message) => {
        if (message?.__vitest_worker_response__ && message.type === 'testfileFinished') this.running = false;
        inner(message);
      };
      callback.inner = inner;
    }
    this.thread.on(event, callback);
    this.listeners.push([event, callback]);
  }

  off(event, callback) {
    const i = this.listeners.findIndex(([e, c]) => e === event && (c === callback || c.inner === callback));
    if (i < 0) return;
    this.thread.off(event, this.listeners[i][1]);
    this.listeners.splice(i, 1);
  }

  /**
   * Ends this run's use of the thread; ends the thread itself only if a run was cut off (a forced
   * cancel) or ran a test file that needs a new thread after it.
   */
  async stop() {
    for (const [event, callback] of this.listeners) kept?.off(event, callback);
    this.listeners = [];
    if ((this.running || this.endsThread) && kept !== undefined) {
      const thread = kept;
      kept = undefined;
      await thread.terminate();
    }
  }

  deserialize(data) {
    return data;
  }

  get thread() {
    if (kept === undefined) throw new Error('keptThreads: the worker thread is not started');
    return kept;
  }
}

/** Ends the kept thread (when vitest closes). */
export async function endKeptThread() {
  const thread = kept;
  kept = undefined;
  await thread?.terminate();
}

/** @type {import('vitest/node').PoolRunnerInitializer} */
export const keptThreadPool = {
  name: 'keptThreads',
  createPoolWorker: (options) => new KeptThreadWorker(options),
};
