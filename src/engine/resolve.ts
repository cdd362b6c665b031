/**
 * Engine resolution: picks the fastest engine that loads, and says why.
 *
 * Order (fastest first): `tensorflow-gpu` (@tensorflow/tfjs-node-gpu, CUDA), `tensorflow`
 * (@tensorflow/tfjs-node, native libtensorflow on the CPU), `onnxruntime` (onnxruntime-node
 * running the model's ONNX export; its GPU provider first when one answers, see onnxruntime.ts),
 * `wasm` (@tensorflow/tfjs-backend-wasm, embedded, SIMD), `cpu` (@tensorflow/tfjs's plain-JS
 * backend). A named engine is tried first; when it fails, the slower ones are tried in order and
 * the failure is reported.
 *
 * The `onnxruntime` engine still builds and analyses the model with TF.js (its plain-JS backend,
 * which is also the reference of the correctness check); ONNX Runtime only executes the export.
 *
 * The package that provides the engine also provides the `tf` namespace used for the whole run:
 * the native packages re-export all of TF.js from their own tfjs-core, so one run never mixes two
 * tfjs-core instances. Only this module loads TF.js; everything else receives `tf` as a parameter.
 */
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { shortReason, wholeReason } from '../report/guards';
import type { EngineInfo, EngineName, RuntimeVersions } from '../report/schema';
import { describeEngine } from '../report/viewModel';
import { initWasmBackend } from './wasmSetup';
import { createRuntime, type OrtModule, type OrtRuntime } from './onnxruntime';

export type Tf = typeof tfTypes;
export { shortReason, describeEngine };

/** All engines, fastest first. */
export const ENGINE_ORDER: readonly EngineName[] = ['tensorflow-gpu', 'tensorflow', 'onnxruntime', 'wasm', 'cpu'];

/** `auto` or one engine. */
export type EngineChoice = 'auto' | EngineName;

/** npm package of each native engine. */
export const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  onnxruntime: 'onnxruntime-node',
} as const;

/** Loads package `pkg` as seen from folder `from` (undefined = this bundle's own resolution). */
export type PackageLoader = (pkg: string, from: string | undefined) => unknown;

export interface ResolveOptions {
  /** Engine to try first; `auto` (default) tries them all, fastest first. */
  engine?: EngineChoice;
  /**
   * Folders to look for the native packages in, in order, before the extension's own
   * node_modules: the workspace folders, a folder named in the settings, the global storage.
   */
  searchPaths?: string[];
  /** WASM threads (default: every core). */
  threads?: number;
  /** Folder holding TF.js's `.wasm` binaries (default: next to the bundle, or the package). */
  wasmDir?: string;
  /** Injectable package loader (tests). */
  load?: PackageLoader;
  /** false: try the named engine only, never the slower ones (engine comparison). Default true. */
  fallback?: boolean;
}

/** A loaded engine: the TF.js namespace to use for the whole run, and what to tell the user. */
export interface ResolvedEngine {
  tf: Tf;
  info: EngineInfo;
  /** The `onnxruntime` engine's runtime (absent for the TF.js engines). */
  ort?: OrtRuntime;
}

/** Default loader: `require(pkg)` resolved from `from`'s node_modules, or from this bundle. */
export const defaultLoader: PackageLoader = (pkg, from) => {
  const req = from ? createRequire(path.join(from, 'noop.js')) : createRequire(__filename);
  return req(pkg);
};


function isNotFound(error: unknown, pkg: string): boolean {
  return (error as { code?: string })?.code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${pkg}'`);
}

/**
 * Tries each folder in turn, then the extension's own node_modules. A copy that is present but
 * throws (libtensorflow missing, wrong ABI) is skipped with its error; later places are still tried.
 * @throws Error saying the package is not installed, or quoting the load error of a broken copy.
 */
function loadNative<T = Tf>(pkg: string, searchPaths: string[], load: PackageLoader): { tf: T; from: string; rejected: string[] } {
  const broken: string[] = [];
  for (const from of [...searchPaths, undefined]) {
    try {
      return { tf: load(pkg, from) as T, from: from ?? 'the extension', rejected: broken };
    } catch (error) {
      if (!isNotFound(error, pkg)) broken.push(`${wholeReason(error)} (in ${from ?? 'the extension'})`);
    }
  }
  if (broken.length) throw new Error(`${pkg} failed to load: ${broken.join('; ')}`);
  const where = searchPaths.length ? `${searchPaths.join(', ')} or the extension` : 'the extension';
  throw new Error(`${pkg} is not installed (looked in ${where})`);
}

/**
 * Whether tfjs-node-gpu really runs kernels on a GPU. TensorFlow falls back to the CPU silently
 * when CUDA/cuDNN do not match; the native binding reports the device it placed ops on.
 */
export function detectGpu(tf: Tf): boolean {
  // tfjs-node's NodeJSKernelBackend exposes the binding's flag as `isUsingGpuDevice`
  // (set when TensorFlow's eager context lists a GPU device).
  const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean; binding?: { isUsingGpuDevice?: () => boolean } };
  return backend.isUsingGpuDevice === true || backend.binding?.isUsingGpuDevice?.() === true;
}

