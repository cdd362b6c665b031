/**
 * The report's own facts around the diagram, as HTML (text nodes only; model text is never
 * markup):
 * - the engine line (`#engine`): engine name, backend, package and version, threads, SIMD / GPU,
 *   and the "correct before fast" badge (`#correctness`): "wrong results on N layer kinds" when
 *   the engine's outputs differ from the plain-JS reference;
 * - the whole-pass line (`#pass`): profiled median, plain predict median, profiled/plain ratio,
 *   sum of the layers' medians, and the passes measured so far (the `run` of the last `timings`
 *   message: timed then live passes, the status line's count);
 * - a collapsible list of diagnostics (`<details id="diagnostics">`): report-level ones (engine,
 *   model file, weights) first, then the layer ones, each layer name a button that reveals it;
 * - a collapsible table of the regular-convolution twin (`<details id="regular-comparison">`):
 *   every separable layer's MAC ratio beside its measured time ratio, and the two total rows;
 * - a collapsible table of engines side by side (`<details id="engine-comparison">`, "Compare
 *   Engines"): whole pass and time per kind of work per engine, then every layer's median per
 *   engine ("folded into X" where the engine computed it inside another layer's node).
 */
import { passFacts, runtimeText } from '../src/report/viewModel';
import type { ArchitectureReport, Diagnostic, EngineComparison, EngineInfo, RegularConvComparison, SeparableVsRegular } from '../src/report/schema';
import { formatCount, formatMs, formatRatio, plural } from '../src/report/format';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, txt?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (txt !== undefined) e.textContent = txt;
  return e;
}

/** "wasm · @tensorflow/tfjs-backend-wasm 4.22.0 · 2 threads · SIMD" (backend named when it differs). */
export function engineText(e: EngineInfo): string {
  const parts = [e.backend !== e.name ? `${e.name} (backend ${e.backend})` : e.name, `${e.package} ${e.version}`];
  parts.push(`${e.threads} thread${e.threads === 1 ? '' : 's'}`);
  if (e.simd !== undefined) parts.push(e.simd ? 'SIMD' : 'no SIMD');
  if (e.gpu !== undefined) parts.push(e.gpu ? 'GPU' : 'CPU (no GPU in use)');
  return parts.join(' \u00b7 ');
}

/** Badge text for the correctness check; undefined when the engine was not checked. */
export function correctnessText(e: EngineInfo): { text: string; bad: boolean; detail: string } | undefined {
  const c = e.correctness;
  if (!c) return undefined;
  const kinds = new Set(c.mismatches.map((m) => m.kind));
  if (kinds.size === 0) return { text: `checked ${c.checkedKinds} layer kinds: correct`, bad: false, detail: 'Every layer kind matched the plain-JS cpu backend (relative tolerance 1e-4).' };
  const detail = c.mismatches
    .map((m) => `${m.kind} (checked on ${m.layer}; max relative error ${m.maxRelError.toPrecision(3)}; ${m.layers.length} layer${m.layers.length === 1 ? '' : 's'})`)
    .join('; ');
  return { text: `wrong results on ${kinds.size} layer kind${kinds.size === 1 ? '' : 's'}`, bad: true, detail: `Outputs differ from the plain-JS cpu backend: ${detail}. Their timings are of a wrong computation.` };
}

/**
 * The whole-pass line: "Whole pass (wall time on wasm, batch of 1, median of 10 timed runs after
 * 2 warm-up): profiled median 503 ms · plain predict median 438 ms · profiled/plain 1.15x · sum of
 * layers 487 ms", from the view-model's `passFacts` (which says when the sum of the layers and the
 * pass differ by more than 5 %). While a run streams passes, `run` (passes measured) counts them:
 * "median of 6 passes measured", and in live profiling, whose medians cover the last 20 passes
 * (`xceptionProfiler.live.window`), "median of the last 20 of 33 passes measured".
 */
export function passText(report: ArchitectureReport, run: number): string {
  const passes = `${run} pass${run === 1 ? '' : 'es'} measured`;
  const t = report.timing;
  if (!t) return run > 0 ? `Whole pass: pending \u00b7 ${passes}` : 'Whole pass: timing pending';
  // While passes stream in, the setup counts them with the status line's count and label
  // (src/extension/profilingState.ts), saying when the medians cover only the last ones.
  const f = passFacts(report, t, run > 0 ? run : undefined);
  return `Whole pass (${f.setup}): ${f.parts.join(' \u00b7 ')}`;
}

/** One comparison row's cells: separable MACs, regular MACs, MAC ratio, separable ms, regular ms, time ratio. */
export function comparisonCells(r: Omit<SeparableVsRegular, 'name'>): string[] {
  return [formatCount(r.separableMacs), formatCount(r.regularMacs), formatRatio(r.macRatio), formatMs(r.separableMs), formatMs(r.regularMs), formatRatio(r.timeRatio)];
}

