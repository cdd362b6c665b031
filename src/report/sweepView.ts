/**
 * The sweep's numbers as the CLI and the panel show them: the table of points (`sweepTable`) and
 * the growth of MACs and of time from the first point of an input-size sweep (`growthSeries`, the
 * chart's lines). `src/profiler/rooflineText.ts` (CLI) and `webview/charts/*` only render these.
 */
import { WHOLE_GROUP } from '../profiler/sweep';
import { formatCount, formatMs, isNum, NA } from './format';
import type { SweepPoint, SweepReport } from './schema';

/**
 * The sweep's points as a table: point (batch size or input size), latency (median wall time of
 * plain predict for the whole batch, on the sweep's engine), ms per image, images/s, MACs per pass,
 * and each group's time (sum of its profiled layer medians).
 */
export function sweepTable(s: SweepReport): { header: string[]; rows: string[][] } {
  const groups = Object.keys(s.points[0]?.groups ?? {});
  return {
    header: [s.axis === 'batch' ? 'Batch' : 'Input', `Latency (${s.engine})`, 'Per image', 'Images/s', 'MACs per pass', ...groups.map((g) => `${g[0].toUpperCase()}${g.slice(1)}`)],
    rows: s.points.map((p) => [
      s.axis === 'batch' ? String(p.batchSize) : `${p.inputSize}x${p.inputSize}`,
      formatMs(p.latencyMs),
      formatMs(p.msPerImage),
      isNum(p.imagesPerSecond) ? p.imagesPerSecond.toFixed(2) : NA,
      formatCount(p.macs),
      ...groups.map((g) => formatMs(p.groups[g]?.ms)),
    ]),
  };
}

/** One point of the input-size chart: growth of MACs and of time relative to the first point. */
export interface Growth {
  group: string;
  inputSize: number;
  macGrowth: number;
  timeGrowth: number;
}

/** Growth of MACs and time per group (and the whole model) from the first point; groups without times are left out. */
export function growthSeries(s: SweepReport): Growth[] {
  const first = s.points[0];
  const out: Growth[] = [];
  const groups = [...Object.keys(first?.groups ?? {}), WHOLE_GROUP];
  const cost = (group: string, p: SweepPoint): { macs: number; ms: number | null } | undefined => (group === WHOLE_GROUP ? { macs: p.macs, ms: p.latencyMs } : p.groups[group]);
  for (const group of groups) {
    const a = first && cost(group, first);
    if (!a || !a.macs || !a.ms) continue;
    for (const p of s.points) {
      const b = cost(group, p);
      if (b?.ms != null && b.macs > 0) out.push({ group, inputSize: p.inputSize, macGrowth: b.macs / a.macs, timeGrowth: b.ms / a.ms });
    }
  }
  return out;
}
