/**
 * Messages between the session (extension host or CLI) and the profiling worker process.
 * Every message carries `protocol: PROTOCOL_VERSION`; anything else is rejected by the parsers.
 */
import type { ArchitectureReport, EngineInfo } from '../report/schema';
import type { EngineChoice } from '../engine/resolve';

export const PROTOCOL_VERSION = 1 as const;

/** The built-in Xception, as `buildXception` takes it. */
export interface XceptionSource {
  kind: 'xception';
  inputSize: number;
  includeTop: boolean;
  classes: number;
}

/** What to profile and how. */
export interface ProfileJob {
  model: XceptionSource;
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
}

/** Session -> worker. */
export type ToWorker = { protocol: typeof PROTOCOL_VERSION; type: 'start'; job: ProfileJob };

/** Worker -> session. */
export type FromWorker = { protocol: typeof PROTOCOL_VERSION } & (
  | { type: 'progress'; message: string; /** 0..1 when known */ fraction?: number }
  | { type: 'engine'; engine: EngineInfo }
  /** The static analysis, sent as soon as it is computed (before any timing). */
  | { type: 'analysis'; report: ArchitectureReport }
  /** One timed pass: wall ms per layer. */
  | { type: 'pass'; run: number; runs: number; passMs: number; predictMs: number | null; layerMs: Record<string, number> }
  /** The final report with timings (or without, when the job had `timing: false`). */
  | { type: 'result'; report: ArchitectureReport }
  | { type: 'error'; message: string; name: string }
);

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

const WORKER_TYPES = new Set(['progress', 'engine', 'analysis', 'pass', 'result', 'error']);

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
    case 'error':
      return typeof x.message === 'string' ? (x as FromWorker) : undefined;
  }
  return undefined;
}

/** Validates a message to the worker; undefined for anything malformed or of another version. */
export function parseToWorker(x: unknown): ToWorker | undefined {
  if (!isObject(x) || x.protocol !== PROTOCOL_VERSION || x.type !== 'start' || !isObject(x.job)) return undefined;
  const job = x.job;
  const model = job.model;
  const positiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
  if (!isObject(model) || model.kind !== 'xception' || !positiveInt(model.inputSize)) return undefined;
  if (!positiveInt(job.runs) || !Number.isInteger(job.warmupRuns) || !positiveInt(job.batchSize)) return undefined;
  if (typeof job.engine !== 'string' || !Array.isArray(job.searchPaths)) return undefined;
  return x as ToWorker;
}
