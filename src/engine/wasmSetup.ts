/**
 * Starts TF.js's WASM engine (@tensorflow/tfjs-backend-wasm 4.22) with every core under Node and
 * Electron's Node mode (`ELECTRON_RUN_AS_NODE=1`), falling back to the single-thread SIMD build.
 *
 * The multi-threaded build is started by our own loader (see `wasmThreaded.ts` for how and why);
 * the single-thread build by the package's own, unmodified initialiser. Either way the result is
 * registered as TF.js's `wasm` backend, so the package's kernels run on it unchanged.
 *
 * Files needed next to each other in one folder, for the threaded build:
 * `tfjs-backend-wasm-threaded-simd.js`, `tfjs-backend-wasm-threaded-simd.worker.js` and
 * `tfjs-backend-wasm-threaded-simd.wasm` (all in the package's `wasm-out/`); for the fallback:
 * `tfjs-backend-wasm-simd.wasm` (or `tfjs-backend-wasm.wasm` without SIMD).
 *
 * Nothing here keeps the process alive: a `node -e` script that used the engine exits by itself.
 * {@link disposeWasmBackend} frees the engine and its threads early (e.g. on extension deactivate).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import {
  MAX_WASM_THREADS,
  finalizeThreadPool,
  findThreadedBuild,
  hasWasmThreads,
  loadThreadedModule,
  removeListenersAddedSince,
  restoreListenersRemovedSince,
  snapshotProcessListeners,
} from './wasmThreaded';

type Tf = typeof tfTypes;
type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');
type KernelBackend = ReturnType<Tf['backend']>;
type BackendFactory = () => KernelBackend | Promise<KernelBackend>;

/** Result of initialising the WASM engine. */
export interface WasmSetup {
  /** Threads TF.js's XNNPACK pool actually uses (1 = single-threaded build). */
  threads: number;
  /** Whether the running build uses WebAssembly SIMD. */
  simd: boolean;
  /** One sentence for people: which build runs, from where, and why (including fallbacks). */
  why: string;
}

/** Options of {@link initWasmBackend}. */
export interface WasmInitOptions {
  /**
   * Requested thread count, a positive integer (default: `os.cpus().length`). 1 forces the
   * single-thread SIMD build; counts above 8 are capped at 8 (TF.js's pool limit).
   */
  threads?: number;
  /**
   * Folder holding the `.wasm` files (and, for threads, the two `.js` files listed in this module's
   * header), e.g. the bundle's `dist/`. Searched first; then the installed package; then this
   * module's folder (`__dirname`, which is `dist/` once bundled).
   */
  wasmDir?: string;
  /** Time limit for starting each build, in milliseconds (default 15000). */
  timeoutMs?: number;
}

const THREADED_WASM = 'tfjs-backend-wasm-threaded-simd.wasm';
const SIMD_WASM = 'tfjs-backend-wasm-simd.wasm';
const PLAIN_WASM = 'tfjs-backend-wasm.wasm';
const DEFAULT_TIMEOUT_MS = 15_000;
/** Priority tfjs-backend-wasm registers its backend with. */
const WASM_PRIORITY = 2;
/** Marks factories we registered; holds the package's own factory so it is never lost. */
const ORIGINAL_FACTORY = Symbol.for('xception-profiler.wasm.originalFactory');

type MarkedFactory = BackendFactory & { [ORIGINAL_FACTORY]?: BackendFactory };

/** Serialises concurrent calls: each one replaces the `wasm` backend. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Registers and initialises TF.js's WASM backend on the given tf namespace and makes it the
 * active backend. Any previous `wasm` backend is disposed first (its tensors become invalid).
 * Tries the multi-threaded SIMD build unless 1 thread is requested, and falls back to the
 * single-thread SIMD build — saying why in `why` — when it is unavailable, fails, or does not
 * start within `timeoutMs`.
 * @param tf the @tensorflow/tfjs namespace (passed in; never import tfjs globally here except types)
 * @param opts.threads requested thread count (default: os.cpus().length); 1 forces the single-thread SIMD build
 * @param opts.wasmDir folder with the WASM files, searched before the installed package and `__dirname`
 * @param opts.timeoutMs time limit per build start-up, in milliseconds (default 15000)
 * @returns the thread count in use (≥ 1), whether SIMD is used, and why
 * @throws RangeError when `threads` is not a positive integer or `timeoutMs` is not positive
 * @throws Error naming the WASM engine and the reason when no WASM build can be initialised
 */
