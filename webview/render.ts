/**
 * Builds the diagram's SVG DOM from a layout, once per report (or collapse toggle). All model
 * text goes in through text nodes (`textContent`), never markup. Colours and numbers are painted
 * afterwards by `paint.ts`, which only touches the elements indexed here.
 */
import type { Diagnostic } from '../src/report/schema';
import { formatShape } from '../src/report/format';
import type { BlockBox, Layout } from './geometry';
import { blockRowText } from '../src/report/diagramView';
import { blockTitle, opLabel } from './labels';
import type { ReportModel } from './model';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes (attributes only: never `style` markup). */
export function svgEl<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  parent?: Element,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (parent) parent.appendChild(el);
  return el;
}

function text(parent: Element, content: string, attrs: Record<string, string | number>): SVGTextElement {
  const t = svgEl('text', attrs, parent);
  t.textContent = content;
  return t;
}

/** The elements of one layer that painting updates. */
export interface LayerEls {
  g: SVGGElement;
  box: SVGRectElement;
}

/** The elements of one block that painting updates. */
export interface BlockEls {
  g: SVGGElement;
  header: SVGGElement;
  bar: SVGRectElement;
  value: SVGTextElement;
  /** Width of the bar at 100 %, px. */
  barMax: number;
  /** A closed block's row, filled by the metric like a layer box (undefined when open). */
  row?: SVGRectElement;
}

/** The rendered diagram and its indexes. */
export interface DiagramView {
  svg: SVGSVGElement;
  /** The group pan/zoom transforms. */
  viewport: SVGGElement;
  layout: Layout;
  layers: Map<string, LayerEls>;
  /** Keyed by the block box's name (for a collapsed repeat, its first block). */
  blocks: Map<string, BlockEls>;
  flowSubtitles: Map<string, SVGTextElement>;
}

/** Severity order: the marker of a layer shows its worst diagnostic. */
const SEVERITY_RANK: Record<Diagnostic['severity'], number> = { error: 3, warning: 2, info: 1 };

/** True for the analysis' "layer ... is not supported" diagnostic (an unknown Keras class). */
export function isUnsupportedDiagnostic(d: Diagnostic): boolean {
  return d.code === 'unsupported-layer';
}

/** The worst diagnostic of a list (errors before warnings before infos); undefined when empty. */
export function worstDiagnostic(list: Diagnostic[]): Diagnostic | undefined {
  let worst: Diagnostic | undefined;
  for (const d of list) if (!worst || SEVERITY_RANK[d.severity] > SEVERITY_RANK[worst.severity]) worst = d;
  return worst;
}

/**
 * Marks a layer that has diagnostics: a class on its group (outline colour by severity, dashed for
 * an unsupported layer), a small badge at the box's top-right corner with an aria-label and an SVG
 * <title> naming the severity and the message (text nodes only).
 */
function markDiagnostics(lg: SVGGElement, box: { x: number; y: number; w: number; h: number }, list: Diagnostic[]): void {
  const worst = worstDiagnostic(list);
  if (!worst) return;
  const unsupported = list.some(isUnsupportedDiagnostic);
  lg.classList.add('has-diag', `diag-${worst.severity}`);
  if (unsupported) lg.classList.add('unsupported');
  const label = `${unsupported ? 'not supported' : worst.severity}: ${list.map((d) => d.message).join('; ')}`;
  const badge = svgEl('g', { class: `diag-marker diag-${worst.severity}`, role: 'img', 'aria-label': label }, lg);
  const t = svgEl('title', {}, badge);
  t.textContent = label;
  const cx = box.x + box.w - 1;
  const cy = box.y + 1;
  svgEl('circle', { cx, cy, r: 7, class: 'diag-dot' }, badge);
  text(badge, worst.severity === 'info' ? 'i' : '!', { x: cx, y: cy + 3.5, class: 'diag-glyph', 'text-anchor': 'middle' });
}


/**
 * A closed block: one row with its title and value (painted: the metric and its share) on the
 * first line, its output shape and MACs on the second, filled by the metric. The row is the
 * block's header: hovering shows the block's card, a click or Enter opens it to its layers.
 */
