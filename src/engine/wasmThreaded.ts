/**
 * Loader for TF.js's *threaded* SIMD WASM build (`tfjs-backend-wasm-threaded-simd.wasm`) under
 * plain Node and Electron's Node mode.
 *
 * Why a loader of our own: tfjs-backend-wasm 4.22's own init cannot start this build under Node.
 * Its flag `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to `false` when `IS_NODE`, and forcing the
 * flag on does not help: the package hands Emscripten a `blob:` URL for the pthread worker and a
 * Blob of `factory.toString()` as the main script, and Node's `worker_threads` can load neither
 * (the stringified factory also refers to rollup helpers that do not exist inside a worker).
 *
 * What this module does instead, using only files shipped in the package (nothing is patched):
 * - evaluates the unmodified Emscripten glue `wasm-out/tfjs-backend-wasm-threaded-simd.js` in a
 *   CommonJS-style wrapper whose `Worker` / `worker_threads.Worker` is {@link PthreadWorker}: a
 *   `worker_threads.Worker` that runs the package's pthread worker script
 *   (`wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`, which already speaks Node) from a
 *   string (`eval: true`), so no `blob:` URL and no extra file is needed;
 * - passes the glue's own file path as `mainScriptUrlOrBlob`, so each pthread `importScripts` it;
 * - instantiates the `.wasm` itself (`instantiateWasm` hook) to supply the import
 *   `emscripten_num_logical_cores`. TF.js's C++ (`init_with_threads_count`) caps the pool at
 *   `min(requested, 8, emscripten_num_logical_cores() / 2)` — it assumes 2 hyper-threads per core —
 *   so on a 2-core machine it would never use more than 1 thread. We answer `2 × target` so the
 *   requested count is what is used. `os.cpus()` is not touched: only this one module's import.
 *
 * Lifetime: Emscripten `ref()`s every worker that runs a pthread, and XNNPACK's pool threads never
 * exit, so the process would never exit on its own. {@link finalizeThreadPool} `unref()`s them
 * (Node terminates unref'd workers at exit) and terminates the idle workers of Emscripten's fixed
 * pool of 8 that the XNNPACK pool did not take (≈ 10 MB of RSS each).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as workerThreads from 'node:worker_threads';

/** Emscripten's fixed pthread pool size in tfjs-backend-wasm 4.22 and TF.js's `max_num_threads`. */
export const MAX_WASM_THREADS = 8;

/** File names of the threaded build, as shipped in `@tensorflow/tfjs-backend-wasm/wasm-out/`. */
export const THREADED_FILES = {
  glue: 'tfjs-backend-wasm-threaded-simd.js',
  worker: 'tfjs-backend-wasm-threaded-simd.worker.js',
  wasm: 'tfjs-backend-wasm-threaded-simd.wasm',
} as const;

/** Absolute paths of the three files of the threaded build; they must come from one release. */
export interface ThreadedBuildFiles {
  /** Folder the three files were found in. */
  dir: string;
  /** Emscripten glue (`tfjs-backend-wasm-threaded-simd.js`). */
  glue: string;
  /** CommonJS module exporting the pthread worker source as `wasmWorkerContents`. */
  worker: string;
  /** The threaded SIMD binary. */
  wasm: string;
}

/** The part of the Emscripten pthread runtime (`Module.PThread`) this loader uses. */
export interface PThreadRuntime {
  unusedWorkers: PthreadWorkerLike[];
  runningWorkers: PthreadWorkerLike[];
  terminateAllThreads(): void;
}

/** A pthread worker as Emscripten sees it (a `worker_threads.Worker` plus its own fields). */
export type PthreadWorkerLike = workerThreads.Worker & { loaded?: boolean };

/** The TF.js-facing wrappers that tfjs-backend-wasm's `BackendWasm` expects on `module.tfjs`. */
export interface TfjsWasmBridge {
  init(): void;
  initWithThreadsCount(threads: number): void;
  getThreadsCount(): number;
  registerTensor(id: number, size: number, memoryOffset: number): void;
  disposeData(id: number): void;
  dispose(): void;
}

/** The Emscripten module object of the threaded build, ready to hand to `new BackendWasm(...)`. */
export interface ThreadedWasmModule {
  PThread: PThreadRuntime;
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  asm: Record<string, unknown>;
  tfjs: TfjsWasmBridge;
  [key: string]: unknown;
}

/** Options of {@link loadThreadedModule}. */
export interface LoadThreadedOptions {
  /** Threads the XNNPACK pool should use, 2..{@link MAX_WASM_THREADS}. */
  threads: number;
  /** Give up (and terminate every worker started) after this many milliseconds. */
  timeoutMs: number;
}