export async function initWasmBackend(tf: Tf, opts: WasmInitOptions = {}): Promise<WasmSetup> {
  const run = queue.then(() => initSerial(tf, opts));
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Disposes the `wasm` backend (terminating its threads) and re-registers the package's own
 * factory, so `tf.setBackend('wasm')` would start the single-thread build again. Not needed for
 * the process to exit. Tensors on the `wasm` backend become invalid.
 */
export async function disposeWasmBackend(tf: Tf): Promise<void> {
  const run = queue.then(() => {
    const current = tf.findBackendFactory('wasm') as MarkedFactory | null;
    const original = current ? (current[ORIGINAL_FACTORY] ?? current) : undefined;
    if (current) removeBackendSafely(tf, 'wasm');
    if (original) tf.registerBackend('wasm', original, WASM_PRIORITY);
    setFlag(tf, 'WASM_HAS_MULTITHREAD_SUPPORT', false);
  });
  queue = run.catch(() => undefined);
  return run;
}

async function initSerial(tf: Tf, opts: WasmInitOptions): Promise<WasmSetup> {
  const cpus = logicalCpuCount();
  const requested = opts.threads ?? cpus;
  if (!Number.isInteger(requested) || requested < 1) {
    throw new RangeError(`initWasmBackend: threads must be a positive integer, got ${String(opts.threads)}`);
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`initWasmBackend: timeoutMs must be positive, got ${String(opts.timeoutMs)}`);

  let wasm: WasmPackage;
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw new Error(`WASM engine (@tensorflow/tfjs-backend-wasm) cannot be loaded: ${reason(error)}`, { cause: error });
  }
  const original = takeOriginalFactory(tf);
  const dirs = searchDirs(opts.wasmDir);
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;

  // Why the threaded build is not used, when it is not.
  let notThreaded: string;
  const target = Math.min(requested, MAX_WASM_THREADS);
  const capNote = requested > MAX_WASM_THREADS ? ` (requested ${requested}, capped at TF.js's maximum of ${MAX_WASM_THREADS})` : '';
  if (requested === 1) notThreaded = '1 thread requested';
  else if (!simd) notThreaded = 'this runtime has no WebAssembly SIMD, which the threaded build needs';
  else if (!hasWasmThreads()) notThreaded = 'this runtime cannot share WebAssembly memory between threads';
  else {
    const files = findThreadedBuild(dirs.threaded);
    if (!files) {
      notThreaded = `the threaded build's files (${THREADED_WASM} with its .js and .worker.js) were not found in ${dirs.threaded.join(', ')}`;
    } else {
      try {
        const threads = await startThreaded(tf, wasm, original, files, target, timeoutMs);
        const pthreads = threads - 1;
        return {
          threads,
          simd: true,
          why:
            `multi-threaded SIMD build (${THREADED_WASM} from ${files.dir}): ${threads} threads ` +
            `(main thread + ${pthreads} worker_threads pthread${pthreads === 1 ? '' : 's'}, ${cpus} logical CPUs)${capNote}`,
        };
      } catch (error) {
        notThreaded = `the multi-threaded build failed: ${reason(error)}`;
      }
    }
  }

  return startSingleThreaded(tf, wasm, original, dirs.single, simd, timeoutMs, notThreaded);
}

/** Starts the threaded build and makes it the active `wasm` backend; returns its thread count. */
async function startThreaded(
  tf: Tf,
  wasm: WasmPackage,
  original: BackendFactory,
  files: NonNullable<ReturnType<typeof findThreadedBuild>>,
  threads: number,
  timeoutMs: number,
): Promise<number> {
  removeBackendSafely(tf, 'wasm');
  const loaded = await loadThreadedModule(files, { threads, timeoutMs });
  let backend: KernelBackend;
  try {
    wasm.setThreadsCount(threads);
    // Creates XNNPACK's pool: blocks until its `threads - 1` pthreads run (all already loaded).
    backend = new wasm.BackendWasm(loaded.module as unknown as ConstructorParameters<WasmPackage['BackendWasm']>[0]);
    finalizeThreadPool(loaded.module);
  } catch (error) {
    loaded.abandon();
    throw error;
  }
  const actual = wasm.getThreadsCount();
  try {
    await activate(tf, original, backend);
    smokeTest(tf);
    if (actual !== threads) throw new Error(`TF.js's pool has ${actual} threads, ${threads} requested`);
  } catch (error) {
    removeBackendSafely(tf, 'wasm');
    throw error;
  }
  setFlag(tf, 'WASM_HAS_MULTITHREAD_SUPPORT', true);
  return actual;
}

