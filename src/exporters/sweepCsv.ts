/**
 * CSV of a scaling sweep (`--sweep-csv`): one row per point, raw numbers, RFC 4180 as the layer
 * CSV (csv.ts). Per group (each flow, `separable convs`, `regular convs`): its MACs and summed
 * layer medians per pass.
 */
import type { SweepReport } from '../report/schema';
import { csvField } from './csv';

const num = (x: number | null | undefined): string => (x != null && Number.isFinite(x) ? String(Number(x.toFixed(4))) : '');

/** Column names: the point, then `<group>_macs`, `<group>_ms` per group (spaces as `_`). */
export function sweepCsvColumns(sweep: SweepReport): string[] {
  const groups = Object.keys(sweep.points[0]?.groups ?? {});
  return [
    'axis', 'batch_size', 'input_size', 'latency_ms', 'ms_per_image', 'images_per_s', 'macs',
    ...groups.flatMap((g) => [`${g.replace(/\s+/g, '_')}_macs`, `${g.replace(/\s+/g, '_')}_ms`]),
  ];
}

/** The sweep as CSV text (CRLF line ends, header first). */
export function sweepToCsv(sweep: SweepReport): string {
  const groups = Object.keys(sweep.points[0]?.groups ?? {});
  const rows = [
    sweepCsvColumns(sweep),
    ...sweep.points.map((p) => [
      sweep.axis, String(p.batchSize), String(p.inputSize), num(p.latencyMs), num(p.msPerImage), num(p.imagesPerSecond), String(p.macs),
      ...groups.flatMap((g) => [String(p.groups[g]?.macs ?? ''), num(p.groups[g]?.ms)]),
    ]),
  ];
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