/** A loaded threaded module plus a way to abandon it. */
export interface LoadedThreadedModule {
  module: ThreadedWasmModule;
  /** Terminates every worker this load started (use when the module is not handed to TF.js). */
  abandon(): void;
}

type EmscriptenFactory = (moduleArg: Record<string, unknown>) => Promise<ThreadedWasmModule>;
type ReceiveInstance = (instance: WebAssembly.Instance, module: WebAssembly.Module) => void;

const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
type ProcessEvent = (typeof PROCESS_EVENTS)[number];
type AnyListener = (...args: unknown[]) => void;

/** Raw listeners of the process events the Emscripten glue hooks, by event. */
export function snapshotProcessListeners(): Record<ProcessEvent, AnyListener[]> {
  const out = {} as Record<ProcessEvent, AnyListener[]>;
  for (const event of PROCESS_EVENTS) out[event] = process.rawListeners(event) as AnyListener[];
  return out;
}

/**
 * Removes process listeners added since `before`. The Emscripten glue adds
 * `uncaughtException` / `unhandledRejection` listeners that re-throw, which turns any unrelated
 * unhandled rejection into a process crash (fatal in an extension host).
 */
export function removeListenersAddedSince(before: Record<ProcessEvent, AnyListener[]>): void {
  for (const event of PROCESS_EVENTS) {
    for (const listener of process.rawListeners(event) as AnyListener[]) {
      if (!before[event].includes(listener)) process.removeListener(event, listener);
    }
  }
}

/**
 * Re-adds process listeners present in `before` that have disappeared. The glue's `_dispose`
 * (called when TF.js disposes the backend) removes *every* listener that existed when it loaded,
 * including other code's, because of a bug in its filter.
 */
export function restoreListenersRemovedSince(before: Record<ProcessEvent, AnyListener[]>): void {
  for (const event of PROCESS_EVENTS) {
    const now = process.rawListeners(event) as AnyListener[];
    for (const listener of before[event]) if (!now.includes(listener)) process.on(event, listener);
  }
}

/**
 * Finds the three files of the threaded build in the first folder of `dirs` that holds all three.
 * @returns the files, or undefined when no folder holds all three
 */
export function findThreadedBuild(dirs: readonly string[]): ThreadedBuildFiles | undefined {
  for (const dir of dirs) {
    const files = {
      dir,
      glue: path.join(dir, THREADED_FILES.glue),
      worker: path.join(dir, THREADED_FILES.worker),
      wasm: path.join(dir, THREADED_FILES.wasm),
    };
    if (fs.existsSync(files.glue) && fs.existsSync(files.worker) && fs.existsSync(files.wasm)) return files;
  }
  return undefined;
}

