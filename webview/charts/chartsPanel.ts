/**
 * The chart sections below the diagram: the roofline (`<details id="roofline">`) and the scaling
 * sweep (`<details id="sweep">`), each with Save as SVG / PNG (like the diagram) and, for the
 * sweep, its table, its findings and Copy as CSV / JSON. Charts are drawn when their section is
 * open, again on theme changes and (throttled) when live timings arrive. Text nodes only.
 */
import { sweepToCsv } from '../../src/exporters/sweepCsv';
import { ridgeIntensity } from '../../src/profiler/roofline';
import type { ArchitectureReport, SweepReport } from '../../src/report/schema';
import { bakedClone, pngDataUrl, serializeWithBackground } from '../exporting';
import { sweepTable } from '../../src/report/sweepView';
import { loadCharts, type ChartsModule } from './load';
import { onThemeChange } from './theme';

/** What the chart sections ask of the app. */
export interface ChartHandlers {
  /** Pointer or focus on a roofline dot (show the layer card next to it); undefined = left it. */
  onHoverLayer(layer: string | undefined, anchor?: Element): void;
  /** Click or Enter on a roofline dot: reveal the layer in the diagram. */
  onReveal(layer: string): void;
  onSave(format: 'svg' | 'png', data: string): void;
  onCopy(text: string): void;
  /** Run a sweep in the host (VS Code only; undefined in the standalone report). */
  onRunSweep?: (axis: 'batch' | 'input', values: number[]) => void;
}

/** Default values of the panel's sweep form. */
const SWEEP_DEFAULTS = { batch: '1,2,4,8', input: '71,150,224,299' } as const;

/** Live timings redraw the roofline at most this often, ms. */
const REDRAW_MS = 2000;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, txt?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (txt !== undefined) e.textContent = txt;
  return e;
}

