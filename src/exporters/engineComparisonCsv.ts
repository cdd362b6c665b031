/**
 * CSV of an engine comparison (`--engines ... --engines-csv FILE`): one row per layer, one
 * `<engine>_median_ms` column per engine (empty = n/a; `<engine>_folded_into` names the layer
 * whose node computed it on that engine), then one row per kind of work (`kind:<kind>`).
 * RFC 4180 as the layer CSV (csv.ts).
 */
import type { EngineComparison, EngineName } from '../report/schema';
import { csvField } from './csv';

const num = (x: number | null | undefined): string => (x != null && Number.isFinite(x) ? String(Number(x.toFixed(4))) : '');
// Engine ids are lowercase words joined by single hyphens (`tensorflow-gpu`): hyphens become `_`.
const col = (name: EngineName): string => name.replace(/-/g, '_');

/** Column names: layer, class, MACs, then per engine its median and folded-into columns. */
export function engineComparisonColumns(cmp: EngineComparison): string[] {
  return ['layer', 'class', 'macs', ...cmp.engines.flatMap((e) => [`${col(e.name)}_median_ms`, `${col(e.name)}_folded_into`])];
}

/** The comparison as CSV text (CRLF line ends, header first). */
export function engineComparisonToCsv(cmp: EngineComparison): string {
  const rows = [
    engineComparisonColumns(cmp),
    ...cmp.layers.map((l) => [l.name, l.className, String(l.macs), ...l.medianMs.flatMap((ms, i) => [num(ms), l.foldedInto[i] ?? ''])]),
    ...cmp.kinds.map((k) => [`kind:${k.kind}`, '', '', ...k.ms.flatMap((ms) => [num(ms), ''])]),
  ];
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