/** A row of a panel table: a layer or a heading, then text cells and number cells. */
interface PanelRow {
  /** The layer the row is about: its name is a button that reveals it (`data-row`). */
  layer?: string;
  /** The heading of a total row (`data-total` = `key`). */
  heading?: string;
  key?: string;
  text?: string[];
  cells: string[];
}

/** Callbacks of the panels. */
export interface PanelHandlers {
  /** Reveal a layer in the diagram (a layer name in a list or table was activated). */
  onReveal(layer: string): void;
}

/** The engine and pass lines and the two collapsible sections. */
export class Panels {
  readonly engine: HTMLDivElement;
  readonly pass: HTMLDivElement;
  readonly diagnostics: HTMLDetailsElement;
  readonly comparison: HTMLDetailsElement;
  readonly engines: HTMLDetailsElement;

  constructor(
    top: HTMLElement,
    bottom: HTMLElement,
    private readonly h: PanelHandlers,
  ) {
    this.engine = el('div', 'engine-line');
    this.engine.id = 'engine';
    this.pass = el('div', 'pass-line');
    this.pass.id = 'pass';
    this.pass.setAttribute('role', 'status');
    this.diagnostics = el('details', 'panel');
    this.diagnostics.id = 'diagnostics';
    this.diagnostics.hidden = true;
    top.append(this.engine, this.pass, this.diagnostics);
    this.comparison = el('details', 'panel');
    this.comparison.id = 'regular-comparison';
    this.comparison.hidden = true;
    this.engines = el('details', 'panel');
    this.engines.id = 'engine-comparison';
    this.engines.hidden = true;
    bottom.append(this.comparison, this.engines);
  }

  /** Fills everything for a new report. */
  setReport(report: ArchitectureReport, run: number): void {
    this.setEngine(report.engine);
    this.setPass(report, run);
    this.setDiagnostics(report.diagnostics);
    this.setComparison(report.regularComparison, report.engine?.name);
    this.setEngineComparison(report.engineComparison);
  }

  /** Engines side by side; hidden when the report compares none. Opens by itself: it is what was asked for. */
  setEngineComparison(cmp: EngineComparison | undefined): void {
    this.engines.hidden = !cmp;
    if (!cmp) {
      this.engines.replaceChildren();
      return;
    }
    const names = cmp.engines.map((e) => e.label);
    const summary = el('summary', undefined, `Engines side by side: ${cmp.engines.map((e) => `${e.label} ${formatMs(e.predictMedianMs)}`).join(' \u00b7 ')} (plain pass, median wall time)`);
    const table = this.table(['', 'Class', 'MACs', ...names], [
      {
        rows: [
          { heading: 'Plain pass', key: 'plain', text: ['', ''], cells: cmp.engines.map((e) => formatMs(e.predictMedianMs)) },
          { heading: 'Profiled pass', key: 'profiled', text: ['', ''], cells: cmp.engines.map((e) => formatMs(e.profiledMedianMs)) },
          ...cmp.kinds.map((k) => ({ heading: `  ${k.kind}`, key: `kind-${k.kind}`, text: ['', ''], cells: k.ms.map((v) => formatMs(v)) })),
        ],
      },
      {
        rows: cmp.layers.map((l) => ({
          layer: l.name,
          text: [l.className],
          cells: [formatCount(l.macs), ...l.medianMs.map((ms, i) => (l.foldedInto[i] ? `folded into ${l.foldedInto[i]}` : formatMs(ms)))],
        })),
      },
    ]);
    const notes = cmp.skipped.map((s) => el('p', 'muted', `Not run: ${s.name}: ${s.reason}`));
    const explain = el('p', 'muted', 'Medians of the same model on each engine. Kinds: kernel time by kind of work; a fused ONNX Runtime node counts for its first part (a Conv that absorbed its BN is conv time, the BN row is "folded into" it).');
    const wrap = el('div', 'panel-body');
    wrap.append(table, explain, ...notes);
    this.engines.replaceChildren(summary, wrap);
    this.engines.open = true;
  }

  /** The engine line and its correctness badge (hidden when the report has no engine yet). */
  setEngine(e: EngineInfo | undefined): void {
    if (!e) {
      this.engine.replaceChildren(el('span', 'muted', 'Engine: not run yet (static analysis only)'));
      return;
    }
    const name = el('span', 'engine-name', `Engine: ${engineText(e)}`);
    name.title = [e.why, ...e.skipped.map((s) => `${s.name} skipped: ${s.reason}`), ...(e.runtime ? [`runtime: ${runtimeText(e.runtime)}`] : [])].join('\n');
    const items: HTMLElement[] = [name];
    const c = correctnessText(e);
    if (c) {
      const badge = el('span', `badge ${c.bad ? 'badge-error' : 'badge-ok'}`, c.bad ? `\u26a0 ${c.text}` : c.text);
      badge.id = 'correctness';
      badge.title = c.detail;
      badge.setAttribute('aria-label', `${c.text}. ${c.detail}`);
      items.push(badge);
    }
    this.engine.replaceChildren(...items);
  }

