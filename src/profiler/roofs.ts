/**
 * Measures an engine's two roofs, the attainable compute peak (GFLOP/s) and the attainable memory
 * bandwidth (GB/s), and caches them per engine and machine (the measurement takes about 4 seconds;
 * it runs when an engine is first used). The roofline model: Williams, Waterman, Patterson, CACM
 * 2009; measured roofs as in the Empirical Roofline Toolkit (best of repeated large kernels).
 *
 * The probes are an interface so that an engine other than TF.js (ONNX Runtime) can supply its own
 * matmul and element-wise kernels; `tfRoofProbe` is the TF.js one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Tf } from '../engine/resolve';
import type { ArchitectureReport, EngineInfo, EngineRoofs } from '../report/schema';

/** Kernels a roof is measured with. Each call runs the kernel once and resolves when it is done. */
export interface RoofProbe {
  /** Side n of the matmul the engine is measured with (smaller on slow engines). */
  readonly matmulN: number;
  /** n x n by n x n float32 matmul (2 n^3 FLOPs). */
  matmul(n: number): Promise<void>;
  /** 1x1 convolution of [1, s, s, n] by [1, 1, n, n] with s = n / 32 (2 s^2 n^2 FLOPs). */
  pointwiseConv(n: number): Promise<void>;
  /** c = a + b over `elements` float32 values (12 bytes moved per element, or `addBytesPerElement`). */
  add(elements: number): Promise<void>;
  /** Bytes the add probe moves per element when it is not 12 (an engine that also reduces c to a scalar: 16). */
  readonly addBytesPerElement?: number;
  /** Frees the probe's tensors. */
  dispose(): void;
}

/**
 * Matmul side: 512 (268 MFLOP per call, 2-15 ms), 256 on the plain-JS engine (about 1 GFLOP/s).
 * Operands of 1 MiB fit the caches, so the call is bound by arithmetic, as the compute roof means.
 * Short calls: on cores shared with other processes, many short calls include uncontended ones.
 */
const MATMUL_N = 512;
const SLOW_ENGINE_MATMUL_N = 256;
/**
 * Element-wise probe size: 2^23 float32 values = 32 MiB per tensor, 96 MiB moved per call: three
 * times this machine's 32 MiB L3 (and more than a desktop CPU's last-level cache), so the add
 * streams from memory, as the bandwidth roof means. With 48 MiB per call (the first version) part
 * of the data stayed in the L3, and how much depended on what other processes kept there: the
 * roof moved by 28 % between runs.
 */
export const ADD_ELEMENTS = 1 << 23;

/**
 * How long the kernels are run. The roof is an attainable peak: the best call counts, and a call
 * slowed by another process or a descheduled thread only loses. On a loaded machine few calls run
 * undisturbed and the load comes in bursts of seconds, so the kernels take turns in slices of
 * `sliceMs` (each kernel's calls spread over the whole measurement, not one burst), after
 * `warmupMs` of untimed calls each (thread pools started, pages touched, CPU clock up), until
 * every kernel has `minReps` calls and `minMs` have passed; at most `maxMs` (then at least 3 calls each).
 */
export interface RoofBudget {
  warmupMs: number;
  sliceMs: number;
  minReps: number;
  minMs: number;
  maxMs: number;
}

/** About 3 s of timed calls per engine, 4 s in all (once per engine and machine: the roofs are cached). */
export const ROOF_BUDGET: RoofBudget = { warmupMs: 150, sliceMs: 100, minReps: 20, minMs: 3000, maxMs: 10_000 };