/** True when this runtime can share WebAssembly memory between threads. */
export function hasWasmThreads(): boolean {
  try {
    if (typeof SharedArrayBuffer !== 'function') return false;
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return memory.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/** Reads the pthread worker source out of the package's CommonJS module (without `require`). */
function readWorkerSource(file: string): string {
  const sandbox = { module: { exports: {} as Record<string, unknown> }, exports: {} };
  sandbox.exports = sandbox.module.exports;
  vm.runInNewContext(fs.readFileSync(file, 'utf8'), sandbox, { filename: file, timeout: 5_000 });
  const source = sandbox.module.exports.wasmWorkerContents;
  if (typeof source !== 'string' || source.length === 0) throw new Error(`${file} does not export wasmWorkerContents`);
  // The source is stored in a template literal, so its "\n" escapes became real newlines, which
  // break its string literals; the package escapes them back the same way before use.
  return source.replace(/\n/g, '\\n');
}

/** Evaluates the Emscripten glue with `Worker` bound to `WorkerClass`; returns its factory. */
function evaluateGlue(file: string, WorkerClass: typeof workerThreads.Worker): EmscriptenFactory {
  const code = fs.readFileSync(file, 'utf8');
  const params = ['exports', 'require', 'module', '__filename', '__dirname', 'global', 'Worker'];
  const wrapper = vm.compileFunction(code, params, { filename: file }) as (...args: unknown[]) => void;
  const realRequire = createRequire(file);
  const glueRequire = (id: string): unknown =>
    id === 'worker_threads' || id === 'node:worker_threads' ? { ...workerThreads, Worker: WorkerClass } : realRequire(id);
  // The glue assigns `global.Worker`; give it its own object so the real global stays untouched.
  const glueGlobal = Object.create(globalThis) as Record<string, unknown>;
  const mod = { exports: {} as unknown };
  wrapper(mod.exports, glueRequire, mod, file, path.dirname(file), glueGlobal, WorkerClass);
  if (typeof mod.exports !== 'function') throw new Error(`${file} did not export an Emscripten module factory`);
  return mod.exports as EmscriptenFactory;
}

/**
 * Loads the threaded build and waits until Emscripten's 8 pthread workers have loaded it.
 * Does not create the XNNPACK pool yet: that happens in `new BackendWasm(module)` (synchronous).
 * @throws Error with the reason when a file is unreadable, a worker fails or exits, Emscripten
 *   aborts, fewer than `threads - 1` workers are ready, or `timeoutMs` elapses; every worker
 *   started is terminated before the error is thrown
 */
export async function loadThreadedModule(files: ThreadedBuildFiles, opts: LoadThreadedOptions): Promise<LoadedThreadedModule> {
  const workers = new Set<workerThreads.Worker>();
  let failInit: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    failInit = reject;
  });
  failed.catch(() => undefined);
  let initialising = true;
  let abandoned = false;
  const abandon = (): void => {
    abandoned = true;
    for (const worker of workers) void worker.terminate();
    workers.clear();
  };

  const workerSource = readWorkerSource(files.worker);

  /** Emscripten's pthread worker, run from a string; its errors never crash the process. */
  class PthreadWorker extends workerThreads.Worker {
    constructor(_scriptUrl?: string | URL) {
      super(workerSource, { eval: true });
      workers.add(this);
      // Listen from the start: an 'error' event without a listener would crash the process.
      this.on('error', (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (initialising) failInit(new Error(`a pthread worker failed: ${message}`));
        else if (!abandoned) process.emitWarning(`TF.js WASM pthread worker failed: ${message}`, 'XceptionProfilerWasm');
      });
      this.once('exit', (code: number) => {
        workers.delete(this);
        if (initialising && !abandoned) failInit(new Error(`a pthread worker exited during start-up (code ${code})`));
      });
    }

    /** Emscripten installs an error handler that re-throws in the main thread; it is ignored. */
    set onerror(_handler: unknown) {
      // Errors are handled by the 'error' listener added in the constructor.
    }

    get onerror(): (error: unknown) => void {
      return () => undefined;
    }
  }

  let timer: NodeJS.Timeout | undefined;
  try {
    const factory = evaluateGlue(files.glue, PthreadWorker);
    const logicalCores = 2 * opts.threads;
    const listenersBefore = snapshotProcessListeners();
    const ready = factory({
      mainScriptUrlOrBlob: files.glue,
      locateFile: (name: string) => path.join(files.dir, name),
      instantiateWasm: (imports: WebAssembly.Imports, receive: ReceiveInstance) => {
        fs.promises
          .readFile(files.wasm)
          .then((bytes) => {
            const env = { ...(imports.env ?? {}), emscripten_num_logical_cores: () => logicalCores };
            return WebAssembly.instantiate(bytes, { ...imports, env });
          })
          .then((result) => receive(result.instance, result.module))
          .catch((error: unknown) => failInit(error instanceof Error ? error : new Error(String(error))));
        return {};
      },
      onAbort: (what: unknown) => failInit(new Error(`Emscripten aborted: ${String(what)}`)),
    });
    removeListenersAddedSince(listenersBefore);
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
    });
    const module = await Promise.race([ready, failed, timeout]);

    const pthread = module.PThread;
    if (!pthread || !Array.isArray(pthread.unusedWorkers)) throw new Error('the module has no pthread runtime');
    const loaded = pthread.unusedWorkers.filter((w) => w.loaded).length;
    // pthreadpool_create blocks the main thread until its threads run; a worker that is not loaded
    // yet needs the main thread's event loop to start, so it would deadlock. Refuse instead.
    if (loaded < opts.threads - 1) throw new Error(`only ${loaded} pthread workers are ready, ${opts.threads - 1} needed`);

    module.tfjs = {
      init: module.cwrap('init', null, []) as () => void,
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']) as (n: number) => void,
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']) as TfjsWasmBridge['registerTensor'],
      disposeData: module.cwrap('dispose_data', null, ['number']) as (id: number) => void,
      // The raw export: the glue's `_dispose` wrapper also removes other code's process listeners.
      dispose: () => {
        const raw = module.asm.dispose;
        if (typeof raw === 'function') (raw as () => void)();
      },
    };
    initialising = false;
    return { module, abandon };
  } catch (error) {
    initialising = false;
    abandon();
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * After `new BackendWasm(module)` has created the XNNPACK pool: lets the process exit while the
 * pool threads live (unref), and terminates pool workers that no pthread took.
 * @returns how many idle workers were terminated
 */
export function finalizeThreadPool(module: ThreadedWasmModule): number {
  for (const worker of module.PThread.runningWorkers) worker.unref();
  const idle = module.PThread.unusedWorkers.splice(0);
  for (const worker of idle) void worker.terminate();
  return idle.length;
}