function button(id: string, text: string, onClick: () => void): HTMLElement {
  const b = document.createElement('vscode-button');
  b.id = id;
  b.setAttribute('secondary', '');
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

/** A chart SVG as a standalone document (theme colours baked in, background added). */
export function chartSvgDocument(svg: SVGSVGElement): string {
  const cache = new Map<string, string>();
  const w = Number(svg.getAttribute('width'));
  const h = Number(svg.getAttribute('height'));
  const clone = bakedClone(svg, cache);
  return serializeWithBackground(clone, { x: 0, y: 0, w, h }, clone.firstChild, cache);
}

/** The roofline and sweep sections. */
export class ChartsPanel {
  readonly roofline: HTMLDetailsElement;
  readonly sweep: HTMLDetailsElement;
  private report: ArchitectureReport | undefined;
  private rooflineSvg: SVGSVGElement | undefined;
  private sweepSvg: SVGSVGElement | undefined;
  private readonly rooflineBox: HTMLDivElement;
  private readonly sweepBox: HTMLDivElement;
  private lastDraw = 0;
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(bottom: HTMLElement, private readonly h: ChartHandlers) {
    this.roofline = el('details', 'panel chart-panel');
    this.roofline.id = 'roofline';
    this.roofline.hidden = true;
    this.rooflineBox = el('div', 'chart-box');
    this.sweep = el('details', 'panel chart-panel');
    this.sweep.id = 'sweep';
    this.sweep.hidden = true;
    this.sweepBox = el('div', 'chart-box');
    bottom.append(this.roofline, this.sweep);
    this.roofline.addEventListener('toggle', () => this.drawRoofline());
    this.sweep.addEventListener('toggle', () => this.drawSweep());
    this.bindDots();
    onThemeChange(() => {
      this.drawRoofline();
      this.drawSweep();
    });
  }

  /** A new report: both sections rebuilt. */
  setReport(report: ArchitectureReport): void {
    this.report = report;
    this.buildRoofline(report);
    this.buildSweep(report.sweep);
  }

  /** Live timings changed the layers' medians: redraw the roofline (throttled). */
  timingsChanged(): void {
    if (!this.roofline.open || this.pending) return;
    const wait = Math.max(0, this.lastDraw + REDRAW_MS - performance.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.drawRoofline();
    }, wait);
  }

  private buildRoofline(report: ArchitectureReport): void {
    const roofs = report.roofline?.roofs;
    const hasPoints = report.layers.some((l) => l.roofline?.length);
    this.roofline.hidden = !hasPoints;
    if (!hasPoints) return;
    const summary = el(
      'summary',
      undefined,
      roofs
        ? `Roofline: ${roofs.engine}, compute roof ${roofs.computeGflops.toFixed(1)} GFLOP/s, bandwidth roof ${roofs.bandwidthGBs.toFixed(2)} GB/s, ridge ${ridgeIntensity(roofs).toFixed(1)} FLOP/B`
        : 'Roofline: arithmetic intensity per layer (roofs not measured)',
    );
    const body = el('div', 'panel-body');
    const notes: HTMLElement[] = [
      el(
        'p',
        'muted',
        'Each dot is a layer (a separable conv as its depthwise and pointwise kernels): FLOPs per byte moved (inputs, weights and outputs read or written once) against achieved GFLOP/s. ' +
          'Left of the ridge a layer is memory-bound (its ceiling is the bandwidth roof), right of it compute-bound. Hover a dot for its layer card; click it to show the layer in the diagram.',
      ),
    ];
    if (roofs) notes.push(el('p', 'muted', `Compute roof: ${roofs.computeMethod}. Bandwidth roof: ${roofs.bandwidthMethod}. ${roofs.cached ? 'Cached' : 'Measured'} ${roofs.measuredAt}.`));
    const actions = el('div', 'chart-actions');
    actions.append(
      button('roofline-save-svg', 'Save as SVG', () => this.rooflineSvg && this.h.onSave('svg', chartSvgDocument(this.rooflineSvg))),
      button('roofline-save-png', 'Save as PNG', () => void this.savePng(this.rooflineSvg)),
    );
    body.append(this.rooflineBox, ...notes, actions);
    this.roofline.replaceChildren(summary, body);
    this.drawRoofline();
  }

  private buildSweep(s: SweepReport | undefined): void {
    const form = this.h.onRunSweep && this.report?.timing ? this.sweepForm(this.h.onRunSweep) : undefined;
    this.sweep.hidden = !s && !form;
    if (!s) {
      if (form) this.sweep.replaceChildren(el('summary', undefined, 'Scaling sweep: how time grows with batch size and input size'), form);
      else this.sweep.replaceChildren();
      return;
    }
    const axis = s.axis === 'batch' ? 'Batch' : 'Input-size';
    const summary = el('summary', undefined, `${axis} sweep on ${s.engine}: ${s.findings[0] ?? ''}`);
    const body = el('div', 'panel-body');
    const findings = el('ul', 'sweep-findings');
    for (const f of s.findings) findings.appendChild(el('li', undefined, f));
    const actions = el('div', 'chart-actions');
    actions.append(
      button('sweep-save-svg', 'Save as SVG', () => this.sweepSvg && this.h.onSave('svg', chartSvgDocument(this.sweepSvg))),
      button('sweep-save-png', 'Save as PNG', () => void this.savePng(this.sweepSvg)),
      button('sweep-copy-csv', 'Copy as CSV', () => this.h.onCopy(sweepToCsv(s))),
      button('sweep-copy-json', 'Copy as JSON', () => this.h.onCopy(JSON.stringify(s, null, 1))),
    );
    body.append(this.sweepBox, findings, sweepTableEl(s), actions);
    this.sweep.replaceChildren(summary, ...(form ? [form] : []), body);
    this.drawSweep();
  }

  /** Axis, values and a Run button; the host profiles each point and sends the report back. */
  private sweepForm(run: (axis: 'batch' | 'input', values: number[]) => void): HTMLElement {
    const form = el('div', 'chart-actions sweep-form');
    const axis = document.createElement('vscode-single-select') as HTMLElement & { value: string };
    axis.id = 'sweep-axis';
    axis.setAttribute('aria-label', 'Sweep over');
    for (const [v, t] of [['batch', 'Batch size'], ['input', 'Input size']]) {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', v);
      o.textContent = t;
      axis.appendChild(o);
    }
    const values = document.createElement('vscode-textfield') as HTMLElement & { value: string };
    values.id = 'sweep-values';
    values.setAttribute('aria-label', 'Values, comma-separated');
    values.value = SWEEP_DEFAULTS.batch;
    const error = el('span', 'muted');
    axis.addEventListener('change', () => {
      values.value = SWEEP_DEFAULTS[axis.value === 'input' ? 'input' : 'batch'];
    });
    const start = button('sweep-run', 'Run sweep', () => {
      const list = values.value.split(',').map((v) => Number(v.trim()));
      if (list.length < 2 || list.some((v) => !Number.isInteger(v) || v < 1)) {
        error.textContent = 'Give two or more whole numbers, comma-separated.';
        return;
      }
      error.textContent = 'Running: each point is profiled on the same engine; the charts update when it is done.';
      run(axis.value === 'input' ? 'input' : 'batch', list);
    });
    start.removeAttribute('secondary');
    form.append(el('span', undefined, 'Sweep'), axis, values, start, error);
    return form;
  }

  private width(box: HTMLElement): number {
    return Math.max(420, Math.min(900, (box.clientWidth || this.roofline.parentElement?.clientWidth || 800) - 8));
  }

  /** Runs `draw` with the chart drawers, loaded on first use (load.ts); a failed load is said in `box`. */
  private withCharts(box: HTMLElement, draw: (charts: ChartsModule) => void): void {
    loadCharts().then(draw, (e: Error) => box.replaceChildren(el('p', 'muted', `The charts could not be loaded: ${e.message}`)));
  }

  private drawRoofline(): void {
    if (!this.report || !this.roofline.open) return;
    this.lastDraw = performance.now();
    this.withCharts(this.rooflineBox, (charts) => {
      if (!this.report || !this.roofline.open) return;
      this.rooflineSvg = charts.rooflineChart(this.report, this.width(this.rooflineBox));
      this.rooflineBox.replaceChildren(this.rooflineSvg ?? el('p', 'muted', 'No layer timed yet: dots appear once the layers are profiled.'));
    });
  }

  private drawSweep(): void {
    if (!this.report?.sweep || !this.sweep.open) return;
    this.withCharts(this.sweepBox, (charts) => {
      const s = this.report?.sweep;
      if (!s || !this.sweep.open) return;
      this.sweepSvg = charts.sweepChart(s, this.width(this.sweepBox));
      this.sweepBox.replaceChildren(this.sweepSvg ?? el('p', 'muted', 'No sweep point was timed.'));
    });
  }

  private async savePng(svg: SVGSVGElement | undefined): Promise<void> {
    if (!svg) return;
    try {
      this.h.onSave('png', await pngDataUrl(chartSvgDocument(svg)));
    } catch (e) {
      console.warn('save failed', e);
    }
  }

  /** Dots: hover/focus shows the layer card, click/Enter reveals the layer. */
  private bindDots(): void {
    const dot = (t: EventTarget | null): Element | null => (t instanceof Element ? t.closest('[data-layer]') : null);
    this.rooflineBox.addEventListener('pointerover', (e) => {
      const d = dot(e.target);
      if (d) this.h.onHoverLayer(d.getAttribute('data-layer') ?? undefined, d);
    });
    this.rooflineBox.addEventListener('pointerout', (e) => {
      if (dot(e.target) && !dot(e.relatedTarget)) this.h.onHoverLayer(undefined);
    });
    this.rooflineBox.addEventListener('click', (e) => {
      const name = dot(e.target)?.getAttribute('data-layer');
      if (name) this.h.onReveal(name);
    });
  }
}

/** The sweep's points as a table (the view-model's `sweepTable`, as the CLI prints it). */
function sweepTableEl(s: SweepReport): HTMLTableElement {
  const view = sweepTable(s);
  const table = el('table', 'cmp-table sweep-table');
  const head = table.createTHead().insertRow();
  for (const h of view.header) head.appendChild(el('th', undefined, h));
  const body = table.createTBody();
  for (const [point, ...cells] of view.rows) {
    const tr = body.insertRow();
    tr.appendChild(el('th', undefined, point));
    for (const c of cells) tr.appendChild(el('td', 'num', c));
  }
  return table;
}
