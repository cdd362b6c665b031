/**
 * `npm run bench -- --roofs`: measures the default engine's roofs several times, uncached, and
 * prints each run and the spread, so that their stability (target: within +-15 % of the mean over
 * three runs) is checked on the machine, never by a timed unit test.
 */
import * as os from 'node:os';
import type { ResolvedEngine } from '../engine/resolve';
import { ortRoofProbe } from '../engine/onnxruntimeRoofs';
import { engineLabel, measureRoofs, tfRoofProbe } from './roofs';

/** Largest accepted deviation of one run's roof from the mean of the runs. */
export const ROOF_STABILITY = 0.15;

/** The machine's load, as `uptime` gives it: the numbers are meaningful only beside it. */
export function loadText(): string {
  return `load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} on ${os.cpus().length} CPUs`;
}

/** Worst |x - mean| / mean over `xs`. */
export function worstDeviation(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.max(...xs.map((x) => Math.abs(x - mean) / mean));
}

/** Measures `runs` times and prints the roofs, their deviation from the mean and the verdict. */
export async function printRoofStability(engine: ResolvedEngine, runs: number): Promise<boolean> {
  const label = engineLabel(engine.info);
  console.log(`== roofs of ${label} (${engine.info.package} ${engine.info.version}), ${runs} uncached measurements; ${loadText()}`);
  const all = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await measureRoofs(engine.ort ? ortRoofProbe(engine.ort) : tfRoofProbe(engine.tf), label);
    all.push(r);
    console.log(`   run ${i + 1}: compute ${r.computeGflops.toPrecision(3)} GFLOP/s, bandwidth ${r.bandwidthGBs.toPrecision(3)} GB/s, ridge ${(r.computeGflops / r.bandwidthGBs).toPrecision(2)} FLOP/B (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  console.log(`   compute: ${all[0].computeMethod}`);
  console.log(`   bandwidth: ${all[0].bandwidthMethod}`);
  const dc = worstDeviation(all.map((r) => r.computeGflops));
  const db = worstDeviation(all.map((r) => r.bandwidthGBs));
  const ok = dc <= ROOF_STABILITY && db <= ROOF_STABILITY;
  console.log(`   worst deviation from the mean: compute ${(100 * dc).toFixed(1)} %, bandwidth ${(100 * db).toFixed(1)} % (target <= ${100 * ROOF_STABILITY} %: ${ok ? 'met' : 'NOT met'})`);
  return ok;
}
