/**
 * Exports of the diagram: a Markdown table of layers, a standalone SVG document (computed theme
 * colours baked in as presentation attributes, so it looks the same outside VS Code) and a PNG.
 * Scope is the whole diagram or one flow.
 */
import type { LayerReport } from '../src/report/schema';
import { markdownLayerTable } from '../src/exporters/markdown';
import { countNote } from '../src/report/viewModel';
import { escapeMarkdown } from '../src/report/layerCard';
import type { ReportModel } from './model';
import type { DiagramView } from './render';

/** `all` or a flow name. */
export type ExportScope = string;

/** The layers of a scope, in execution order. */
export function scopeLayers(model: ReportModel, scope: ExportScope): LayerReport[] {
  return scope === 'all' ? model.report.layers : model.report.layers.filter((l) => l.flow === scope);
}

/** The scope's layers as a Markdown table under the chosen FLOPs convention, the same table as the Markdown export's (exporters/markdown.ts). */
export function markdownTable(model: ReportModel, scope: ExportScope): string {
  const title = scope === 'all' ? model.report.model.name : `${model.report.model.name}, ${scope} flow`;
  return `**${escapeMarkdown(title)}** (${escapeMarkdown(countNote(model.convention))}; shapes NHWC without batch)\n\n${markdownLayerTable(model.report, scopeLayers(model, scope), model.convention)}`;
}

const COPIED = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'font-size', 'font-family', 'font-weight', 'opacity', 'fill-opacity'];

/** Resolves any CSS colour (color-mix, var(...) results) to `rgb()` via a 1-pixel canvas. */
function toRgb(color: string, cache: Map<string, string>): string {
  if (color === 'none' || color.startsWith('url(')) return color;
  const hit = cache.get(color);
  if (hit) return hit;
  const c = document.createElement('canvas');
  c.width = c.height = 1;
  const ctx = c.getContext('2d');
  if (!ctx) return color;
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
  const out = a === 255 ? `rgb(${r},${g},${b})` : a === 0 ? 'none' : `rgba(${r},${g},${b},${(a / 255).toFixed(3)})`;
  cache.set(color, out);
  return out;
}

/**
 * A standalone SVG document of the scope (whole diagram or one flow), with the theme's computed
 * colours and fonts written as attributes and a background rectangle.
 */
export function svgDocument(view: DiagramView, scope: ExportScope): string {
  const cache = new Map<string, string>();
  const clone = bakedClone(view.svg, cache);
  let box = { x: 0, y: 0, w: view.layout.width, h: view.layout.height };
  if (scope !== 'all') {
    const f = view.layout.flows.find((fl) => fl.name === scope);
    if (f) box = { x: f.x - 8, y: 0, w: f.w + 16, h: f.y + f.h + 16 };
    clone.querySelectorAll('g[data-flow]').forEach((g) => {
      if (g.getAttribute('data-flow') !== scope) g.remove();
    });
    clone.querySelectorAll('[data-port]').forEach((e) => {
      if (e.getAttribute('data-port') !== scope) e.remove();
    });
    clone.querySelectorAll('[data-to]').forEach((e) => {
      const to = e.getAttribute('data-to') ?? '';
      if (view.layout.nodes.get(to)?.flow !== scope) e.remove();
    });
  }
  const viewport = clone.querySelector('g');
  clone.querySelectorAll('g').forEach((g) => g.getAttribute('transform') && g.removeAttribute('transform'));
  return serializeWithBackground(clone, box, viewport ?? clone.firstChild, cache);
}

/**
 * A copy of `svg` with every element's computed colours and fonts written as presentation
 * attributes (classes, tabindex, inline styles and `<style>` elements dropped), so that it looks
 * the same outside the page.
 */
export function bakedClone(svg: SVGSVGElement, cache = new Map<string, string>()): SVGSVGElement {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = svg.querySelectorAll('*');
  const dst = clone.querySelectorAll('*');
  src.forEach((s, i) => {
    const d = dst[i];
    const cs = getComputedStyle(s);
    for (const p of COPIED) {
      const v = cs.getPropertyValue(p);
      if (v) d.setAttribute(p, p === 'fill' || p === 'stroke' ? toRgb(v, cache) : v);
    }
    d.removeAttribute('class');
    d.removeAttribute('tabindex');
    d.removeAttribute('style');
  });
  clone.removeAttribute('class');
  clone.removeAttribute('style');
  clone.querySelectorAll('style').forEach((e) => e.remove());
  return clone;
}

/** The SVG document of `clone` cropped to `box`, on a rectangle of the page's background colour (inserted before `before`). */
export function serializeWithBackground(clone: SVGSVGElement, box: { x: number; y: number; w: number; h: number }, before: Node | null, cache = new Map<string, string>()): string {
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('x', String(box.x));
  bg.setAttribute('y', String(box.y));
  bg.setAttribute('width', String(box.w));
  bg.setAttribute('height', String(box.h));
  bg.setAttribute('fill', toRgb(getComputedStyle(document.body).backgroundColor, cache));
  clone.insertBefore(bg, before);
  clone.setAttribute('viewBox', `${box.x} ${box.y} ${box.w} ${box.h}`);
  clone.setAttribute('width', String(Math.round(box.w)));
  clone.setAttribute('height', String(Math.round(box.h)));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

/** Rasterises an SVG document to a `data:image/png;base64,...` URL at `scale` x its size. */
export async function pngDataUrl(svgText: string, scale = 2): Promise<string> {
  const img = new Image();
  const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('could not rasterise the SVG'));
    img.src = url;
  });
  const c = document.createElement('canvas');
  c.width = Math.round(img.width * scale);
  c.height = Math.round(img.height * scale);
  const ctx = c.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0);
  return c.toDataURL('image/png');
}
