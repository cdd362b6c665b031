/**
 * The roofline chart (Observable Plot): log-log, arithmetic intensity (FLOPs per byte) against
 * achieved GFLOP/s; the engine's bandwidth roof (a slope) and compute roof (flat) meeting at the
 * ridge; one dot per layer, a separable conv as its depthwise and pointwise kernels, coloured by
 * kind. Each dot carries `data-layer` so the app can show the layer card and reveal the layer.
 */
import * as Plot from '@observablehq/plot';
import { attainableGflops, formatIntensity, memoryRoofGflops, ridgeIntensity, rooflinePoints, type RooflinePoint } from '../../src/profiler/roofline';
import type { ArchitectureReport, EngineRoofs, RooflineKind } from '../../src/report/schema';
import { cssVar, KIND_COLORS, KIND_LABELS, KIND_SYMBOLS, withNonce } from './theme';

type ShownKind = Exclude<RooflineKind, 'separable'>;

/** Dots that can be drawn: timed, with FLOPs and a positive intensity. */
export function drawablePoints(report: ArchitectureReport): RooflinePoint[] {
  return rooflinePoints(report).filter((p) => p.gflops != null && p.gflops > 0 && p.intensity > 0 && p.kind !== 'separable');
}

/** The roofs as a polyline over [x0, x1]: bandwidth x intensity up to the ridge, the peak after it. */
function roofLine(roofs: EngineRoofs, x0: number, x1: number): { x: number; y: number }[] {
  const ridge = ridgeIntensity(roofs);
  const xs = [x0, ...(ridge > x0 && ridge < x1 ? [ridge] : []), x1];
  return xs.map((x) => ({ x, y: attainableGflops(roofs, x) }));
}

/** Dot label for people and screen readers: `block4_sepconv2 (depthwise): 2.21 FLOP/B, 3.4 GFLOP/s`. */
export function dotLabel(p: RooflinePoint): string {
  return `${p.layer}${p.part === 'layer' ? '' : ` (${p.part})`}: ${formatIntensity(p.intensity)} FLOP/B, ${p.gflops?.toFixed(1)} GFLOP/s`;
}

/**
 * Renders the chart; undefined when no layer is timed yet. Dots (circles or symbol paths) carry
 * `data-layer` and `data-part`, in the order of `drawablePoints`.
 */
export function rooflineChart(report: ArchitectureReport, width: number): SVGSVGElement | undefined {
  const points = drawablePoints(report);
  if (!points.length) return undefined;
  const roofs = report.roofline?.roofs;
  const xs = points.map((p) => p.intensity);
  const ys = points.map((p) => p.gflops!);
  const ridge = roofs ? ridgeIntensity(roofs) : undefined;
  const x0 = Math.min(...xs, ridge ?? Infinity) / 2;
  const x1 = Math.max(...xs, ridge ?? 0) * 2;
  const y0 = Math.min(...ys) / 2;
  const y1 = Math.max(...ys, roofs?.computeGflops ?? 0) * 2;
  const fg = cssVar('--vscode-foreground', '#3b3b3b');
  const muted = cssVar('--vscode-descriptionForeground', '#717171');
  const kinds = (Object.keys(KIND_COLORS) as ShownKind[]).filter((k) => points.some((p) => p.kind === k));
  const color = (k: ShownKind): string => cssVar(...KIND_COLORS[k]);
  const marks: Plot.Markish[] = [Plot.gridX({ stroke: muted, strokeOpacity: 0.15 }), Plot.gridY({ stroke: muted, strokeOpacity: 0.15 })];
  if (roofs) {
    const line = roofLine(roofs, x0, x1);
    marks.push(
      Plot.line(line, { x: 'x', y: 'y', stroke: fg, strokeWidth: 2 }),
      Plot.text([line[line.length - 1]], { x: 'x', y: 'y', text: () => `compute roof ${roofs.computeGflops.toFixed(1)} GFLOP/s`, textAnchor: 'end', dy: -8, fill: fg }),
      Plot.text([{ x: x0 * 1.3, y: memoryRoofGflops(roofs, x0 * 1.3) }], {
        x: 'x', y: 'y', text: () => `bandwidth roof ${roofs.bandwidthGBs.toFixed(2)} GB/s`, textAnchor: 'start', dy: -8, fill: fg,
      }),
      Plot.ruleX([ridge!], { stroke: muted, strokeDasharray: '3,3' }),
      Plot.text([{ x: ridge!, y: y0 }], { x: 'x', y: 'y', text: () => `ridge ${formatIntensity(ridge!)} FLOP/B`, textAnchor: 'start', dx: 4, dy: -6, fill: muted }),
    );
  }
  marks.push(
    Plot.dot(points, {
      x: 'intensity', y: 'gflops', r: 4.5, fill: (p: RooflinePoint) => color(p.kind as ShownKind), symbol: (p: RooflinePoint) => KIND_SYMBOLS[p.kind as ShownKind],
      fillOpacity: 0.85, stroke: cssVar('--vscode-editor-background', '#fff'), strokeWidth: 0.75,
    }),
  );
  // Legend as marks in the empty top-left corner, so that it is part of the saved SVG.
  kinds.forEach((k, i) => {
    marks.push(
      Plot.dot([k], { frameAnchor: 'top-left', dx: 10, dy: 10 + i * 14, r: 4.5, fill: color(k), symbol: KIND_SYMBOLS[k] }),
      Plot.text([KIND_LABELS[k]], { frameAnchor: 'top-left', dx: 18, dy: 10 + i * 14, textAnchor: 'start', fill: fg }),
    );
  });
  const svg = Plot.plot({
    width,
    height: Math.round(Math.min(420, Math.max(260, width * 0.5))),
    marginLeft: 56,
    marginBottom: 40,
    style: { color: fg, background: 'transparent', fontSize: '11px' },
    symbol: { type: 'identity' },
    x: { type: 'log', domain: [x0, x1], tickFormat: '~g', label: 'Arithmetic intensity (FLOPs per byte moved) \u2192', labelAnchor: 'right', labelOffset: 34 },
    y: { type: 'log', domain: [y0, y1], tickFormat: '~g', label: '\u2191 Achieved GFLOP/s', labelAnchor: 'top' },
    marks,
  }) as SVGSVGElement;
  svg.classList.add('xp-chart', 'roofline-chart');
  svg.setAttribute('aria-label', `Roofline of ${report.model.name}: ${points.length} layer kernels${roofs ? ` under the roofs of ${roofs.engine}` : ''}`);
  // The first dot mark holds the layers (the legend's dots come after it), one element per point.
  const dots = svg.querySelector('g[aria-label="dot"]')?.children ?? [];
  Array.from(dots).forEach((c, i) => {
    const p = points[i];
    if (!p) return;
    c.setAttribute('data-layer', p.layer);
    c.setAttribute('data-part', p.part);
    c.setAttribute('aria-label', dotLabel(p));
    c.classList.add('roofline-dot');
  });
  return withNonce(svg);
}
