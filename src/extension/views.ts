/**
 * Wires the sidebar views (Architecture, Hotspots), the editor hovers, the shape hints and the
 * status bar to the session, applies setting changes without a reload, and implements the layer
 * commands of the tree (Reveal in Tree, Copy Shape, Copy Row as Markdown).
 */
import * as vscode from 'vscode';
import { markdownLayerRow } from '../exporters/markdown';
import type { FlopsConvention } from '../report/flopsConvention';
import { formatKerasShape } from '../report/format';
import type { MetricId } from '../report/messages';
import { CONFIG_SECTION } from './config';
import { ShapeHintsProvider, registerShapeHints } from './hints';
import { HotspotsProvider, type HotspotNode } from './hotspots';
import { registerLayerHover } from './hover';
import { DiagramPanel } from './panel';
import { statusLine, viewDescription, type ProfilingState } from './profilingState';
import type { SessionEvent } from './session';
import { ProfilerStatusBar } from './statusBar';
import { ArchitectureTreeProvider, layerNameOf, type ArchNode, type ReportSource } from './tree';

export const ARCHITECTURE_VIEW = 'xceptionProfiler.architecture';
export const HOTSPOTS_VIEW = 'xceptionProfiler.hotspots';

/** What the views need from the session (the Session, or a stand-in in tests). */
export interface ViewsSource extends ReportSource {
  /** The session's state (profilingState.ts): the status bar and the view's message render it. */
  readonly state: ProfilingState;
  readonly config: { readonly flopsConvention: FlopsConvention; readonly hintsEnabled: boolean; readonly colorMetric: MetricId };
  setMetric(metric: MetricId): Promise<void>;
}

/** The views of one window. `SidebarViews.instance` serves the commands. */
export class SidebarViews implements vscode.Disposable {
  private static current: SidebarViews | undefined;
  readonly architecture: ArchitectureTreeProvider;
  readonly architectureView: vscode.TreeView<ArchNode>;
  readonly hotspots: HotspotsProvider;
  readonly hotspotsView: vscode.TreeView<HotspotNode>;
  readonly hints: ShapeHintsProvider;
  readonly statusBar: ProfilerStatusBar;
  private readonly disposables: vscode.Disposable[] = [];

  static get instance(): SidebarViews | undefined {
    return SidebarViews.current;
  }

  constructor(private readonly source: ViewsSource) {
    this.architecture = new ArchitectureTreeProvider(source);
    this.architectureView = vscode.window.createTreeView(ARCHITECTURE_VIEW, { treeDataProvider: this.architecture, showCollapseAll: true });
    this.hotspots = new HotspotsProvider(source);
    this.hotspotsView = vscode.window.createTreeView(HOTSPOTS_VIEW, { treeDataProvider: this.hotspots });
    this.hints = new ShapeHintsProvider(source);
    this.statusBar = new ProfilerStatusBar(source);
    this.disposables.push(
      this.architecture,
      this.architectureView,
      this.hotspots,
      this.hotspotsView,
      this.hints,
      this.statusBar,
      registerLayerHover(source),
      registerShapeHints(this.hints),
      source.onDidChange((e) => this.onSessionEvent(e)),
      vscode.workspace.onDidChangeConfiguration((e) => this.onConfigurationChange(e)),
    );
    SidebarViews.current = this;
    this.showState(source.state);
  }

  private onSessionEvent(event: SessionEvent): void {
    if (event.kind === 'state') this.showState(event.state);
  }

  /**
   * The Architecture view's description (beside its title) and message line render the state:
   * the message says what runs, what ended it, or that the report was restored.
   */
  private showState(state: ProfilingState): void {
    this.architectureView.description = viewDescription(state) || undefined;
    const quiet = state.phase === 'idle' || (state.phase === 'done' && !state.restored);
    this.architectureView.message = quiet ? undefined : statusLine(state);
  }

  /** Applies changed settings at once: no window reload. */
  onConfigurationChange(e: vscode.ConfigurationChangeEvent): void {
    if (e.affectsConfiguration(`${CONFIG_SECTION}.flopsConvention`)) {
      this.architecture.refresh();
      this.hints.refresh();
      DiagramPanel.instance?.setConvention(this.source.config.flopsConvention);
    }
    if (e.affectsConfiguration(`${CONFIG_SECTION}.hints.enabled`)) this.hints.refresh();
    if (e.affectsConfiguration(`${CONFIG_SECTION}.colorMetric`)) {
      const metric = this.source.config.colorMetric;
      // The setting wins over the metric last picked in the diagram.
      void this.source.setMetric(metric);
      DiagramPanel.instance?.setMetric(metric);
    }
  }

  /**
   * Selects a layer's row in the Architecture view (showing the view, expanding its block).
   * @returns false when the current report has no such layer.
   */
  async revealLayer(name: string): Promise<boolean> {
    const node = this.architecture.layerNode(name);
    if (!node) return false;
    await this.architectureView.reveal(node, { select: true, focus: false, expand: true });
    return true;
  }

  dispose(): void {
    if (SidebarViews.current === this) SidebarViews.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** `xceptionProfiler.revealInTree` (the diagram calls it with a layer name on click). */
export async function revealInTree(arg: unknown): Promise<boolean> {
  const name = layerNameOf(arg);
  return name !== undefined && SidebarViews.instance !== undefined ? SidebarViews.instance.revealLayer(name) : false;
}

/** `xceptionProfiler.copyShape`: the layer's output shape as Keras prints it, `(None, 37, 37, 728)`. */
export async function copyShape(source: ReportSource, arg: unknown): Promise<string | undefined> {
  const name = layerNameOf(arg);
  const layer = source.report?.layers.find((l) => l.name === name);
  if (!layer) return undefined;
  const text = formatKerasShape(layer.outputShape);
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`Copied ${text}`, 2000);
  return text;
}

/** `xceptionProfiler.copyRowMarkdown`: a one-row Markdown table of the layer. */
export async function copyRowMarkdown(source: ReportSource, arg: unknown): Promise<string | undefined> {
  const name = layerNameOf(arg);
  const report = source.report;
  const layer = report?.layers.find((l) => l.name === name);
  if (!report || !layer) return undefined;
  const text = markdownLayerRow(report, layer, source.config.flopsConvention);
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`Copied the row of ${layer.name} as Markdown`, 2000);
  return text;
}