function summaryRow(model: ReportModel, b: BlockBox, g: SVGGElement): BlockEls {
  if (b.represents.length > 1) svgEl('rect', { class: 'block-frame stacked', x: b.x + 4, y: b.y + 4, width: b.w, height: b.h, rx: 6 }, g);
  const header = svgEl('g', { class: 'block-header summary', tabindex: 0, role: 'button', 'aria-expanded': 'false', 'data-block-header': b.name }, g);
  const row = svgEl('rect', { class: 'block-frame summary-row', x: b.x, y: b.y, width: b.w, height: b.h, rx: 6 }, header);
  const title = blockTitle(b.represents);
  const texts = blockRowText(model.report, title, b.represents);
  header.setAttribute('aria-label', texts.ariaLabel);
  text(header, title, { x: b.x + 10, y: b.y + 16, class: 'block-title' });
  const value = text(header, '', { x: b.x + b.w - 10, y: b.y + 16, class: 'block-value', 'text-anchor': 'end' });
  text(header, texts.detail, { x: b.x + 10, y: b.y + 33, class: 'block-detail' });
  text(header, texts.layers, { x: b.x + b.w - 10, y: b.y + 33, class: 'block-detail', 'text-anchor': 'end' });
  const barMax = b.w - 12;
  const bar = svgEl('rect', { class: 'bar', x: b.x + 6, y: b.y + b.h - 4, width: 0, height: 3, rx: 1.5 }, header);
  return { g, header, bar, value, barMax, row };
}

