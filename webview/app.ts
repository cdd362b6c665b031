/**
 * The webview application: wires host messages, the toolbar, the engine/pass lines and the
 * collapsible sections (panels.ts), the diagram, the hover card and pan/zoom. A `report` message (re)renders; `timings` repaints in place; everything else is a
 * small state change. Exposes timing statistics on `window.__xpStats` for the browser tests.
 */
import type { ArchitectureReport } from '../src/report/schema';
import { parseHostMessage, type HostMessage, type MetricId } from '../src/report/messages';
import { DEFAULTS } from '../src/report/defaults';
import { isFlopsConvention, type FlopsConvention } from '../src/report/flopsConvention';
import { HoverCard, type CardSubject } from './hoverCard';
import type { Host, PersistedState } from './host';
import { layoutReport } from './layout';
import { markdownTable, pngDataUrl, svgDocument } from './exporting';
import { ReportModel } from './model';
import { paint } from './paint';
import { Panels } from './panels';
import { PanZoom } from './panZoom';
import { blockTitle } from './labels';
import { renderDiagram, type DiagramView } from './render';
import { Toolbar } from './toolbar';
import { ChartsPanel } from './charts/chartsPanel';

/** Performance numbers for tests and curious users, ms. */
export interface XpStats {
  /** performance.now() when the first full diagram was painted (after the next frame). */
  firstPaintMs?: number;
  /** Time to build and paint the diagram DOM for the last report (layout + render + paint). */
  renderMs?: number;
  /** Time of the last layout alone (three columns for Xception, dagre for other DAGs). */
  layoutMs?: number;
  /** Time of the last `timings` message handling (merge + repaint + card refresh). */
  lastUpdateMs?: number;
  /** Number of `timings` messages handled. */
  updates: number;
  /** Total time handling `timings` messages. */
  totalUpdateMs: number;
}

declare global {
  interface Window {
    __xpStats?: XpStats;
  }
}

/** The running webview. */
export class App {
  private model: ReportModel | undefined;
  private view: DiagramView | undefined;
  private panZoom: PanZoom | undefined;
  private readonly toolbar: Toolbar;
  private readonly panels: Panels;
  private readonly charts: ChartsPanel;
  private readonly stage: HTMLDivElement;
  private readonly card: HoverCard;
  private readonly state: PersistedState;
  private query = '';
  private statusText = '';
  /** When the bundle started running (ms since the epoch): see `start`. */
  private scriptAt = Date.now();
  /** How compute is counted in the cards (the host's `flopsConvention` setting, or the HTML report's). */
  private convention: FlopsConvention = DEFAULTS.flopsConvention;
  readonly stats: XpStats = { updates: 0, totalUpdateMs: 0 };