  /** The whole-pass line (after every `timings` message). */
  setPass(report: ArchitectureReport, run: number): void {
    const s = passText(report, run);
    if (this.pass.textContent !== s) this.pass.textContent = s;
  }

  /** The diagnostics section: report-level first, then per layer; hidden when there are none. */
  setDiagnostics(list: Diagnostic[]): void {
    const general = list.filter((d) => d.layer === undefined);
    const layered = list.filter((d) => d.layer !== undefined);
    this.diagnostics.hidden = list.length === 0;
    const worst = list.some((d) => d.severity === 'error') ? 'error' : list.some((d) => d.severity === 'warning') ? 'warning' : 'info';
    const summary = el('summary', `diag-${worst}`);
    summary.append(
      el('span', 'diag-sev', `${list.length} diagnostic${list.length === 1 ? '' : 's'}`),
      document.createTextNode(` (${general.length} about the report, ${layered.length} about layers)`),
    );
    const rows: HTMLElement[] = [];
    for (const d of [...general, ...layered]) {
      const row = el('div', `diag diag-${d.severity}`);
      row.append(el('span', 'diag-sev', d.severity), document.createTextNode(' '));
      if (d.layer !== undefined) {
        row.append(this.revealButton(d.layer), document.createTextNode(': '));
      }
      row.append(document.createTextNode(d.message));
      rows.push(row);
    }
    const body = el('div', 'panel-body');
    body.append(...rows);
    this.diagnostics.replaceChildren(summary, body);
  }

  /** The regular-convolution twin table (times: median wall time on `engine`); hidden when the report has no comparison. */
  setComparison(cmp: RegularConvComparison | undefined, engine?: string): void {
    this.comparison.hidden = !cmp;
    if (!cmp) {
      this.comparison.replaceChildren();
      return;
    }
    const w = cmp.wholeModel;
    const summary = el(
      'summary',
      undefined,
      `Separable vs regular convolution (measured at ${cmp.inputSize}x${cmp.inputSize}${engine ? ` on ${engine}` : ''}, median wall time of ${plural(cmp.runs, 'run')}): whole model ${formatRatio(w.macRatio)} fewer MACs, regular twin ${formatRatio(w.timeRatio)} the time`,
    );
    const table = this.table(['Layer', 'Separable MACs', 'Regular MACs', 'MAC ratio', 'Separable', 'Regular', 'Time ratio'], [
      { rows: cmp.layers.map((r) => ({ layer: r.name, cells: comparisonCells(r) })) },
      {
        foot: true,
        rows: [
          { heading: `All ${cmp.layers.length} separable layers`, key: 'separable-layers', cells: comparisonCells(cmp.separableLayers) },
          { heading: 'Whole model (plain predict)', key: 'whole-model', cells: comparisonCells(cmp.wholeModel) },
        ],
      },
    ]);
    const explain = el(
      'p',
      'muted',
      'MAC ratio = regular MACs / separable MACs (analytic); time ratio = regular median / separable median, the same engine, every SeparableConv2D replaced by a Conv2D with the same kernel size, filters, strides and padding.',
    );
    const body2 = el('div', 'panel-body');
    body2.append(table, explain);
    if (cmp.note) body2.appendChild(el('p', 'muted', cmp.note));
    this.comparison.replaceChildren(summary, body2);
  }

  /** A layer name as a button that reveals the layer in the diagram. */
  private revealButton(layer: string): HTMLButtonElement {
    const link = el('button', 'link', layer);
    link.type = 'button';
    link.title = `Show ${layer} in the diagram`;
    link.addEventListener('click', () => this.h.onReveal(layer));
    return link;
  }

  /**
   * A panel table: `header`, then sections of rows (a `<tbody>`, or the `<tfoot>` when `foot`).
   * A row starts with a layer (a button that reveals it; `data-row`) or a heading (`data-total`),
   * then its text cells, then its number cells (right-aligned).
   */
  private table(header: string[], sections: { rows: PanelRow[]; foot?: boolean }[]): HTMLTableElement {
    const table = el('table', 'cmp-table');
    const head = table.createTHead().insertRow();
    for (const h of header) head.appendChild(el('th', undefined, h));
    for (const section of sections) {
      const body = section.foot ? table.createTFoot() : table.createTBody();
      for (const r of section.rows) {
        const tr = body.insertRow();
        if (r.layer !== undefined) {
          tr.dataset.row = r.layer;
          const name = el('td');
          name.appendChild(this.revealButton(r.layer));
          tr.appendChild(name);
        } else {
          if (r.key) tr.dataset.total = r.key;
          tr.appendChild(el('th', undefined, r.heading ?? ''));
        }
        for (const c of r.text ?? []) tr.appendChild(el('td', undefined, c));
        for (const c of r.cells) tr.appendChild(el('td', 'num', c));
      }
    }
    return table;
  }
}
