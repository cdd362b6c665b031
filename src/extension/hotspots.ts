/**
 * The sidebar's Hotspots view: the N slowest layers by live median, slowest first, with their
 * share of the pass. Refreshed when the ranking or a shown number changes.
 */
import * as vscode from 'vscode';
import { layerMedianMs } from '../report/format';
import { layerShareText, slowestLayers, timeOnEngine } from '../report/viewModel';
import type { ArchitectureReport, LayerReport } from '../report/schema';
import { layerCardTooltip, layerIcon, type ArchNode, type ReportSource } from './tree';
import type { SessionEvent } from './session';

/** How many layers the view lists. */
export const HOTSPOT_COUNT = 10;

/** A row: a layer (the same node shape as the Architecture view, so the layer commands apply). */
export type HotspotNode = ArchNode & { kind: 'layer'; rank: number };

/**
 * The `count` slowest timed layers of a report, slowest first (ties keep execution order), with
 * each row's text: `12.3 ms wall time on wasm · 14.2 % · SeparableConv2D` (the view-model's time and share).
 */
export function hotspots(report: ArchitectureReport, count = HOTSPOT_COUNT): { layer: LayerReport; description: string }[] {
  return slowestLayers(report, count).map((l) => ({
    layer: l,
    description: [timeOnEngine(report, layerMedianMs(l)), layerShareText(report, l), l.className].join(' · '),
  }));
}

export class HotspotsProvider implements vscode.TreeDataProvider<HotspotNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HotspotNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private rows: HotspotNode[] = [];
  private descriptions = new Map<string, string>();
  /** Rows and descriptions as text, to skip refreshes that would show the same thing. */
  private signature = '';
  private readonly subscription: vscode.Disposable;

  constructor(private readonly source: ReportSource) {
    this.update();
    this.subscription = source.onDidChange((e: SessionEvent) => {
      if (e.kind !== 'state') this.update();
    });
  }

  private update(): void {
    const report = this.source.report;
    const list = report ? hotspots(report) : [];
    const signature = list.map((r) => `${r.layer.name}\t${r.description}`).join('\n');
    if (signature === this.signature) return;
    this.signature = signature;
    this.rows = list.map((r, i) => ({ kind: 'layer', name: r.layer.name, parent: undefined, children: [], rank: i + 1 }));
    this.descriptions = new Map(list.map((r) => [r.layer.name, r.description]));
    this.changed.fire(undefined);
  }

  getChildren(element?: HotspotNode): HotspotNode[] {
    return element ? [] : this.rows;
  }

  getParent(): undefined {
    return undefined;
  }

  getTreeItem(node: HotspotNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
    item.id = `hotspot:${node.name}`;
    item.description = this.descriptions.get(node.name) ?? '';
    item.contextValue = 'layer';
    const layer = this.source.report?.layers.find((l) => l.name === node.name);
    item.iconPath = new vscode.ThemeIcon(node.rank === 1 ? 'flame' : layer ? layerIcon(layer.kind) : 'symbol-misc');
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, node: HotspotNode): vscode.TreeItem {
    const report = this.source.report;
    const layer = report?.layers.find((l) => l.name === node.name);
    if (report && layer) item.tooltip = layerCardTooltip(report, layer, this.source.config.flopsConvention);
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
