/**
 * No view computes a number (docs/DESIGN.md: numbers are computed once, in analysis and profiler;
 * the view-model in src/report/ turns them into the text every view shows). A static check over
 * the views' source: no file of webview/, src/extension/ or src/exporters/ (nor the CLI) does
 * arithmetic on a numeric field of the report (`a.macs + b.macs`, `l.timing.medianMs / pass`,
 * `params.trainable + params.nonTrainable`), sums with `reduce` or `+=`, or calls a helper that
 * sums or divides (`sumGroupTotals`, `gflopsPerSecond`...). The numeric fields are read from
 * src/report/schema.ts, so a new field is checked too. Layout files (pixel geometry) are not
 * views of numbers and are left out. A heuristic over the text: it catches what the views did
 * before the view-model (test below), not every way to compute.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

/** Pixel geometry, not report numbers. */
const LAYOUT_FILES = new Set(['webview/dagLayout.ts', 'webview/flowsLayout.ts', 'webview/panZoom.ts', 'webview/geometry.ts', 'webview/layout.ts']);

/**
 * Lines allowed to compute, each with why: the trace lays out a synthetic run (its own time axis,
 * kernels scaled to fit their layer), and chart axes pad their domains.
 */
const ALLOWED: { file: string; line: RegExp; why: string }[] = [
  { file: 'src/exporters/trace.ts', line: /kernelNs\.reduce/, why: "the synthetic run's kernels are scaled to fit inside their layer" },
  { file: 'webview/charts/sweepChart.ts', line: /domain: \[/, why: 'axis padding of the chart' },
];

/** Helpers that compute (sum, divide, scale): only the view-model and the core call them. */
const COMPUTING_HELPERS = ['gflopsPerSecond', 'sumGroupTotals', 'sumCount', 'groupsMedianMs', 'passGap', 'scalePosition', 'scaleValue', 'layerIntensity', 'partMedianMs'];

/** `+=` lines that are not report numbers: text scanners and the CSV parser move an index, the app counts its own updates, the trace its clock. */
const ACCUMULATING: { file: string; line: RegExp }[] = [
  { file: 'src/exporters/csv.ts', line: /\b(i|field) \+= / },
  { file: 'src/extension/hover.ts', line: /\bj \+= line\[j\] === / },
  { file: 'src/extension/hints.ts', line: /\bi \+= text\[i\] === / },
  { file: 'webview/app.ts', line: /this\.stats\.totalUpdateMs \+= dt|shown \+= hits/ },
  { file: 'src/exporters/trace.ts', line: /k0 \+= dur/ },
];

/** Names of the report's numeric fields (`macs: number`, `medianMs: number | null`, `ms: (number | null)[]`). */
function numericFields(): string[] {
  const schema = readFileSync(join(ROOT, 'src/report/schema.ts'), 'utf8');
  const names = new Set<string>();
  for (const m of schema.matchAll(/\b(\w+)\??: (?:number\b|\(number \| null\)\[\])/g)) names.add(m[1]);
  return [...names];
}

/** Lines of `source` that compute with report numbers: `path:line: text`. */
export function computingLines(file: string, source: string, fields: string[]): string[] {
  const f = fields.join('|');
  // A numeric field next to + - * / % (not a comment, not `+=` of a local), or a reduce.
  const arithmetic = new RegExp(`\\.(?:${f})\\b[!?]?\\s*[-+*/%](?![/*=>])|(?<![/*=<>!])[-+*/%]\\s*[\\w.?!\\])]*\\.(?:${f})\\b(?!\\()|\\.reduce\\(`);
  const helper = new RegExp(`\\b(?:${COMPUTING_HELPERS.join('|')})\\b`);
  const hits: string[] = [];
  source.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '').replace(/'[^']*'|`[^`]*`/g, "''");
    const t = code.trim();
    if (t.startsWith('*') || t.startsWith('/*')) return;
    const computes =
      (arithmetic.test(code) && !ALLOWED.some((a) => a.file === file && a.line.test(line))) ||
      helper.test(code) ||
      (/\+=/.test(code) && !ACCUMULATING.some((a) => a.file === file && a.line.test(line)));
    if (computes) hits.push(`${file}:${i + 1}: ${line.trim()}`);
  });
  return hits;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('views compute nothing', () => {
  const fields = numericFields();

  it('finds arithmetic on report numbers (the check can fail)', () => {
    expect(fields).toEqual(expect.arrayContaining(['macs', 'flops', 'medianMs', 'trainable', 'nonTrainable', 'layerSumMs', 'activationBytes']));
    const src = [
      'const total = a.macs + b.macs;',
      'const share = l.timing.medianMs! / pass;',
      'const n = t.params.trainable + t.params.nonTrainable;',
      'const sum = layers.map((l) => l.flops).reduce((x, y) => x + y, 0);',
      'const pct = 100 * g.totals.activationBytes;',
      'for (const l of layers) total += ms(l);',
      "import { sumGroupTotals } from '../src/report/viewModel';",
      "el.textContent = formatMs(l.timing?.medianMs); // 2 * x in a comment",
      "const label = 'macs / image';",
    ].join('\n');
    expect(computingLines('webview/x.ts', src, fields).map((h) => Number(h.split(':')[1]))).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('no view, exporter or the CLI computes with a report number', () => {
    const files = [...tsFiles(join(ROOT, 'webview')), ...tsFiles(join(ROOT, 'src/extension')), ...tsFiles(join(ROOT, 'src/exporters')), join(ROOT, 'src/cli.ts')];
    const hits = files
      .map((p) => relative(ROOT, p))
      .filter((f) => !LAYOUT_FILES.has(f))
      .flatMap((f) => computingLines(f, readFileSync(join(ROOT, f), 'utf8'), fields));
    expect(hits).toEqual([]);
  });
});