/** A TF.js probe: each call waits for its result by reading back one value. */
export function tfRoofProbe(tf: Tf): RoofProbe {
  const held = new Map<string, import('@tensorflow/tfjs').Tensor[]>();
  // Constant inputs (fill is fast; the values do not change the kernels' speed).
  const inputs = (key: string, ...shapes: number[][]) => {
    let t = held.get(key);
    if (!t) held.set(key, (t = shapes.map((s) => tf.fill(s, 0.5))));
    return t;
  };
  const finish = async (y: import('@tensorflow/tfjs').Tensor): Promise<void> => {
    // One value read back: waits for the kernel on asynchronous engines without copying the result.
    const one = tf.tidy(() => tf.slice(y.reshape([-1]), 0, 1));
    await one.data();
    tf.dispose([y, one]);
  };
  return {
    matmulN: tf.getBackend() === 'cpu' ? SLOW_ENGINE_MATMUL_N : MATMUL_N,
    async matmul(n) {
      const [a, b] = inputs(`mm${n}`, [n, n], [n, n]);
      await finish(tf.matMul(a, b));
    },
    async pointwiseConv(n) {
      const s = n / 32;
      const [x, w] = inputs(`pw${n}`, [1, s, s, n], [1, 1, n, n]);
      await finish(tf.conv2d(x as import('@tensorflow/tfjs').Tensor4D, w as import('@tensorflow/tfjs').Tensor4D, 1, 'valid'));
    },
    async add(elements) {
      const [a, b] = inputs(`add${elements}`, [elements], [elements]);
      await finish(tf.add(a, b));
    },
    dispose() {
      for (const t of held.values()) tf.dispose(t);
      held.clear();
    },
  };
}

/** Best (shortest) call of each of `calls` and its number of timed calls, ms on the clock `now`, within `budget`. */
async function bestMs(calls: (() => Promise<void>)[], budget: RoofBudget, now: () => number): Promise<{ ms: number; reps: number }[]> {
  for (const call of calls) {
    const w0 = now();
    do await call();
    while (now() - w0 < budget.warmupMs);
  }
  const best = calls.map(() => ({ ms: Infinity, reps: 0 }));
  const t0 = now();
  for (;;) {
    for (const [k, call] of calls.entries()) {
      const s0 = now();
      let end: number;
      do {
        const s = now();
        await call();
        end = now();
        best[k].ms = Math.min(best[k].ms, end - s);
        best[k].reps++;
      } while (end - s0 < budget.sliceMs);
    }
    const elapsed = now() - t0;
    const fewest = Math.min(...best.map((b) => b.reps));
    if ((fewest >= budget.minReps && elapsed >= budget.minMs) || (fewest >= 3 && elapsed >= budget.maxMs)) return best;
  }
}

/** Short engine label: `wasm x2 SIMD`, `tensorflow-gpu x1 GPU`. */
export function engineLabel(info: EngineInfo): string {
  return `${info.name} x${info.threads}${info.simd ? ' SIMD' : ''}${info.gpu ? ' GPU' : ''}`;
}

/**
 * Measures both roofs with `probe`, on the engine's own threads. Compute: the best of a 512 x 512
 * matmul (2 x 512^3 FLOPs) and a 1x1 conv of [1, 16, 16, 512] by [1, 1, 512, 512] (n =
 * `probe.matmulN`: 256 on plain JS). Bandwidth: an element-wise add of 2^23 float32 values (reads
 * 2 x 32 MiB, writes 32 MiB). Each kernel is warmed up, then the three take turns within `budget`;
 * each one's best call counts (attainable, not typical).
 * @throws whatever the engine throws (out of memory, a missing kernel).
 */
