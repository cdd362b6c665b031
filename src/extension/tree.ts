/**
 * The sidebar's Architecture view: model -> flow (entry / middle / exit) -> block -> layer, each
 * row described by its output shape, compute and live median (`37x37x728 · 734.5M MACs · 12.3 ms`),
 * each layer's tooltip the layer card. Live timings refresh only the rows whose text changed.
 */
import * as vscode from 'vscode';
import type { FlopsConvention } from '../report/flopsConvention';
import { groupCardMarkdown, layerCardMarkdown, layerDescription, REVEAL_IN_DIAGRAM_COMMAND } from '../report/layerCard';
import { groupDescription, type GroupRowKind } from '../report/viewModel';
import type { ArchitectureReport, LayerKind, LayerReport } from '../report/schema';
import type { SessionEvent } from './session';

/** What the views read: the session, or a stand-in in tests. */
export interface ReportSource {
  /** The current report, live timings merged in. */
  readonly report: ArchitectureReport | undefined;
  /** Fires after the report was replaced, timings were merged or the state changed. */
  readonly onDidChange: vscode.Event<SessionEvent>;
  readonly config: { readonly flopsConvention: FlopsConvention };
}

/** A row of the Architecture view. Nodes are created once per report and keep their identity. */
export interface ArchNode {
  kind: 'model' | 'flow' | 'block' | 'layer';
  /** Model name, flow name, block name or layer name. */
  name: string;
  parent: ArchNode | undefined;
  children: ArchNode[];
}

/** The layer name a command was given: a name, or a tree row of a layer. */
export function layerNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null) {
    const node = arg as Partial<ArchNode>;
    if (node.kind === 'layer' && typeof node.name === 'string') return node.name;
  }
  return undefined;
}

/** Codicon of each kind of layer (the report's `kind`, from the layer registry). */
const KIND_ICONS: Record<LayerKind, string> = {
  input: 'sign-in',
  conv: 'layers',
  'transposed-conv': 'layers',
  separable: 'layers-active',
  depthwise: 'layers-dot',
  normalization: 'symbol-ruler',
  activation: 'symbol-event',
  merge: 'add',
  pooling: 'fold-down',
  dense: 'symbol-structure',
  'data-movement': 'symbol-misc',
  wrapper: 'symbol-misc',
  model: 'circuit-board',
  unknown: 'symbol-misc',
};

/** Codicon of a layer by its kind. */
export function layerIcon(kind: LayerKind): string {
  return KIND_ICONS[kind] ?? 'symbol-misc';
}

const GROUP_ICONS: Record<Exclude<ArchNode['kind'], 'layer'>, string> = { model: 'circuit-board', flow: 'type-hierarchy', block: 'package' };

/** The report's layers by name, with a nested model's layers as `model/layer` under it. */
export function layersWithNested(report: ArchitectureReport): Map<string, LayerReport> {
  const map = new Map<string, LayerReport>();
  const add = (layer: LayerReport, name: string): void => {
    map.set(name, layer);
    for (const child of layer.children ?? []) add(child, `${name}/${child.name}`);
  };
  for (const layer of report.layers) add(layer, layer.name);
  return map;
}

/**
 * The node tree of a report. A flow with a single block of its own name (models grouped by
 * down-sampling stages) shows its layers directly, without the block level.
 */
export function buildNodes(report: ArchitectureReport): { root: ArchNode; layers: Map<string, ArchNode> } {
  const root: ArchNode = { kind: 'model', name: report.model.name, parent: undefined, children: [] };
  const layers = new Map<string, ArchNode>();
  const byName = new Map(report.layers.map((l) => [l.name, l]));
  // A nested model's layers are rows under it, named `model/layer` (as the report's diagnostics name them).
  const addNested = (parent: ArchNode, nested: LayerReport[], prefix: string): void => {
    for (const child of nested) {
      const node: ArchNode = { kind: 'layer', name: `${prefix}/${child.name}`, parent, children: [] };
      parent.children.push(node);
      layers.set(node.name, node);
      if (child.children) addNested(node, child.children, node.name);
    }
  };
  const addLayers = (parent: ArchNode, names: string[]): void => {
    for (const name of names) {
      const node: ArchNode = { kind: 'layer', name, parent, children: [] };
      parent.children.push(node);
      layers.set(name, node);
      const nested = byName.get(name)?.children;
      if (nested) addNested(node, nested, name);
    }
  };
  for (const flow of report.flows) {
    const flowNode: ArchNode = { kind: 'flow', name: flow.name, parent: root, children: [] };
    root.children.push(flowNode);
    const blocks = report.blocks.filter((b) => b.flow === flow.name);
    if (blocks.length === 1 && blocks[0].name === flow.name) {
      addLayers(flowNode, blocks[0].layers);
      continue;
    }
    for (const block of blocks) {
      const blockNode: ArchNode = { kind: 'block', name: block.name, parent: flowNode, children: [] };
      flowNode.children.push(blockNode);
      addLayers(blockNode, block.layers);
    }
  }
  return { root, layers };
}

