/**
 * The `onnxruntime` engine: ONNX Runtime (`onnxruntime-node`, optional dependency) running the
 * ONNX export of the analysed model (src/onnx/export.ts).
 *
 * Execution providers: the CPU provider always; a GPU provider (CUDA on Linux, DirectML on
 * Windows, CoreML on macOS) only when the installed package has it AND a probe session with CPU
 * fallback disabled (`session.disable_cpu_ep_fallback = 1`) can put a Conv on it, so a run that
 * silently fell back to the CPU is never labelled GPU. Only this module and resolve.ts load the
 * package; the rest receives an `OrtRuntime`.
 */
import * as os from 'node:os';
import { encodeModel, floatTensor, IR_VERSION, node, OPSET_VERSION, valueInfo } from '../onnx/proto';
import { shortReason } from '../report/guards';

/** The parts of `onnxruntime-node`'s API this engine uses (typed loosely: the package is optional). */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array | string, options?: OrtSessionOptions): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  env: { versions?: { node?: string; common?: string }; logLevel?: string };
  listSupportedBackends?: () => { name: string; bundled: boolean }[];
}

export interface OrtTensor {
  data: unknown;
  dims: readonly number[];
}

export interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
  endProfiling(): void;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

/** Session options as `onnxruntime-node` takes them (the subset used here). */
export interface OrtSessionOptions {
  executionProviders?: string[];
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  executionMode?: 'sequential' | 'parallel';
  enableProfiling?: boolean;
  profileFilePrefix?: string;
  optimizedModelFilePath?: string;
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  extra?: Record<string, Record<string, string>>;
}

/** A loaded ONNX Runtime with the execution provider this machine answers on. */
export interface OrtRuntime {
  ort: OrtModule;
  /** Execution providers to create sessions with, preferred first (`cpu` always last). */
  providers: string[];
  /** The GPU provider in use, when one answered. */
  gpuProvider?: string;
  /** Intra-op threads of every session (the CPU provider's thread pool). */
  threads: number;
  /** Why each GPU provider was not used. */
  skippedProviders: { provider: string; reason: string }[];
}

/** GPU execution providers worth trying per platform (onnxruntime-node's names). */
export const GPU_PROVIDERS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ['cuda'],
  win32: ['dml'],
  darwin: ['coreml'],
};

/**
 * Options of the engine's sessions: full graph optimisation, sequential, fixed threads, and no
 * spinning of idle pool threads. The engine alternates two sessions (plain, profiled), each with
 * its own intra-op pool; spinning threads of the idle one would take cores from the running one.
 */
export function sessionOptions(runtime: Pick<OrtRuntime, 'providers' | 'threads'>, extra: OrtSessionOptions = {}): OrtSessionOptions {
  return {
    executionProviders: runtime.providers,
    graphOptimizationLevel: 'all',
    intraOpNumThreads: runtime.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
    extra: { session: { 'intra_op.allow_spinning': '0' } },
    ...extra,
  };
}

/** A one-Conv model ([1, 1, 4, 4] -> [1, 1, 4, 4], 1x1 kernel) to ask a provider whether it runs. */
export function probeModel(): Uint8Array {
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'xception-profiler probe',
    graph: {
      name: 'probe',
      node: [node('Conv', ['x', 'w'], ['y'], 'probe_conv', { kernel_shape: [1, 1] })],
      initializer: [floatTensor('w', [1, 1, 1, 1], Float32Array.of(2))],
      input: [valueInfo('x', [1, 1, 4, 4])],
      output: [valueInfo('y', [1, 1, 4, 4])],
    },
  });
}

/**
 * Whether `provider` runs a Conv on this machine: a session on the probe model with CPU fallback
 * disabled is created and run once (the output must be 2 x the input).
 * @returns undefined when it answers, else why not.
 */
export async function probeProvider(ort: OrtModule, provider: string): Promise<string | undefined> {
  try {
    const session = await ort.InferenceSession.create(probeModel(), {
      executionProviders: [provider],
      logSeverityLevel: 4,
      extra: { session: { disable_cpu_ep_fallback: '1' } },
    });
    try {
      const x = Float32Array.from({ length: 16 }, (_, i) => i);
      const out = await session.run({ x: new ort.Tensor('float32', x, [1, 1, 4, 4]) });
      const y = out.y.data as Float32Array;
      if (y.length !== 16 || y.some((v, i) => Math.abs(v - 2 * i) > 1e-5)) return `${provider} ran the probe Conv but returned wrong values`;
      return undefined;
    } finally {
      await session.release();
    }
  } catch (error) {
    const reason = shortReason(error);
    // The provider's libraries (CUDA and cuDNN for cuda) are missing: the usual case without a GPU.
    return /Failed to load shared library/i.test(reason) ? `no ${provider} libraries on this machine (${reason})` : reason;
  }
}

/**
 * Picks the execution providers: the platform's GPU provider when the package lists it and the
 * probe answers, then `cpu`.
 */
export async function detectProviders(
  ort: OrtModule,
  platform: NodeJS.Platform = process.platform,
  probe: (ort: OrtModule, provider: string) => Promise<string | undefined> = probeProvider,
): Promise<Pick<OrtRuntime, 'providers' | 'gpuProvider' | 'skippedProviders'>> {
  const skippedProviders: OrtRuntime['skippedProviders'] = [];
  const listed = ort.listSupportedBackends?.().map((b) => b.name) ?? [];
  for (const provider of GPU_PROVIDERS[platform] ?? []) {
    if (!listed.includes(provider)) {
      skippedProviders.push({ provider, reason: 'not in this onnxruntime-node build' });
      continue;
    }
    const failure = await probe(ort, provider);
    if (failure === undefined) return { providers: [provider, 'cpu'], gpuProvider: provider, skippedProviders };
    skippedProviders.push({ provider, reason: failure });
  }
  return { providers: ['cpu'], skippedProviders };
}

/**
 * Makes an `OrtRuntime` from a loaded `onnxruntime-node`.
 * @param threads intra-op threads (default: every core, as ORT's own default on most machines).
 */
export async function createRuntime(ort: OrtModule, threads?: number, platform?: NodeJS.Platform): Promise<OrtRuntime> {
  if (typeof ort?.InferenceSession?.create !== 'function') throw new Error('onnxruntime-node loaded but has no InferenceSession');
  // A GPU provider that fails to load would print ORT's error on stderr; it comes back as the probe's reason instead.
  ort.env.logLevel = 'fatal';
  const detected = await detectProviders(ort, platform);
  return { ort, ...detected, threads: threads ?? os.cpus().length };
}

/** Feeds for a session: one NHWC float32 tensor per input name. */
export function feeds(runtime: OrtRuntime, names: readonly string[], inputs: { data: Float32Array; shape: number[] }[]): Record<string, OrtTensor> {
  return Object.fromEntries(names.map((n, i) => [n, new runtime.ort.Tensor('float32', inputs[i].data, inputs[i].shape)]));
}
