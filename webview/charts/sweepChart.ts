/**
 * The scaling-sweep chart (Observable Plot).
 * - Batch sweep: time per image (ms) against batch size, each dot labelled with its throughput
 *   (images/s), and a rule where time per image stops falling.
 * - Input sweep: log-log growth of measured time against growth of MACs from the smallest input,
 *   one line per group (flows, separable convs, regular convs, whole model), and the diagonal
 *   where time grows exactly as MACs do.
 */
import * as Plot from '@observablehq/plot';
import { WHOLE_GROUP } from '../../src/profiler/sweep';
import type { SweepReport } from '../../src/report/schema';
import { growthSeries } from '../../src/report/sweepView';
import { cssVar, seriesColors, withNonce } from './theme';

/** Renders the sweep chart; undefined without timed points. */
export function sweepChart(s: SweepReport, width: number): SVGSVGElement | undefined {
  const fg = cssVar('--vscode-foreground', '#3b3b3b');
  const muted = cssVar('--vscode-descriptionForeground', '#717171');
  const accent = cssVar('--vscode-charts-blue', '#1a85ff');
  const height = Math.round(Math.min(360, Math.max(240, width * 0.42)));
  const common = { width, height, marginLeft: 56, marginBottom: 40, marginRight: 24, style: { color: fg, background: 'transparent', fontSize: '11px' } };
  let svg: SVGSVGElement;
  if (s.axis === 'batch') {
    const pts = s.points.filter((p) => p.msPerImage != null);
    if (!pts.length) return undefined;
    const plateau = s.plateauBatch;
    const marks: Plot.Markish[] = [
      Plot.gridY({ stroke: muted, strokeOpacity: 0.15 }),
      Plot.line(pts, { x: 'batchSize', y: 'msPerImage', stroke: accent, strokeWidth: 2 }),
      Plot.dot(pts, { x: 'batchSize', y: 'msPerImage', fill: accent, r: 4 }),
      Plot.text(pts, { x: 'batchSize', y: 'msPerImage', text: (p: (typeof pts)[number]) => `${p.imagesPerSecond?.toFixed(2)} img/s`, dy: -12, fill: fg }),
    ];
    if (plateau != null) {
      marks.push(
        Plot.ruleX([plateau], { stroke: muted, strokeDasharray: '4,3' }),
        Plot.text([plateau], { x: (d: number) => d, frameAnchor: 'bottom', text: () => `stops falling at batch ${plateau}`, dx: 4, dy: -6, textAnchor: 'start', fill: muted }),
      );
    }
    const maxMs = Math.max(...pts.map((p) => p.msPerImage!));
    svg = Plot.plot({
      ...common,
      x: { type: 'log', base: 2, domain: [pts[0].batchSize / 1.3, pts[pts.length - 1].batchSize * 1.3], ticks: pts.map((p) => p.batchSize), tickFormat: (d: number) => String(d), label: 'Batch size (images per pass) \u2192', labelAnchor: 'right', labelOffset: 34 },
      y: { domain: [0, maxMs * 1.2], label: '\u2191 Time per image (ms); labels: throughput', labelAnchor: 'top' },
      marks,
    }) as SVGSVGElement;
  } else {
    const data = growthSeries(s);
    if (!data.length) return undefined;
    const groups = [...new Set(data.map((d) => d.group))];
    const colors = seriesColors();
    const colorOf = (g: string): string => (g === WHOLE_GROUP ? fg : colors[groups.indexOf(g) % colors.length]);
    const max = Math.max(...data.map((d) => Math.max(d.macGrowth, d.timeGrowth)));
    const min = Math.min(...data.map((d) => Math.min(d.macGrowth, d.timeGrowth)));
    const marks: Plot.Markish[] = [
      Plot.gridX({ stroke: muted, strokeOpacity: 0.15 }),
      Plot.gridY({ stroke: muted, strokeOpacity: 0.15 }),
      Plot.line([{ x: min, y: min }, { x: max * 1.1, y: max * 1.1 }], { x: 'x', y: 'y', stroke: muted, strokeDasharray: '4,3' }),
      Plot.text([{ x: max * 1.1, y: max * 1.1 }], { x: 'x', y: 'y', text: () => 'time \u221d MACs', textAnchor: 'end', dy: -8, fill: muted }),
    ];
    for (const g of groups) {
      const series = data.filter((d) => d.group === g);
      marks.push(
        Plot.line(series, { x: 'macGrowth', y: 'timeGrowth', stroke: colorOf(g), strokeWidth: g === WHOLE_GROUP ? 2.5 : 1.5 }),
        Plot.dot(series, { x: 'macGrowth', y: 'timeGrowth', fill: colorOf(g), r: 3 }),
      );
    }
    groups.forEach((g, i) =>
      marks.push(
        Plot.dot([g], { frameAnchor: 'top-left', dx: 10, dy: 10 + i * 14, r: 4, fill: colorOf(g) }),
        Plot.text([g], { frameAnchor: 'top-left', dx: 18, dy: 10 + i * 14, textAnchor: 'start', fill: fg }),
      ),
    );
    const sizes = s.points.map((p) => `${p.inputSize}`).join(', ');
    svg = Plot.plot({
      ...common,
      x: { type: 'log', domain: [min / 1.1, max * 1.2], tickFormat: '~g', label: `MACs growth from ${s.points[0].inputSize}x${s.points[0].inputSize} (inputs ${sizes}) \u2192`, labelAnchor: 'right', labelOffset: 34 },
      y: { type: 'log', domain: [min / 1.1, max * 1.2], tickFormat: '~g', label: '\u2191 Measured time growth', labelAnchor: 'top' },
      marks,
    }) as SVGSVGElement;
  }
  svg.classList.add('xp-chart', 'sweep-chart');
  svg.setAttribute('aria-label', `${s.axis === 'batch' ? 'Batch' : 'Input-size'} sweep: ${s.findings.join(' ')}`);
  return withNonce(svg);
}
