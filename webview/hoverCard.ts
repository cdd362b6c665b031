/**
 * The hover card (`#hover-card`): details of a layer, block or flow, shown on hover or keyboard
 * focus and pinned on click. Built with DOM text nodes only (model text is never markup). Its
 * content can be refreshed in place when live timings arrive.
 */
import type { LayerReport, RegularConvComparison, SeparableVsRegular } from '../src/report/schema';
import {
  formatBytes,
  formatCount,
  formatInt,
  formatMs,
  formatPercent,
  formatRatio,
  formatShape,
  gflopsPerSecond,
  formatGflops,
  isNum,
  NA,
} from './format';
import type { ReportModel } from './model';
import { rooflineLines } from '../src/profiler/roofline';

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

/** A two-column table of label/value rows. */
function rows(pairs: [string, string][]): HTMLTableElement {
  const t = el('table', 'hc-rows');
  for (const [k, v] of pairs) {
    const tr = t.insertRow();
    tr.appendChild(el('th', undefined, k));
    tr.appendChild(el('td', undefined, v));
  }
  return t;
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

function timingRows(model: ReportModel, l: LayerReport): HTMLElement[] {
  const t = l.timing;
  if (!t) return [el('div', 'hc-pending', 'timing: pending')];
  const pass = model.passMs();
  const share = isNum(t.medianMs) && isNum(pass) ? t.medianMs / pass : null;
  const g = l.flops > 0 ? gflopsPerSecond(l.flops, t.medianMs, model.batch) : null;
  const out: HTMLElement[] = [
    rows([
      ['Median', formatMs(t.medianMs)],
      ['p90 / min', `${formatMs(t.p90Ms)} / ${formatMs(t.minMs)}`],
      ['Share of pass', formatPercent(share)],
      ['Achieved', l.flops > 0 ? formatGflops(g) : `${NA} (no FLOPs)`],
      ['Runs', isNum(t.runs) ? String(t.runs) : NA],
    ]),
  ];
  if (t.kernels.length > 0) {
    out.push(el('div', 'hc-section', 'Kernels'));
    out.push(rows(t.kernels.map((k) => [k.calls > 1 ? `${k.name} \u00d7${k.calls}` : k.name, formatMs(k.medianMs)] as [string, string])));
  }
  return out;
}

/**
 * The measured side of the paper's argument for one separable layer:
 * "measured: regular conv 376 ms vs separable 6.74 ms (55.8x slower)", with the comparison's
 * input size when it differs from the report's (the twin may run smaller: it is slow).
 */
export function measuredTwinText(row: SeparableVsRegular, cmp: RegularConvComparison, reportInput?: (number | null)[]): string {
  const r = row.timeRatio;
  const verdict = !isNum(r) ? 'time ratio n/a' : r >= 1 ? `${formatRatio(r)} slower` : `${formatRatio(1 / r)} faster`;
  const size = reportInput && reportInput[1] === cmp.inputSize ? '' : `, at ${cmp.inputSize}x${cmp.inputSize} input`;
  return `measured: regular conv ${formatMs(row.regularMs)} vs separable ${formatMs(row.separableMs)} (${verdict})${size}, median of ${cmp.runs} run${cmp.runs === 1 ? '' : 's'}`;
}

function layerContent(model: ReportModel, s: { name: string; repeat?: string[] }): HTMLElement[] {
  const l = model.layers.get(s.name);
  if (!l) return [title(s.name, 'unknown layer')];
  const p = l.params;
  const pairs: [string, string][] = [
    ['Input', l.inputShapes.length ? l.inputShapes.map(formatShape).join(' + ') : NA],
    ['Output', formatShape(l.outputShape)],
    ['Params', `${formatInt(p.trainable + p.nonTrainable)} (${formatInt(p.trainable)} trainable / ${formatInt(p.nonTrainable)} non-trainable)`],
    ['MACs', l.macs > 0 ? `${formatCount(l.macs)} (${formatInt(l.macs)})` : '0'],
    ['FLOPs', l.flops > 0 ? `${formatCount(l.flops)}  (1 MAC = 2 FLOPs)` : '0'],
  ];
  if (l.macs === 0 && l.elementwiseOps > 0) pairs.push(['Element-wise ops', formatCount(l.elementwiseOps)]);
  pairs.push(['Activations', formatBytes(l.activationBytes)]);
  const out: HTMLElement[] = [title(l.name, l.className), rows(pairs)];
  if (isNum(l.regularConvMacs) && isNum(l.regularConvRatio)) {
    const k = typeof l.config.kernelSize === 'string' ? `${l.config.kernelSize} ` : '';
    out.push(
      el(
        'div',
        'hc-note',
        `A regular ${k}conv would need ${formatCount(l.regularConvMacs)} MACs: ${formatRatio(l.regularConvRatio)} fewer MACs than a regular ${k}conv.`,
      ),
    );
  }
  const twin = model.comparison.get(l.name);
  const cmp = model.report.regularComparison;
  if (twin && cmp) out.push(el('div', 'hc-note hc-twin', measuredTwinText(twin, cmp, model.report.model.inputShapes[0])));
  const diags = model.layerDiagnostics.get(l.name) ?? [];
  if (diags.length > 0) {
    out.push(el('div', 'hc-section', 'Diagnostics'));
    for (const d of diags) {
      const row = el('div', `hc-diag diag-${d.severity}`);
      row.append(el('span', 'diag-sev', d.severity), document.createTextNode(` ${d.message}`));
      out.push(row);
    }
  }
  out.push(el('div', 'hc-section', 'Measured'));
  out.push(...timingRows(model, l));
  // Roofline (issue 14): intensity, achieved GFLOP/s and where the layer stands under the roofs.
  const roofline = rooflineLines(model.report, l);
  if (roofline.length) out.push(el('div', 'hc-section', 'Roofline'), ...roofline.map((t) => el('div', 'hc-note hc-roofline', t)));
  if (s.repeat && s.repeat.length > 1) {
    out.push(el('div', 'hc-note', `Shown for ${l.block}; ${s.repeat[0]} to ${s.repeat[s.repeat.length - 1]} are ${s.repeat.length} identical blocks.`));
  }
  return out;
}

function groupContent(model: ReportModel, s: { title: string; blocks: string[]; flow?: string }): HTMLElement[] {
  const groups = s.flow
    ? [model.flows.get(s.flow)].filter((g) => g !== undefined)
    : s.blocks.map((b) => model.blocks.get(b)).filter((g) => g !== undefined);
  // Static numbers: the groups' totals from the report (computed once, in analysis).
  const t = model.groupTotals(groups);
  // Measured: the sum of the layers' current medians (live timings update layers one by one).
  let ms = 0;
  let timed = 0;
  let timedFlopsMs = 0;
  for (const l of model.layersOf(groups)) {
    const m = l.timing?.medianMs;
    if (isNum(m)) {
      ms += m;
      timed++;
      if (l.flops > 0) timedFlopsMs += m;
    }
  }
  const pass = model.passMs();
  const medianMs = timed > 0 ? ms : null;
  const pairs: [string, string][] = [
    ['Layers', String(t.layers)],
    ['Params', `${formatInt(t.params.trainable + t.params.nonTrainable)} (${formatInt(t.params.trainable)} trainable / ${formatInt(t.params.nonTrainable)} non-trainable)`],
    ['MACs', `${formatCount(t.macs)} (${formatInt(t.macs)})`],
    ['FLOPs', `${formatCount(t.flops)}  (1 MAC = 2 FLOPs)`],
    ['Activations', formatBytes(t.activationBytes)],
    ['MACs share', formatPercent(model.report.totals.macs > 0 ? t.macs / model.report.totals.macs : null)],
    ['Median (sum)', timed > 0 ? formatMs(medianMs) : 'timing: pending'],
    ['Share of pass', formatPercent(isNum(medianMs) && isNum(pass) ? medianMs / pass : null)],
    ['Achieved', formatGflops(gflopsPerSecond(t.flops, timedFlopsMs > 0 ? timedFlopsMs : null, model.batch))],
  ];
  return [title(s.title, s.flow ? 'flow' : s.blocks.length > 1 ? `${s.blocks.length} blocks` : 'block'), rows(pairs)];
}