export async function measureRoofs(probe: RoofProbe, engine: string, budget: RoofBudget = ROOF_BUDGET, now: () => number = () => performance.now()): Promise<EngineRoofs> {
  try {
    const n = probe.matmulN;
    const s = n / 32;
    const [mm, conv, add] = await bestMs([() => probe.matmul(n), () => probe.pointwiseConv(n), () => probe.add(ADD_ELEMENTS)], budget, now);
    const matmulGflops = (2 * n ** 3) / (mm.ms * 1e6);
    const convGflops = (2 * s * s * n * n) / (conv.ms * 1e6);
    const perElement = probe.addBytesPerElement ?? 12;
    const bytes = perElement * ADD_ELEMENTS;
    const mib = ADD_ELEMENTS * 4 / 2 ** 20;
    return {
      engine,
      computeGflops: Math.max(matmulGflops, convGflops),
      bandwidthGBs: bytes / (add.ms * 1e6),
      computeMethod:
        `best call after a warm-up: ${n}x${n} matmul ${matmulGflops.toFixed(1)} GFLOP/s (best of ${mm.reps}), ` +
        `1x1 conv [1,${s},${s},${n}] x [1,1,${n},${n}] ${convGflops.toFixed(1)} GFLOP/s (2 x ${s * s} x ${n}^2 FLOPs, best of ${conv.reps}); the higher counts`,
      bandwidthMethod:
        `best of ${add.reps} calls after a warm-up: element-wise add of ${ADD_ELEMENTS} float32 values ` +
        `(${perElement === 12 ? `2 x ${mib} MiB read, ${mib} MiB written` : `${perElement} bytes per value`} = ${bytes} bytes)`,
      measuredAt: new Date().toISOString(),
      cached: false,
    };
  } finally {
    probe.dispose();
  }
}

/** The user's cache folder for the CLI: `$XDG_CACHE_HOME/xception-profiler`, else `~/.cache/xception-profiler`. */
export function defaultRoofCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'xception-profiler');
}

/** Version of the measurement (probe sizes, budget): roofs measured another way are measured again. */
const ROOF_METHOD = 'method=3';

/** Cache key: the measurement, the engine (package, version, threads, SIMD, GPU) and the machine (CPU model and count, memory, host). */
export function roofCacheKey(info: EngineInfo): string {
  const cpus = os.cpus();
  return [
    ROOF_METHOD, info.name, info.backend, info.package, info.version, `threads=${info.threads}`, `simd=${info.simd ?? '-'}`, `gpu=${info.gpu ?? '-'}`,
    cpus[0]?.model ?? 'cpu', `${cpus.length} cpus`, `${os.totalmem()} B`, os.hostname(),
  ].join('|');
}

const CACHE_FILE = 'roofs.json';

function readCache(dir: string): Record<string, EngineRoofs> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(dir, CACHE_FILE), 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, EngineRoofs>) : {};
  } catch {
    return {}; // missing or unreadable: measure again
  }
}

function isRoofs(x: EngineRoofs | undefined): x is EngineRoofs {
  return !!x && x.computeGflops > 0 && x.bandwidthGBs > 0 && Number.isFinite(x.computeGflops) && Number.isFinite(x.bandwidthGBs);
}

/**
 * The engine's roofs from the cache in `cacheDir` (marked `cached: true`), or measured now with
 * `probe()` and written to the cache (a write failure is returned as `note`, never thrown).
 * `remeasure` skips the cache.
 */
export async function cachedRoofs(
  info: EngineInfo,
  probe: () => RoofProbe,
  options: { cacheDir?: string; remeasure?: boolean; /** Clock of the measurement, ms (tests use a fake one). */ now?: () => number } = {},
): Promise<{ roofs: EngineRoofs; note?: string }> {
  const dir = options.cacheDir ?? defaultRoofCacheDir();
  const key = roofCacheKey(info);
  const hit = options.remeasure ? undefined : readCache(dir)[key];
  if (isRoofs(hit)) return { roofs: { ...hit, cached: true } };
  const roofs = await measureRoofs(probe(), engineLabel(info), ROOF_BUDGET, options.now);
  try {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, CACHE_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...readCache(dir), [key]: roofs }, null, 1));
    renameSync(tmp, file); // atomic: a concurrent reader sees the old or the new file, never half
    return { roofs };
  } catch (error) {
    return { roofs, note: `roofs not cached in ${dir}: ${(error as Error).message}` };
  }
}

/** Puts the engine's roofs into the report (beside the layers' intensities). */
export function withRoofs(report: ArchitectureReport, roofs: EngineRoofs): ArchitectureReport {
  return { ...report, roofline: { batch: report.roofline?.batch ?? report.timing?.batchSize ?? 1, roofs } };
}