async function tryEngine(name: EngineName, options: ResolveOptions): Promise<ResolvedEngine> {
  const load = options.load ?? defaultLoader;
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    const pkg = NATIVE_PACKAGES[name];
    const { tf, from, rejected } = loadNative(pkg, options.searchPaths ?? [], load);
    if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but its 'tensorflow' backend did not start`);
    await tf.ready();
    const gpu = name === 'tensorflow-gpu' ? detectGpu(tf) : undefined;
    if (name === 'tensorflow-gpu' && !gpu) {
      throw new Error(`${pkg} loaded but TensorFlow placed no op on a GPU (no CUDA device, or CUDA/cuDNN versions do not match)`);
    }
    return {
      tf,
      info: {
        name,
        backend: 'tensorflow',
        package: `${pkg} (${from})`,
        version: tf.version_core,
        // libtensorflow sizes its intra-op pool to the cores.
        threads: os.cpus().length,
        gpu,
        why: rejected.length ? `rejected a broken copy: ${rejected.join('; ')}` : '',
        skipped: [],
      },
    };
  }
  const tf = require('@tensorflow/tfjs') as Tf;
  tf.enableProdMode();
  if (name === 'onnxruntime') {
    const pkg = NATIVE_PACKAGES.onnxruntime;
    // A platform-specific .vsix carries onnxruntime-node next to the bundles (scripts/package.mjs).
    const { tf: ort, from, rejected } = loadNative<OrtModule>(pkg, [...(options.searchPaths ?? []), path.join(__dirname, 'ort')], load);
    const runtime = await createRuntime(ort, options.threads);
    // TF.js builds and analyses the model and is the correctness reference: its plain-JS backend.
    if (!(await tf.setBackend('cpu'))) throw new Error("TF.js's 'cpu' backend did not start");
    await tf.ready();
    const why = [
      `execution provider ${runtime.providers[0]}`,
      ...runtime.skippedProviders.map((s) => `${s.provider} not used: ${s.reason}`),
      ...(rejected.length ? [`rejected a broken copy: ${rejected.join('; ')}`] : []),
    ].join('; ');
    return {
      tf,
      ort: runtime,
      info: {
        name,
        backend: `onnxruntime-${runtime.providers[0]}`,
        package: `${pkg} (${from})`,
        version: ort.env?.versions?.node ?? 'unknown',
        threads: runtime.threads,
        gpu: runtime.gpuProvider !== undefined,
        why,
        skipped: [],
      },
    };
  }
  if (name === 'wasm') {
    const setup = await initWasmBackend(tf, { threads: options.threads, wasmDir: options.wasmDir });
    return {
      tf,
      info: {
        name,
        backend: 'wasm',
        package: '@tensorflow/tfjs-backend-wasm (embedded)',
        version: tf.version_core,
        threads: setup.threads,
        simd: setup.simd,
        why: setup.why,
        skipped: [],
      },
    };
  }
  if (!(await tf.setBackend('cpu'))) throw new Error("TF.js's 'cpu' backend did not start");
  await tf.ready();
  return {
    tf,
    info: { name, backend: 'cpu', package: '@tensorflow/tfjs (embedded)', version: tf.version_core, threads: 1, why: '', skipped: [] },
  };
}

/**
 * Loads the fastest engine available (or the named one, falling back when it fails).
 * @returns the engine's `tf` namespace (its backend already active and ready) and an
 *   `EngineInfo` naming the engine, why it ran and why each faster engine was skipped.
 * @throws Error listing every engine's failure when none loads (the plain-JS engine is embedded,
 *   so this only happens when the installation is broken).
 */
export async function resolveEngine(options: ResolveOptions = {}): Promise<ResolvedEngine> {
  const choice = options.engine ?? 'auto';
  const order: EngineName[] =
    choice === 'auto' ? [...ENGINE_ORDER] : options.fallback === false ? [choice] : [choice, ...ENGINE_ORDER.slice(ENGINE_ORDER.indexOf(choice) + 1)];
  const skipped: EngineInfo['skipped'] = [];
  for (const name of order) {
    try {
      const engine = await tryEngine(name, options);
      const requested = choice === name ? 'requested by the user' : choice === 'auto' ? 'the fastest engine that loaded' : `fallback for "${choice}"`;
      engine.info.skipped = skipped;
      engine.info.runtime = runtimeVersions();
      engine.info.why = [requested, engine.info.why].filter(Boolean).join('; ');
      return engine;
    } catch (error) {
      skipped.push({ name, reason: wholeReason(error) });
    }
  }
  throw new Error(`no TF.js engine could be loaded: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/**
 * The parts of `process.versions` that decide whether a native engine loads: Node's version, the
 * NODE_MODULE_VERSION ABI, N-API, and Electron's version under VS Code.
 */
export function runtimeVersions(versions: NodeJS.ProcessVersions = process.versions): RuntimeVersions {
  const r: RuntimeVersions = { node: versions.node, modules: versions.modules };
  if (versions.napi) r.napi = versions.napi;
  const electron = (versions as NodeJS.ProcessVersions & { electron?: string }).electron;
  if (electron) r.electron = electron;
  return r;
}

