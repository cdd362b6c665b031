/**
 * The controls above the diagram, built from @vscode-elements/elements web components (which
 * style themselves with adoptedStyleSheets, allowed under the strict CSP), plus the legend, the
 * status line. Text is set with textContent only.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { METRIC_IDS, type MetricId } from '../src/report/messages';
import { DIAGRAM_METRICS } from '../src/report/diagramView';
import { scaleColor } from './metrics';
import type { PaintResult } from './paint';

/** Values read from a `vscode-single-select` / `vscode-textfield`. */
interface ValueElement extends HTMLElement {
  value: string;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, txt?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (txt !== undefined) e.textContent = txt;
  return e;
}

function custom(tag: string, attrs: Record<string, string> = {}, txt?: string): ValueElement {
  const e = document.createElement(tag) as ValueElement;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (txt !== undefined) e.textContent = txt;
  return e;
}

function select(id: string, label: string, options: [string, string][], value: string): ValueElement {
  const s = custom('vscode-single-select', { id, 'aria-label': label, title: label });
  for (const [v, text] of options) s.appendChild(custom('vscode-option', { value: v }, text));
  s.value = value;
  return s;
}

/** Callbacks of the toolbar. */
export interface ToolbarHandlers {
  onMetric(metric: MetricId): void;
  onSearch(query: string, reveal: boolean): void;
  onToggleMiddle(): void;
  /** Show every layer, or back to one summary row per block. */
  onToggleLayers(): void;
  onZoom(factor: number): void;
  onFit(): void;
  onCopyMarkdown(scope: string): void;
  onSave(format: 'svg' | 'png', scope: string): void;
}

/** The toolbar's elements the app updates. */
export class Toolbar {
  readonly root: HTMLElement;
  readonly metric: ValueElement;
  readonly search: ValueElement;
  readonly scope: ValueElement;
  readonly toggleMiddle: ValueElement;
  readonly toggleLayers: ValueElement;
  readonly searchCount: HTMLSpanElement;
  readonly legend: HTMLDivElement;
  readonly status: HTMLDivElement;

  constructor(parent: HTMLElement, metric: MetricId, h: ToolbarHandlers) {
    this.root = el('header', 'toolbar');
    this.metric = select(
      'metric',
      'Colour layers by',
      METRIC_IDS.map((id) => [id, DIAGRAM_METRICS[id].label]),
      metric,
    );
    this.metric.addEventListener('change', () => h.onMetric(this.metric.value as MetricId));
    this.search = custom('vscode-textfield', { id: 'search', placeholder: 'Filter layers by name or class', 'aria-label': 'Filter layers' });
    this.search.addEventListener('input', () => h.onSearch(this.search.value, false));
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') h.onSearch(this.search.value, true);
    });
    this.searchCount = el('span', 'search-count');
    this.toggleMiddle = custom('vscode-button', { id: 'toggle-middle', secondary: '' }, 'Expand middle flow');
    this.toggleMiddle.addEventListener('click', () => h.onToggleMiddle());
    this.toggleLayers = custom('vscode-button', { id: 'toggle-layers', secondary: '' }, 'Show all layers');
    this.toggleLayers.addEventListener('click', () => h.onToggleLayers());
    const zoomOut = custom('vscode-button', { id: 'zoom-out', secondary: '', title: 'Zoom out (-)', 'aria-label': 'Zoom out' }, '\u2212');
    const zoomIn = custom('vscode-button', { id: 'zoom-in', secondary: '', title: 'Zoom in (+)', 'aria-label': 'Zoom in' }, '+');
    const fit = custom('vscode-button', { id: 'fit', secondary: '', title: 'Fit to window (0)' }, 'Fit');
    zoomOut.addEventListener('click', () => h.onZoom(1 / 1.25));
    zoomIn.addEventListener('click', () => h.onZoom(1.25));
    fit.addEventListener('click', () => h.onFit());
    this.scope = select('scope', 'Export scope', [['all', 'Whole diagram']], 'all');
    const copy = custom('vscode-button', { id: 'copy-md' }, 'Copy as Markdown table');
    const svg = custom('vscode-button', { id: 'save-svg', secondary: '' }, 'Save as SVG');
    const png = custom('vscode-button', { id: 'save-png', secondary: '' }, 'Save as PNG');
    copy.addEventListener('click', () => h.onCopyMarkdown(this.scope.value || 'all'));
    svg.addEventListener('click', () => h.onSave('svg', this.scope.value || 'all'));
    png.addEventListener('click', () => h.onSave('png', this.scope.value || 'all'));

    const view = el('div', 'tb-group');
    view.append(this.metric, this.search, this.searchCount);
    const nav = el('div', 'tb-group');
    nav.append(this.toggleLayers, this.toggleMiddle, zoomOut, zoomIn, fit);
    const exp = el('div', 'tb-group');
    exp.append(this.scope, copy, svg, png);
    this.root.append(view, nav, exp);

    this.legend = el('div', 'legend');
    this.legend.id = 'legend';
    this.status = el('div', 'status');
    this.status.id = 'status';
    this.status.setAttribute('role', 'status');
    parent.append(this.root, this.legend, this.status);
  }

  /** Lists the flows in the export-scope picker. */
  setFlows(flows: { name: string; title: string }[]): void {
    const keep = this.scope.value;
    this.scope.replaceChildren(custom('vscode-option', { value: 'all' }, 'Whole diagram'));
    for (const f of flows) this.scope.appendChild(custom('vscode-option', { value: f.name }, f.title));
    this.scope.value = flows.some((f) => f.name === keep) ? keep : 'all';
  }

  /** Shows or hides the middle-flow toggle and sets its label. */
  setMiddleToggle(visible: boolean, collapsed: boolean): void {
    this.toggleMiddle.hidden = !visible;
    this.toggleMiddle.textContent = collapsed ? 'Expand middle flow (\u00d7 8)' : 'Collapse middle flow';
  }

  /** Shows or hides the layers toggle and sets its label (every layer shown or not). */
  setLayersToggle(visible: boolean, allOpen: boolean): void {
    this.toggleLayers.hidden = !visible;
    this.toggleLayers.textContent = allOpen ? 'Summarize blocks' : 'Show all layers';
  }

  /** Redraws the legend for the last paint (`legendSpec` in src/report/diagramView.ts says what it shows). */
  setLegend(p: PaintResult): void {
    const spec = p.legend;
    const items: HTMLElement[] = [el('span', 'legend-title', `${spec.title}:`)];
    for (const step of spec.steps) {
      const item = el('span', 'legend-item');
      const sw = el('span', 'swatch');
      sw.style.background = scaleColor(p.metric, step.t);
      item.append(sw, document.createTextNode(step.label));
      items.push(item);
    }
    const na = el('span', 'legend-item');
    na.append(el('span', 'swatch no-data'), document.createTextNode(spec.noValue));
    items.push(na);
    for (const note of spec.notes) items.push(el('span', 'legend-note', note));
    this.legend.replaceChildren(...items);
  }
}
