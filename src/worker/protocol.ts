/**
 * Messages between the session (extension host or CLI) and the profiling worker process.
 * Every message carries `protocol: PROTOCOL_VERSION`; anything else is rejected by the parsers.
 */
import { isObject } from '../report/guards';
import type { ArchitectureReport, EngineInfo, EngineName } from '../report/schema';
import type { EngineChoice } from '../engine/resolve';
import type { LiveState } from '../profiler/live';
import type { PassSample } from '../profiler/profile';
import type { SweepSpec } from '../profiler/sweep';

export const PROTOCOL_VERSION = 1 as const;

/** The built-in Xception, as `buildXception` takes it. */
export interface XceptionSource {
  kind: 'xception';
  inputSize: number;
  includeTop: boolean;
  classes: number;
}

/** A Keras / TF.js model file (model.json, Keras config JSON, .keras), read by `src/importers`. */
export interface ModelFileSource {
  kind: 'file';
  /** Absolute path of the file; weight shards are looked for next to it. */
  path: string;
  /** Height and width for inputs the file leaves open (`null`); a fixed input of another size is an error. */
  inputSize?: number;
}

/** What to profile and how. */
export interface ProfileJob {
  model: XceptionSource | ModelFileSource;
  engine: EngineChoice;
  /** Folders searched for tfjs-node(-gpu) before the extension's own node_modules. */
  searchPaths: string[];
  /** WASM threads; undefined = every core. */
  threads?: number;
  warmupRuns: number;
  runs: number;
  batchSize: number;
  /** false: static analysis only (no engine kernels run beyond building the model). */
  timing: boolean;
  /** Folder with TF.js's .wasm files (the bundle's folder). */
  wasmDir?: string;
  /**
   * Also profile Xception's regular-convolution twin (same input size, same engine) with this
   * many timed runs, and report separable vs regular per layer. Built-in Xception only.
   */
  compareRegular?: { runs: number; warmupRuns: number };
  /**
   * Folder of the roofs cache (src/profiler/roofs.ts): the extension's global storage; undefined =
   * the user's cache folder (CLI). `remeasureRoofs` measures again and rewrites the cache.
   */
  roofCacheDir?: string;
  remeasureRoofs?: boolean;
  /** Profile the model at each point of a scaling sweep (src/profiler/sweep.ts) after the main run. */
  sweep?: SweepSpec;
  /**
   * Profile the model on each of these engines in turn (no fallback to other engines) and report
   * the first one's report with `engineComparison`; `engine` and `live` are then ignored.
   */
  compareEngines?: EngineName[];
  /** false: run `engine` only, never a slower one in its place. */
  engineFallback?: boolean;
  /** Also write the model's ONNX export (weights included) to this absolute path, once built. */
  onnxFile?: string;
  /** Keep profiling after the result (live mode): a pass every `intervalMs`, until stopped or `maxRuns`. */
  live?: { intervalMs: number; maxRuns?: number };
}

/** Step of a job a progress message belongs to (the session's state machine follows it). */
export type ProgressStage = 'building' | 'analysing' | 'timing';

/** Live-mode switches the session sends after `start`. */
export type LiveAction = 'pause' | 'resume' | 'stop';

/** Session -> worker. */
export type ToWorker = { protocol: typeof PROTOCOL_VERSION } & ({ type: 'start'; job: ProfileJob } | { type: 'control'; action: LiveAction });

