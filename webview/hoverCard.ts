/**
 * The hover card (`#hover-card`): details of a layer, block or flow, shown on hover or keyboard
 * focus and pinned on click. It renders the view-model (`src/report/viewModel.ts`: the same rows
 * as the editor hover and the tree tooltip) and computes nothing. Built with DOM text nodes only
 * (model text is never markup). Its content can be refreshed in place when live timings arrive.
 */
import { groupCardView, layerCardView, rowValueText, type ViewRow } from '../src/report/viewModel';
import type { ReportModel } from './model';

/** What the card currently shows (so it can be refreshed after a timing update). */
export type CardSubject =
  | { kind: 'layer'; name: string; repeat?: string[] }
  | { kind: 'group'; title: string; blocks: string[]; flow?: string };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, txt?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (txt !== undefined) e.textContent = txt;
  return e;
}

/** The card element and its state. */
export class HoverCard {
  readonly el: HTMLDivElement;
  subject: CardSubject | undefined;
  /** Pinned cards stay until another click, Escape or a click on the background. */
  pinned = false;
  private anchor: Element | undefined;

  constructor(parent: HTMLElement) {
    this.el = el('div');
    this.el.id = 'hover-card';
    this.el.setAttribute('role', 'tooltip');
    this.el.hidden = true;
    parent.appendChild(this.el);
  }

  /** Shows the card for a subject next to an anchor element. */
  show(model: ReportModel, subject: CardSubject, anchor: Element): void {
    this.subject = subject;
    this.anchor = anchor;
    this.fill(model);
    this.el.hidden = false;
    this.place();
  }

  /** Hides the card (and unpins it). */
  hide(): void {
    this.el.hidden = true;
    this.subject = undefined;
    this.pinned = false;
    this.el.classList.remove('pinned');
  }

  /** Re-renders the current subject's numbers (after a timing update); keeps the position. */
  refresh(model: ReportModel): void {
    if (this.subject && !this.el.hidden) this.fill(model);
  }

  /** Marks the card pinned. */
  pin(): void {
    this.pinned = true;
    this.el.classList.add('pinned');
  }

  private fill(model: ReportModel): void {
    const s = this.subject;
    if (!s) return;
    const nodes = s.kind === 'layer' ? layerContent(model, s) : groupContent(model, s);
    this.el.replaceChildren(...nodes);
  }

  /** Places the card beside the anchor, inside the window. */
  place(): void {
    if (!this.anchor) return;
    const r = this.anchor.getBoundingClientRect();
    const cw = this.el.offsetWidth;
    const ch = this.el.offsetHeight;
    let left = r.right + 12;
    if (left + cw > window.innerWidth - 8) left = Math.max(8, r.left - cw - 12);
    const top = Math.max(8, Math.min(r.top, window.innerHeight - ch - 8));
    this.el.style.left = `${left}px`;
    this.el.style.top = `${top}px`;
  }
}

function title(name: string, sub: string): HTMLElement {
  const d = el('div', 'hc-title');
  d.appendChild(el('span', 'hc-name', name));
  d.appendChild(el('span', 'hc-class', sub));
  return d;
}

/** The view-model's rows: label, value (and exact value), and what was measured or counted. */
function rowsTable(list: ViewRow[], cls?: string): HTMLTableElement {
  const t = el('table', cls ? `hc-rows ${cls}` : 'hc-rows');
  for (const row of list) {
    const tr = t.insertRow();
    tr.appendChild(el('th', undefined, row.label));
    const td = el('td', undefined, rowValueText(row));
    if (row.note) td.appendChild(el('div', 'hc-row-note', row.note));
    tr.appendChild(td);
  }
  return t;
}

function layerContent(model: ReportModel, s: { name: string; repeat?: string[] }): HTMLElement[] {
  const l = model.layers.get(s.name);
  if (!l) return [title(s.name, 'unknown layer')];
  const view = layerCardView(model.report, l, model.convention);
  const out: HTMLElement[] = [title(view.name, view.className), el('div', 'hc-place', view.place), rowsTable(view.rows)];
  for (const note of view.notes) out.push(el('div', note.startsWith('measured') ? 'hc-note hc-twin' : 'hc-note', note));
  if (view.diagnostics.length > 0) {
    out.push(el('div', 'hc-section', 'Diagnostics'));
    for (const d of view.diagnostics) {
      const row = el('div', `hc-diag diag-${d.severity}`);
      row.append(el('span', 'diag-sev', d.severity), document.createTextNode(` ${d.message}`));
      out.push(row);
    }
  }
  const m = view.measured;
  if ('pending' in m) {
    out.push(el('div', 'hc-section', 'Measured'), el('div', 'hc-pending', m.pending));
  } else {
    out.push(el('div', 'hc-section', m.heading), rowsTable(m.rows));
    if (m.kernels.length > 0) {
      out.push(el('div', 'hc-section', 'Kernels'));
      out.push(rowsTable(m.kernels.map((k) => ({ label: k.calls > 1 ? `${k.name} \u00d7${k.calls}` : k.name, value: k.time })), 'hc-kernels'));
    }
  }
  // Roofline (issue 14): intensity, achieved GFLOP/s and where the layer stands under the roofs.
  if (view.roofline.length) out.push(el('div', 'hc-section', 'Roofline'), rowsTable(view.roofline));
  if (s.repeat && s.repeat.length > 1) {
    out.push(el('div', 'hc-note', `Shown for ${l.block}; ${s.repeat[0]} to ${s.repeat[s.repeat.length - 1]} are ${s.repeat.length} identical blocks.`));
  }
  return out;
}

function groupContent(model: ReportModel, s: { title: string; blocks: string[]; flow?: string }): HTMLElement[] {
  const groups = s.flow
    ? [model.flows.get(s.flow)].filter((g) => g !== undefined)
    : s.blocks.map((b) => model.blocks.get(b)).filter((g) => g !== undefined);
  const kind = s.flow ? 'flow' : s.blocks.length > 1 ? `${s.blocks.length} blocks` : 'block';
  const view = groupCardView(model.report, groups, s.title, kind, model.convention);
  return [title(view.title, view.kind), rowsTable(view.rows)];
}
