/**
 * CSV export: one row per layer, in execution order, with raw numbers (no units, no thousands
 * separators) so that spreadsheets and pandas read them as numbers. RFC 4180: comma-separated,
 * CRLF line ends, fields with a comma, a double quote or a line break quoted, quotes doubled.
 * `parseCsv` reads the same dialect back (used by the round-trip test, and handy for scripts).
 */
import { formatKerasShape } from '../report/format';
import { layerFlops, type FlopsConvention } from '../report/flopsConvention';
import type { ArchitectureReport, LayerReport, LayerTiming } from '../report/schema';
import { batchOf, timingNaReason, untimedKernelsText } from '../report/viewModel';

/**
 * Column names, in order. The FLOPs column is `flops` (2 x MACs) or `flops_tf_profiler`. Counts
 * are per image (`macs`: multiply-accumulates; bias adds, BN and activations are in
 * `elementwise_ops`); times are wall time in ms for the whole batch of `batch_size` images, on
 * the engine in `engine`; `timing_note` says why a time is n/a, and how many kernels are untimed.
 */
export function csvColumns(convention: FlopsConvention): string[] {
  return [
    'layer',
    'class',
    'flow',
    'block',
    'input_shapes',
    'output_shape',
    'params_trainable',
    'params_non_trainable',
    'macs',
    convention === 'tf-profiler' ? 'flops_tf_profiler' : 'flops',
    'elementwise_ops',
    'activation_bytes',
    'weight_bytes',
    'median_ms',
    'p90_ms',
    'min_ms',
    'runs',
    'batch_size',
    'engine',
    'timing_note',
  ];
}

/** Quotes a field when RFC 4180 requires it (comma, double quote, CR or LF inside). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A time in ms with at most 4 decimals (0.1 µs), or empty when missing / not finite. */
function msField(ms: number | null | undefined): string {
  return ms != null && Number.isFinite(ms) ? String(Number(ms.toFixed(4))) : '';
}

/** Why a timed layer's numbers are incomplete: its n/a reason and its untimed kernels; empty when complete. */
function timingNote(t: LayerTiming): string {
  return [t.medianMs == null ? `n/a: ${timingNaReason(t) ?? 'no valid sample'}` : '', untimedKernelsText(t) ?? ''].filter(Boolean).join('; ');
}

function layerFields(report: ArchitectureReport, layer: LayerReport, convention: FlopsConvention): string[] {
  const t = layer.timing;
  return [
    layer.name,
    layer.className,
    layer.flow,
    layer.block,
    layer.inputShapes.map(formatKerasShape).join(' + '),
    formatKerasShape(layer.outputShape),
    String(layer.params.trainable),
    String(layer.params.nonTrainable),
    String(layer.macs),
    String(layerFlops(layer, convention)),
    String(layer.elementwiseOps),
    String(layer.activationBytes),
    String(layer.weightBytes),
    msField(t?.medianMs),
    msField(t?.p90Ms),
    msField(t?.minMs),
    t ? String(t.runs) : '',
    t ? String(batchOf(report)) : '',
    t ? (report.engine?.name ?? '') : '',
    t ? timingNote(t) : '',
  ];
}

/**
 * The report as CSV text: a header row (`csvColumns`), then one row per layer. Shapes are in
 * Keras's `(None, 37, 37, 728)` form; counts per image; times in ms (empty when not timed).
 */
export function reportToCsv(report: ArchitectureReport, convention: FlopsConvention = 'flops'): string {
  const rows = [csvColumns(convention), ...report.layers.map((l) => layerFields(report, l, convention))];
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * Parses RFC 4180 CSV (CRLF or LF line ends) into rows of fields. A final line end does not start
 * an empty row.
 * @throws Error naming the line when a quoted field is not closed or a quote is followed by
 *   something other than a comma or a line end.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let line = 1;
  let i = 0;
  const n = text.length;
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  const endRow = (): void => {
    endField();
    rows.push(row);
    row = [];
    line++;
  };
  while (i < n) {
    const c = text[i];
    if (c === '"' && field === '') {
      const start = line;
      i++;
      for (;;) {
        if (i >= n) throw new Error(`CSV: quoted field opened on line ${start} is not closed`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (text[i] === '\n') line++;
        field += text[i++];
      }
      if (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        throw new Error(`CSV: unexpected "${text[i]}" after a closing quote on line ${line}`);
      }
      continue;
    }
    if (c === ',') {
      endField();
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      i += 2;
    } else if (c === '\n') {
      endRow();
      i++;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}