/** Worker -> session. */
export type FromWorker = { protocol: typeof PROTOCOL_VERSION } & (
  | { type: 'progress'; message: string; /** 0..1 when known */ fraction?: number; stage?: ProgressStage }
  | { type: 'engine'; engine: EngineInfo }
  /** The static analysis, sent as soon as it is computed (before any timing). */
  | { type: 'analysis'; report: ArchitectureReport }
  /**
   * One timed pass: wall ms per layer and kernel ms per layer. `live` passes come after the
   * result; their `runs` is 0 (open-ended) or the live run limit.
   */
  | { type: 'pass'; run: number; runs: number; live: boolean; passMs: number; readbackMs?: number; predictMs: number | null; layerMs: Record<string, number>; kernels: PassSample['kernels'] }
  /**
   * Live mode changed state; `runs` live passes so far. `unsupported`: the model has no live
   * profiling (graph models, ONNX files: timed once), sent as `stopped` right after the result.
   */
  | { type: 'live'; state: LiveState; runs: number; unsupported?: boolean }
  /** The final report with timings (or without, when the job had `timing: false`). */
  | { type: 'result'; report: ArchitectureReport }
  | { type: 'error'; message: string; name: string }
  /** Last message before the process exits (sent so that every earlier message is flushed). */
  | { type: 'exiting'; code: number }
);

/** A worker message without its protocol stamp (added by `runJob`, src/worker/job.ts). */
export type JobEvent = FromWorker extends infer M ? (M extends unknown ? Omit<M, 'protocol'> : never) : never;

const WORKER_TYPES = new Set(['progress', 'engine', 'analysis', 'pass', 'live', 'result', 'error', 'exiting']);

/** Validates a message from the worker; undefined for anything malformed or of another version. */
export function parseFromWorker(x: unknown): FromWorker | undefined {
  if (!isObject(x) || x.protocol !== PROTOCOL_VERSION || typeof x.type !== 'string' || !WORKER_TYPES.has(x.type)) return undefined;
  switch (x.type) {
    case 'progress':
      return typeof x.message === 'string' ? (x as FromWorker) : undefined;
    case 'engine':
      return isObject(x.engine) && typeof x.engine.name === 'string' ? (x as FromWorker) : undefined;
    case 'analysis':
    case 'result':
      return isObject(x.report) && Array.isArray(x.report.layers) ? (x as FromWorker) : undefined;
    case 'pass':
      return typeof x.run === 'number' && isObject(x.layerMs) ? (x as FromWorker) : undefined;
    case 'live':
      return ['running', 'paused', 'stopped'].includes(x.state as string) && typeof x.runs === 'number' ? (x as FromWorker) : undefined;
    case 'error':
      return typeof x.message === 'string' ? (x as FromWorker) : undefined;
    case 'exiting':
      return typeof x.code === 'number' ? (x as FromWorker) : undefined;
  }
  return undefined;
}

/** Validates a message to the worker; undefined for anything malformed or of another version. */
export function parseToWorker(x: unknown): ToWorker | undefined {
  if (!isObject(x) || x.protocol !== PROTOCOL_VERSION) return undefined;
  if (x.type === 'control') return ['pause', 'resume', 'stop'].includes(x.action as string) ? (x as ToWorker) : undefined;
  if (x.type !== 'start' || !isObject(x.job)) return undefined;
  const job = x.job;
  const model = job.model;
  const positiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
  const builtin = isObject(model) && model.kind === 'xception' && positiveInt(model.inputSize);
  const file = isObject(model) && model.kind === 'file' && typeof model.path === 'string' && model.path !== '' && (model.inputSize === undefined || positiveInt(model.inputSize));
  if (!builtin && !file) return undefined;
  if (!positiveInt(job.runs) || !Number.isInteger(job.warmupRuns) || !positiveInt(job.batchSize)) return undefined;
  if (typeof job.engine !== 'string' || !Array.isArray(job.searchPaths)) return undefined;
  if (job.compareEngines !== undefined && (!Array.isArray(job.compareEngines) || !job.compareEngines.every((e) => typeof e === 'string'))) return undefined;
  if (job.onnxFile !== undefined && (typeof job.onnxFile !== 'string' || job.onnxFile === '')) return undefined;
  if (job.live !== undefined && (!isObject(job.live) || typeof job.live.intervalMs !== 'number' || job.live.intervalMs < 0)) return undefined;
  return x as ToWorker;
}