/**
 * The description of a row: a layer's `layerDescription`, a model's, flow's or block's
 * `groupDescription` (both from the view-model: shapes, compute, median on the engine).
 */
export function nodeDescription(node: ArchNode, report: ArchitectureReport, byName: Map<string, LayerReport>, convention: FlopsConvention): string {
  if (node.kind === 'layer') {
    const l = byName.get(node.name);
    return l ? layerDescription(report, l, convention) : '';
  }
  return groupDescription(report, node.kind, node.name, convention);
}

/** Tree data provider of the Architecture view. */
export class ArchitectureTreeProvider implements vscode.TreeDataProvider<ArchNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ArchNode | ArchNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private report: ArchitectureReport | undefined;
  private root: ArchNode | undefined;
  private layerNodes = new Map<string, ArchNode>();
  private byName = new Map<string, LayerReport>();
  /** The description last given to each node, to refresh only rows whose text changed. */
  private readonly descriptions = new Map<ArchNode, string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly source: ReportSource) {
    this.load(source.report);
    this.subscription = source.onDidChange((e) => this.onSessionEvent(e));
  }

  private load(report: ArchitectureReport | undefined): void {
    this.report = report;
    this.descriptions.clear();
    if (!report) {
      this.root = undefined;
      this.layerNodes = new Map();
      this.byName = new Map();
      return;
    }
    const { root, layers } = buildNodes(report);
    this.root = root;
    this.layerNodes = layers;
    this.byName = layersWithNested(report);
  }

  private onSessionEvent(event: SessionEvent): void {
    if (event.kind === 'report') {
      this.load(event.report);
      this.changed.fire(undefined);
    } else if (event.kind === 'timings' && this.report) {
      const changed = this.changedNodes(Object.keys(event.layers));
      if (changed.length) this.changed.fire(changed);
    }
  }

  /** The nodes among the given layers and their ancestors whose description text changed. */
  private changedNodes(layerNames: string[]): ArchNode[] {
    const candidates = new Set<ArchNode>();
    for (const name of layerNames) {
      for (let n = this.layerNodes.get(name); n; n = n.parent) candidates.add(n);
    }
    const changed: ArchNode[] = [];
    for (const node of candidates) {
      const before = this.descriptions.get(node);
      const after = this.describe(node);
      if (before !== undefined && before !== after) changed.push(node);
    }
    return changed;
  }

  private describe(node: ArchNode): string {
    const text = nodeDescription(node, this.report!, this.byName, this.source.config.flopsConvention);
    this.descriptions.set(node, text);
    return text;
  }

  /** Re-renders every row (after a settings change such as the FLOPs convention). */
  refresh(): void {
    this.descriptions.clear();
    this.changed.fire(undefined);
  }

  /** The row of a layer, if the current report has it. */
  layerNode(name: string): ArchNode | undefined {
    return this.layerNodes.get(name);
  }

  getChildren(element?: ArchNode): ArchNode[] {
    if (!element) return this.root ? [this.root] : [];
    return element.children;
  }

  getParent(element: ArchNode): ArchNode | undefined {
    return element.parent;
  }

  getTreeItem(node: ArchNode): vscode.TreeItem {
    const collapsible =
      node.kind === 'layer'
        ? node.children.length
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None
        : node.kind === 'block'
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.Expanded;
    const label = node.kind === 'flow' && this.report?.model.grouping === 'xception-flows' ? `${node.name} flow` : node.name;
    const item = new vscode.TreeItem(label, collapsible);
    item.id = `${node.kind}:${node.name}`;
    item.description = this.describe(node);
    item.contextValue = node.kind;
    const layer = node.kind === 'layer' ? this.byName.get(node.name) : undefined;
    item.iconPath = new vscode.ThemeIcon(layer ? layerIcon(layer.kind) : GROUP_ICONS[node.kind as keyof typeof GROUP_ICONS] ?? 'symbol-misc');
    return item;
  }

  /** Tooltips (the layer card, a group's card) are built when hovered, with the timings of that moment. */
  resolveTreeItem(item: vscode.TreeItem, node: ArchNode): vscode.TreeItem {
    if (!this.report) return item;
    if (node.kind !== 'layer') {
      item.tooltip = this.groupTooltip(node.kind, node.name);
      return item;
    }
    const layer = this.byName.get(node.name);
    if (layer) item.tooltip = layerCardTooltip(this.report, layer, this.source.config.flopsConvention);
    return item;
  }

  /** A model, flow or block row's tooltip: its card, as the webview's group card shows it. */
  private groupTooltip(kind: GroupRowKind, name: string): vscode.MarkdownString {
    return new vscode.MarkdownString(groupCardMarkdown(this.report!, kind, name, this.source.config.flopsConvention));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** The layer card as a trusted MarkdownString whose only enabled command is Reveal in Diagram. */
export function layerCardTooltip(report: ArchitectureReport, layer: LayerReport, convention: FlopsConvention): vscode.MarkdownString {
  const md = new vscode.MarkdownString(layerCardMarkdown(report, layer, { convention, revealLink: true }));
  md.isTrusted = { enabledCommands: [REVEAL_IN_DIAGRAM_COMMAND] };
  return md;
}