/** Starts the single-thread build with the package's own initialiser; makes it the `wasm` backend. */
async function startSingleThreaded(
  tf: Tf,
  wasm: WasmPackage,
  original: BackendFactory,
  dirs: string[],
  simd: boolean,
  timeoutMs: number,
  notThreaded: string,
): Promise<WasmSetup> {
  const name = simd ? SIMD_WASM : PLAIN_WASM;
  const fileMap = {
    [PLAIN_WASM]: locate(PLAIN_WASM, dirs),
    [SIMD_WASM]: locate(SIMD_WASM, dirs),
    [THREADED_WASM]: locate(THREADED_WASM, dirs),
  };
  const file = fileMap[name];
  const prefix = `WASM engine (@tensorflow/tfjs-backend-wasm, single-thread ${simd ? 'SIMD ' : ''}build)`;
  if (!fs.existsSync(file)) {
    throw new Error(`${prefix} cannot start: ${name} not found in ${dirs.join(', ')} (threads: ${notThreaded})`);
  }
  removeBackendSafely(tf, 'wasm');
  let backend: KernelBackend;
  try {
    setFlag(tf, 'WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setThreadsCount(1);
    wasm.setWasmPaths(fileMap);
    const before = snapshotProcessListeners();
    backend = await withTimeout(Promise.resolve(original()), timeoutMs, (late) => late.dispose());
    removeListenersAddedSince(before);
    await activate(tf, original, backend);
  } catch (error) {
    throw new Error(`${prefix} failed to start: ${reason(error)} (threads: ${notThreaded})`, { cause: error });
  }
  let threads: number;
  try {
    threads = Math.max(1, wasm.getThreadsCount());
  } catch {
    threads = 1;
  }
  return {
    threads,
    simd,
    why: `single-thread ${simd ? 'SIMD ' : ''}build (${name} from ${path.dirname(file)}): ${notThreaded}`,
  };
}

/** Registers `backend` as `wasm` (remembering the package's factory) and makes it active. */
async function activate(tf: Tf, original: BackendFactory, backend: KernelBackend): Promise<void> {
  const factory: MarkedFactory = () => backend;
  factory[ORIGINAL_FACTORY] = original;
  tf.registerBackend('wasm', factory, WASM_PRIORITY);
  const ok = await tf.setBackend('wasm');
  if (!ok || tf.getBackend() !== 'wasm') throw new Error('tf.setBackend("wasm") did not activate the backend');
}

/** A 64×64 matMul (split across the pool's threads) must give exactly 64 everywhere. */
function smokeTest(tf: Tf): void {
  const values = tf.tidy(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync());
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 64) throw new Error(`self-test matMul gave ${values[i]} at ${i}, expected 64`);
  }
}

/** The package's own `wasm` factory, even when one of ours is currently registered. */
function takeOriginalFactory(tf: Tf): BackendFactory {
  const current = tf.findBackendFactory('wasm') as MarkedFactory | null;
  const original = current ? (current[ORIGINAL_FACTORY] ?? current) : undefined;
  if (!original) {
    throw new Error('WASM engine (@tensorflow/tfjs-backend-wasm) is not registered with this TF.js (was tf.removeBackend("wasm") called?)');
  }
  return original;
}

/** Removes a backend, undoing the glue's removal of other code's process listeners. */
function removeBackendSafely(tf: Tf, name: string): void {
  if (!tf.findBackendFactory(name)) return;
  const before = snapshotProcessListeners();
  try {
    tf.removeBackend(name);
  } finally {
    restoreListenersRemovedSince(before);
  }
}

function setFlag(tf: Tf, flag: string, value: boolean): void {
  try {
    tf.env().set(flag, value);
  } catch {
    // Flag not registered (package not loaded): nothing reads it then.
  }
}

/** Folders to search, in order: the override, the installed package, this module's folder. */
function searchDirs(wasmDir: string | undefined): { threaded: string[]; single: string[] } {
  const threaded: string[] = [];
  const single: string[] = [];
  if (wasmDir) {
    threaded.push(path.resolve(wasmDir));
    single.push(path.resolve(wasmDir));
  }
  const pkg = packageDir();
  if (pkg) {
    threaded.push(path.join(pkg, 'wasm-out'), path.join(pkg, 'dist'));
    single.push(path.join(pkg, 'dist'), path.join(pkg, 'wasm-out'));
  }
  const here = typeof __dirname === 'string' ? __dirname : undefined;
  if (here) {
    threaded.push(here);
    single.push(here);
  }
  return { threaded: unique(threaded), single: unique(single) };
}

/** Root folder of the installed @tensorflow/tfjs-backend-wasm, if resolvable. */
function packageDir(): string | undefined {
  try {
    return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  } catch {
    return undefined;
  }
}

function locate(name: string, dirs: string[]): string {
  for (const dir of dirs) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  return path.join(dirs[0] ?? '.', name);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function logicalCpuCount(): number {
  const count = os.cpus().length;
  return count > 0 ? count : Math.max(1, os.availableParallelism?.() ?? 1);
}

/** Rejects after `ms` milliseconds; `onLate` receives the value if it arrives after that. */
async function withTimeout<T>(promise: Promise<T>, ms: number, onLate: (value: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`timed out after ${ms} ms`));
    }, ms);
  });
  promise.then((value) => timedOut && onLate(value)).catch(() => undefined);
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : typeof error === 'object' && error && 'message' in error ? String((error as { message: unknown }).message) : String(error);
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