  constructor(
    private readonly root: HTMLElement,
    private readonly host: Host,
  ) {
    window.__xpStats = this.stats;
    this.state = host.load();
    this.toolbar = new Toolbar(root, this.state.metric, {
      onMetric: (m) => this.setMetric(m, true),
      onSearch: (q, reveal) => this.setSearch(q, reveal),
      onToggleMiddle: () => this.toggleMiddle(),
      onToggleLayers: () => this.toggleLayers(),
      onZoom: (f) => this.panZoom?.zoomBy(f),
      onFit: () => this.panZoom?.fit(),
      onCopyMarkdown: (scope) => this.model && this.host.post({ type: 'copy', text: markdownTable(this.model, scope) }),
      onSave: (format, scope) => void this.save(format, scope),
    });
    const top = document.createElement('div');
    top.className = 'report-lines';
    root.appendChild(top);
    this.stage = document.createElement('div');
    this.stage.className = 'stage';
    this.stage.id = 'stage';
    root.appendChild(this.stage);
    const bottom = document.createElement('div');
    bottom.className = 'report-sections';
    root.appendChild(bottom);
    this.panels = new Panels(top, bottom, { onReveal: (layer) => this.reveal(layer) });
    this.card = new HoverCard(document.body);
    this.charts = new ChartsPanel(bottom, {
      onHoverLayer: (layer, anchor) => {
        if (this.card.pinned || !this.model) return;
        if (layer && anchor) this.card.show(this.model, { kind: 'layer', name: layer }, anchor);
        else this.card.hide();
      },
      onReveal: (layer) => this.reveal(layer),
      onSave: (format, data) => this.host.post({ type: 'save', format, data }),
      onCopy: (text) => this.host.post({ type: 'copy', text }),
      onRunSweep: host.inVsCode ? (axis, values) => this.host.post({ type: 'sweep', axis, values }) : undefined,
    });
    this.bindDiagramEvents();
    window.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data));
    window.addEventListener('resize', () => this.card.place());
    document.addEventListener('keydown', (e) => this.onKey(e));
    this.setStatus();
  }

  /**
   * Starts: renders a persisted or embedded report, then tells the host it is ready. The state a
   * VS Code panel persisted (the latest report it showed) wins over the report embedded in its
   * HTML (the static one of the command that opened it: the first picture without a round trip).
   * @param scriptAt when the bundle started running (ms since the epoch), for the host's
   *   first-picture timeline
   */
  start(scriptAt = Date.now()): void {
    this.scriptAt = scriptAt;
    // A standalone HTML report carries the convention it was exported with.
    const embedded = this.root.dataset.flopsConvention;
    if (isFlopsConvention(embedded)) this.convention = embedded;
    const report = this.state.report ?? this.host.embeddedReport();
    if (report) this.setReport(report);
    else this.showEmpty();
    this.host.post({ type: 'ready' });
  }

  /**
   * The stage before any report: what the session is doing, or why there is no report (a failed
   * import's error stands alone, never above a "waiting" line that will not end).
   */
  private showEmpty(): void {
    const state = this.root.dataset.session;
    const text =
      state === 'failed' || state === 'cancelled'
        ? `No report: ${this.statusText}`
        : state === undefined || state === 'idle'
          ? 'Waiting for a report\u2026'
          : `Preparing the first picture\u2026 (${this.statusText})`;
    this.stage.replaceChildren(Object.assign(document.createElement('p'), { className: state === 'failed' ? 'empty error' : 'empty', textContent: text }));
  }

  /** Handles a raw message from the host; malformed ones are logged and ignored. */
  onMessage(data: unknown): void {
    const msg = parseHostMessage(data);
    if (!msg) {
      console.warn('xception-profiler webview: ignored a malformed message', data);
      return;
    }
    this.handle(msg);
  }

  private handle(msg: HostMessage): void {
    switch (msg.type) {
      case 'report':
        this.setReport(msg.report);
        break;
      case 'timings': {
        if (!this.model || !this.view) return;
        const t0 = performance.now();
        this.model.applyTimings(msg);
        this.repaint();
        this.card.refresh(this.model);
        this.panels.setPass(this.model.report, this.model.run);
        this.charts.timingsChanged();
        if (msg.engine) this.panels.setEngine(msg.engine);
        this.setStatus();
        const dt = performance.now() - t0;
        this.stats.lastUpdateMs = dt;
        this.stats.updates++;
        this.stats.totalUpdateMs += dt;
        this.persist();
        break;
      }
      case 'status':
        // The host's status line (the same text as the status bar and the tree: profilingState.ts).
        this.statusText = msg.message;
        this.root.dataset.session = msg.state;
        this.setStatus();
        if (!this.model) this.showEmpty();
        break;
      case 'reveal':
        this.reveal(msg.layer);
        break;
      case 'setMetric':
        this.setMetric(msg.metric, false);
        break;
      case 'setConvention':
        this.convention = msg.convention;
        if (this.model) {
          this.model.convention = msg.convention;
          this.card.refresh(this.model);
        }
        break;
    }
  }

  /** Replaces the report and re-renders everything. */
  setReport(report: ArchitectureReport): void {
    const reportAt = Date.now();
    this.model = new ReportModel(report);
    this.model.convention = this.convention;
    this.card.hide();
    this.panels.setReport(report, this.model.run);
    this.charts.setReport(report);
    this.render(true);
    this.setStatus();
    this.persist();
    if (this.stats.firstPaintMs === undefined) {
      requestAnimationFrame(() => {
        this.stats.firstPaintMs = performance.now();
        // After the frame: the diagram is on screen. The host logs the timeline (firstPicture.ts).
        setTimeout(() => this.host.post({ type: 'painted', pageAt: performance.timeOrigin, scriptAt: this.scriptAt, reportAt, paintedAt: Date.now() }), 0);
      });
    }
  }

  private render(fit: boolean): void {
    const model = this.model;
    if (!model) return;
    const t0 = performance.now();
    const open = this.state.openBlocks;
    const layout = layoutReport(model.report, { collapseMiddle: this.state.collapseMiddle, openBlocks: open === 'all' ? 'all' : new Set(open) });
    this.stats.layoutMs = performance.now() - t0;
    const view = renderDiagram(model, layout);
    this.view = view;
    const keep = this.panZoom?.view;
    fit ||= this.panZoom?.fitted ?? true;
    this.stage.replaceChildren(view.svg);
    this.panZoom?.dispose();
    this.panZoom = new PanZoom(view.svg, view.viewport);
    this.panZoom.setTarget(view.viewport, layout.width, layout.height);
    if (fit || !keep) this.panZoom.fit();
    else this.panZoom.set(keep);
    this.toolbar.setFlows(layout.flows);
    const middle = layout.flows.find((f) => f.collapsible);
    this.toolbar.setMiddleToggle(middle !== undefined, this.state.collapseMiddle);
    this.toolbar.setLayersToggle(layout.kind === 'flows', open === 'all');
    this.repaint();
    this.applySearch(false);
    if (this.state.selected) view.layers.get(this.state.selected)?.g.classList.add('selected');
    this.stats.renderMs = performance.now() - t0;
  }

  private repaint(): void {
    if (!this.model || !this.view) return;
    this.toolbar.setLegend(paint(this.view, this.model, this.state.metric));
  }

  private setMetric(metric: MetricId, fromUser: boolean): void {
    this.state.metric = metric;
    if (this.toolbar.metric.value !== metric) this.toolbar.metric.value = metric;
    this.repaint();
    this.persist();
    if (fromUser) this.host.post({ type: 'metricChanged', metric });
  }

  /** Opens a closed block to its layers, or closes an open one to its summary row. */
  private toggleBlock(name: string): void {
    const model = this.model;
    if (!model) return;
    const all = model.report.blocks.map((b) => b.name);
    const open = new Set(this.state.openBlocks === 'all' ? all : this.state.openBlocks);
    if (open.has(name)) open.delete(name);
    else open.add(name);
    this.state.openBlocks = all.every((b) => open.has(b)) ? 'all' : [...open];
    this.card.hide();
    this.render(false);
    this.persist();
  }

  /** "Show all layers" / "Summarize blocks". */
  private toggleLayers(): void {
    this.state.openBlocks = this.state.openBlocks === 'all' ? [] : 'all';
    this.card.hide();
    this.render(false);
    this.persist();
  }

  private toggleMiddle(): void {
    this.state.collapseMiddle = !this.state.collapseMiddle;
    this.card.hide();
    this.render(false);
    this.persist();
  }

  private setSearch(q: string, reveal: boolean): void {
    this.query = q.trim().toLowerCase();
    this.applySearch(reveal);
  }

  /** Highlights layers whose name or class contains the query; dims the others. */
  private applySearch(reveal: boolean): void {
    const view = this.view;
    const model = this.model;
    if (!view || !model) return;
    const q = this.query;
    let first: string | undefined;
    let shown = 0;
    for (const [name, els] of view.layers) {
      const l = model.layers.get(name);
      const hit = q !== '' && !!l && (name.toLowerCase().includes(q) || l.className.toLowerCase().includes(q));
      els.g.classList.toggle('match', hit);
      els.g.classList.toggle('dim', q !== '' && !hit);
      if (hit) {
        shown++;
        first ??= name;
      }
    }
    // Closed blocks: their row stands for their layers.
    for (const b of view.layout.blocks) {
      if (!b.closed) continue;
      const row = view.blocks.get(b.name)?.g;
      const names = b.represents.flatMap((n) => model.blocks.get(n)?.layers ?? []);
      const hits = q === '' ? 0 : names.filter((n) => n.toLowerCase().includes(q) || (model.layers.get(n)?.className.toLowerCase().includes(q) ?? false)).length;
      row?.classList.toggle('match', hits > 0);
      row?.classList.toggle('dim', q !== '' && hits === 0);
      if (hits > 0) {
        shown += hits;
        first ??= names.find((n) => n.toLowerCase().includes(q) || (model.layers.get(n)?.className.toLowerCase().includes(q) ?? false));
      }
    }
    const total = q === '' ? 0 : model.report.layers.filter((l) => l.name.toLowerCase().includes(q) || l.className.toLowerCase().includes(q)).length;
    this.toolbar.searchCount.textContent = q === '' ? '' : total === shown ? `${shown} match${shown === 1 ? '' : 'es'}` : `${shown} shown of ${total} matches`;
    if (reveal && first) this.reveal(first);
  }

  /** Scrolls to, selects and shows the card of a layer, expanding the middle flow if needed. */
  reveal(name: string): void {
    if (!this.model?.layers.has(name)) return;
    const block = this.model.layers.get(name)?.block;
    const open = this.state.openBlocks;
    const closed = open !== 'all' && block !== undefined && !open.includes(block);
    if (closed) this.state.openBlocks = [...(open as string[]), block];
    if (!this.view?.layers.has(name) && this.state.collapseMiddle && this.model.layers.get(name)?.flow === 'middle' && block !== this.model.report.blocks.find((b) => b.flow === 'middle')?.name) {
      this.state.collapseMiddle = false;
    }
    if (!this.view?.layers.has(name)) this.render(false);
    const view = this.view;
    const els = view?.layers.get(name);
    const node = view?.layout.nodes.get(name);
    if (!view || !els || !node) return;
    this.panZoom?.centerOn(node.x, node.y, node.w, node.h);
    this.select(name, els.g);
    els.g.focus({ preventScroll: true });
  }

  private select(name: string, g: SVGGElement): void {
    this.view?.svg.querySelectorAll('.layer.selected').forEach((e) => e.classList.remove('selected'));
    g.classList.add('selected');
    this.state.selected = name;
    if (this.model) {
      this.card.show(this.model, this.subjectOf(g) ?? { kind: 'layer', name }, g);
      this.card.pin();
    }
    this.persist();
    this.host.post({ type: 'select', layer: name });
  }

  /** The hover-card subject of a diagram element (a layer, block header or flow header). */
  private subjectOf(target: Element): CardSubject | undefined {
    const layer = target.closest<SVGGElement>('[data-layer]');
    if (layer) {
      const name = layer.getAttribute('data-layer') ?? '';
      const block = layer.closest('[data-block]');
      const repeat = this.view?.layout.blocks.find((b) => b.name === block?.getAttribute('data-block'))?.represents;
      return { kind: 'layer', name, repeat };
    }
    const bh = target.closest('[data-block-header]');
    if (bh) {
      const b = this.view?.layout.blocks.find((x) => x.name === bh.getAttribute('data-block-header'));
      if (b) return { kind: 'group', title: blockTitle(b.represents), blocks: b.represents };
    }
    const fh = target.closest('[data-flow-header]');
    if (fh) {
      const f = this.view?.layout.flows.find((x) => x.name === fh.getAttribute('data-flow-header'));
      if (f) return { kind: 'group', title: f.title, blocks: [], flow: f.name };
    }
    return undefined;
  }

  private hoverable(target: EventTarget | null): Element | undefined {
    return target instanceof Element ? target.closest('[data-layer], [data-block-header], [data-flow-header]') ?? undefined : undefined;
  }

  private bindDiagramEvents(): void {
    const showFor = (target: EventTarget | null): void => {
      const el = this.hoverable(target);
      if (!el || !this.model || this.card.pinned) return;
      const s = this.subjectOf(el);
      if (s) this.card.show(this.model, s, el);
    };
    const hideFor = (related: EventTarget | null): void => {
      if (this.card.pinned) return;
      if (this.hoverable(related)) return; // moving to another hoverable: its over-event shows it
      this.card.hide();
    };
    this.stage.addEventListener('pointerover', (e) => showFor(e.target));
    this.stage.addEventListener('pointerout', (e) => hideFor(e.relatedTarget));
    this.stage.addEventListener('focusin', (e) => showFor(e.target));
    this.stage.addEventListener('focusout', (e) => hideFor(e.relatedTarget));
    this.stage.addEventListener('click', (e) => this.activate(e.target));
    this.stage.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        if (this.activate(e.target)) e.preventDefault();
      }
    });
  }

  /** Click or Enter on a diagram element. Returns true when it did something. */
  private activate(target: EventTarget | null): boolean {
    if (!(target instanceof Element)) return false;
    if (target.closest('[data-toggle]')) {
      this.toggleMiddle();
      return true;
    }
    const layer = target.closest<SVGGElement>('[data-layer]');
    if (layer) {
      this.select(layer.getAttribute('data-layer') ?? '', layer);
      return true;
    }
    const blockHeader = target.closest('[data-block-header]');
    if (blockHeader && this.view?.layout.kind === 'flows') {
      this.toggleBlock(blockHeader.getAttribute('data-block-header') ?? '');
      return true;
    }
    const header = this.hoverable(target);
    if (header && this.model) {
      const s = this.subjectOf(header);
      if (s) {
        this.card.show(this.model, s, header);
        this.card.pin();
      }
      return true;
    }
    // Background click: unpin.
    this.card.hide();
    return false;
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      this.card.hide();
      return;
    }
    const t = e.target as HTMLElement | null;
    if (t && (t.tagName === 'INPUT' || t.tagName.startsWith('VSCODE-'))) return;
    if (e.key === '+' || e.key === '=') this.panZoom?.zoomBy(1.25);
    else if (e.key === '-') this.panZoom?.zoomBy(1 / 1.25);
    else if (e.key === '0') this.panZoom?.fit();
  }

  private setStatus(): void {
    const r = this.model?.report;
    const parts: string[] = [];
    if (this.statusText) parts.push(this.statusText);
    if (r) {
      // Engine and whole-pass numbers have their own lines (panels.ts).
      parts.push(`${r.model.name}: ${r.layers.length} layers, ${r.blocks.length} blocks (${r.model.grouping} grouping)`);
      if (!r.timing && !r.layers.some((l) => l.timing)) parts.push('timing: pending');
    }
    this.toolbar.status.textContent = parts.join(' \u00b7 ');
  }

  private async save(format: 'svg' | 'png', scope: string): Promise<void> {
    if (!this.view) return;
    const svg = svgDocument(this.view, scope);
    try {
      this.host.post({ type: 'save', format, data: format === 'svg' ? svg : await pngDataUrl(svg) });
    } catch (e) {
      console.warn('save failed', e);
    }
  }

  private persist(): void {
    this.host.save({ ...this.state, report: this.model?.report });
  }
}