/** Builds the SVG for a layout. The caller inserts `svg` into the page. */
export function renderDiagram(model: ReportModel, layout: Layout): DiagramView {
  const svg = svgEl('svg', {
    xmlns: SVG_NS,
    class: 'diagram',
    role: 'group',
    'aria-label': `Architecture of ${model.report.model.name}`,
  });
  const defs = svgEl('defs', {}, svg);
  const marker = svgEl(
    'marker',
    { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    defs,
  );
  svgEl('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }, marker);
  const viewport = svgEl('g', { class: 'viewport' }, svg);
  const layers = new Map<string, LayerEls>();
  const blocks = new Map<string, BlockEls>();
  const flowSubtitles = new Map<string, SVGTextElement>();

  const flowGroups = new Map<string, SVGGElement>();
  for (const f of layout.flows) {
    const g = svgEl('g', { class: 'flow', 'data-flow': f.name }, viewport);
    flowGroups.set(f.name, g);
    const header = svgEl('g', { class: 'flow-header', tabindex: 0, 'data-flow-header': f.name }, g);
    // Transparent hit area: the whole header hovers, not only the glyphs.
    svgEl('rect', { class: 'hit', x: f.x, y: f.y, width: f.collapsible ? f.w - 100 : f.w, height: 32 }, header);
    text(header, f.title, { x: f.x + 8, y: f.y + 14, class: 'flow-title' });
    flowSubtitles.set(f.name, text(header, '', { x: f.x + 8, y: f.y + 28, class: 'flow-sub' }));
    if (f.collapsible) {
      const t = svgEl('g', { class: 'toggle', tabindex: 0, role: 'button', 'data-toggle': f.name }, g);
      svgEl('rect', { x: f.x + f.w - 96, y: f.y + 2, width: 88, height: 20, rx: 3 }, t);
      text(t, f.collapsed ? 'Expand \u00d7 8' : 'Collapse', { x: f.x + f.w - 52, y: f.y + 16, 'text-anchor': 'middle' });
      t.setAttribute('aria-label', f.collapsed ? 'Expand the middle flow' : 'Collapse the middle flow');
      t.setAttribute('aria-expanded', String(!f.collapsed));
    }
  }

  // DAG drawings tell neighbouring blocks apart by colour: a hue per block, cycling.
  const hues = 6;
  layout.blocks.forEach((b, i) => {
    if (b.closed) {
      const parent = flowGroups.get(b.flow) ?? viewport;
      const g = svgEl('g', { class: 'block closed', 'data-block': b.name, 'data-flow': b.flow }, parent);
      if (b.represents.length > 1) g.setAttribute('data-repeat', String(b.represents.length));
      blocks.set(b.name, summaryRow(model, b, g));
      return;
    }
    const parent = flowGroups.get(b.flow) ?? viewport;
    const g = svgEl('g', { class: 'block', 'data-block': b.name, 'data-flow': b.flow }, parent);
    if (layout.kind === 'dag') g.classList.add(`block-hue-${i % hues}`);
    if (b.represents.length > 1) g.setAttribute('data-repeat', String(b.represents.length));
    svgEl('rect', { class: 'block-frame', x: b.x, y: b.y, width: b.w, height: b.h, rx: 6 }, g);
    if (b.represents.length > 1) {
      // A second, offset frame: the "stack of 8" look of a collapsed repeat.
      g.insertBefore(svgEl('rect', { class: 'block-frame stacked', x: b.x + 4, y: b.y + 4, width: b.w, height: b.h, rx: 6 }), g.firstChild);
    }
    const header = svgEl('g', { class: 'block-header', tabindex: 0, role: 'button', 'aria-expanded': 'true', 'data-block-header': b.name }, g);
    header.setAttribute('aria-label', `${blockTitle(b.represents)}: close to one summary row`);
    svgEl('rect', { class: 'hit', x: b.x, y: b.y, width: b.w, height: 26 }, header);
    text(header, blockTitle(b.represents), { x: b.x + 8, y: b.y + 15, class: 'block-title' });
    const value = text(header, '', { x: b.x + b.w - 8, y: b.y + 15, class: 'block-value', 'text-anchor': 'end' });
    const barMax = b.w - 16;
    svgEl('rect', { class: 'bar-bg', x: b.x + 8, y: b.y + 20, width: barMax, height: 4, rx: 2 }, header);
    const bar = svgEl('rect', { class: 'bar', x: b.x + 8, y: b.y + 20, width: 0, height: 4, rx: 2 }, header);
    blocks.set(b.name, { g, header, bar, value, barMax });

    for (const name of b.layers) {
      const n = layout.nodes.get(name);
      const l = model.layers.get(name);
      if (!n || !l) continue;
      const lg = svgEl('g', { class: `layer lane-${n.lane}`, tabindex: 0, role: 'button', 'data-layer': name }, g);
      lg.setAttribute('data-class', l.className);
      lg.setAttribute('aria-label', `${name} (${l.className}), output ${formatShape(l.outputShape)}`);
      const box = svgEl('rect', { class: 'layer-box', x: n.x, y: n.y, width: n.w, height: n.h, rx: 3 }, lg);
      text(lg, name, { x: n.x + 6, y: n.y + 15, class: 'layer-name' });
      const diags = model.layerDiagnostics.get(name) ?? [];
      // The op label only when it fits beside the name (approximate monospace/UI char widths).
      const op = diags.some(isUnsupportedDiagnostic) ? 'not supported' : opLabel(l);
      if (n.lane === 'main' && name.length * 6.7 + op.length * 5.6 + 20 < n.w) {
        text(lg, op, { x: n.x + n.w - 10, y: n.y + 15, class: 'layer-op', 'text-anchor': 'end' });
      }
      // Output shape under the box, beside the arrow to the next layer.
      text(lg, formatShape(l.outputShape), { x: n.x + n.w / 2 + 6, y: n.y + n.h + 11, class: 'layer-shape' });
      markDiagnostics(lg, n, diags);
      if (diags.length > 0) lg.setAttribute('aria-label', `${lg.getAttribute('aria-label') ?? name}; ${diags.length} diagnostic${diags.length === 1 ? '' : 's'}`);
      layers.set(name, { g: lg, box });
    }
  });

  const edges = svgEl('g', { class: 'edges' }, viewport);
  for (const e of layout.edges) {
    svgEl('path', { d: e.d, class: `edge edge-${e.kind}`, 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to }, edges);
  }
  // Port stubs: where edges from the previous column enter.
  for (const f of layout.flows) {
    if (layout.flows[0] === f) continue;
    const prev = layout.flows[layout.flows.indexOf(f) - 1];
    text(edges, `from ${prev.title.toLowerCase()}`, { x: f.port.x + 6, y: f.port.y - 1, class: 'port-label', 'data-port': f.name });
    svgEl('circle', { cx: f.port.x, cy: f.port.y, r: 3, class: 'port', 'data-port': f.name }, edges);
  }

  return { svg, viewport, layout, layers, blocks, flowSubtitles };
}
