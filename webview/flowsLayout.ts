/**
 * Xception's column layout (pure: report in, boxes and edge paths out; no DOM).
 *
 * Xception: one column per flow, in execution order (entry, middle, exit flow, the paper's
 * Figure 5). Inside a column, blocks stack vertically, each a
 * header and its layers in execution order. Layers on the main path sit in the main lane; layers
 * of a residual branch (walked back from an Add's second and later inputs, e.g. Xception's 1x1
 * stride-2 Conv2D + BN) sit in a branch lane to the right, ending level with their Add. Identity
 * skips are drawn as edges along the right side of the main lane. Edges from another column start
 * at the column's input port (a short stub under the flow title) instead of crossing the page.
 *
 * Xception's middle flow (8 identical blocks) can be collapsed to its first block, labelled x 8.
 * Other models (any DAG) are laid out by dagre instead (dagLayout.ts); layout.ts chooses.
 *
 * A block can be drawn closed: one summary row (name; output shape, MACs, time) instead of its
 * layers, in a column as narrow as the row needs. The webview opens no block at first, so that the
 * whole of Xception fits a 1280x800 window at 100 % with every label at 11 px or more; a click
 * opens a block to its layers.
 */
import type { ArchitectureReport, LayerReport } from '../src/report/schema';
import type { BlockBox, EdgeGeom, FlowBox, Layout, LayoutOptions, NodeBox } from './geometry';

/** Width of a layer box, px (SVG user units). */
export const NODE_W = 236;
/** Width of a branch-lane layer box, px. */
export const BRANCH_W = 140;
const NODE_H = 22;
/** Vertical gap between layer boxes; the output shape is written in it. */
const GAP = 16;
const BLOCK_HEADER = 30;
const BLOCK_PAD = 8;
const BLOCK_GAP = 14;
const FLOW_HEADER = 58;
const COL_GAP = 36;
const MARGIN = 16;
const SKIP_LANE = 12;
/** Height of a closed block's summary row (two text lines), px. */
export const SUMMARY_H = 40;
/** Width of a column whose blocks are all closed, px. */
export const SUMMARY_COL_W = 270;
const SUMMARY_GAP = 8;

const FLOW_TITLES: Record<string, string> = { entry: 'Entry flow', middle: 'Middle flow', exit: 'Exit flow' };

/** True when the report is Xception grouped by the paper's flows. */
export function isXceptionReport(report: ArchitectureReport): boolean {
  return report.model.grouping === 'xception-flows';
}

/** The layers of residual branches in a block: walked back from each Add's 2nd+ inputs. */
function branchLayers(block: string[], byName: Map<string, LayerReport>): Set<string> {
  const inBlock = new Set(block);
  const branch = new Set<string>();
  for (const name of block) {
    const l = byName.get(name);
    if (!l || l.inbound.length < 2) continue;
    for (const start of l.inbound.slice(1)) {
      // Follow single-input layers back while they stay in the block.
      let cur: string | undefined = start;
      while (cur && inBlock.has(cur) && !branch.has(cur)) {
        const cl = byName.get(cur);
        if (!cl || cl.inbound.length !== 1) break;
        branch.add(cur);
        cur = cl.inbound[0];
      }
    }
  }
  return branch;
}

/**
 * The column layout: one column per flow, blocks stacked in execution order (module docstring).
 * Layers missing from `report.layers` (inconsistent groups) are skipped.
 */
export function layoutColumns(report: ArchitectureReport, options: LayoutOptions): Layout {
  const byName = new Map(report.layers.map((l) => [l.name, l]));
  const xception = isXceptionReport(report);
  const nodes = new Map<string, NodeBox>();
  const flows: FlowBox[] = [];
  const blocks: BlockBox[] = [];
  const edges: EdgeGeom[] = [];
  const colOf = new Map<string, number>();
  const mainAbove = new Map<string, string>(); // layer -> previous main-lane layer in its column
  const openColW = BLOCK_PAD + NODE_W + SKIP_LANE + BRANCH_W + BLOCK_PAD;
  const isOpen = (block: string): boolean => options.openBlocks === undefined || options.openBlocks === 'all' || options.openBlocks.has(block);
  /** Summary rows (closed blocks) by the names of the layers they hide, for the edges. */
  const rowOf = new Map<string, BlockBox>();
  let height = 0;
  let x = MARGIN;

  report.flows.forEach((flow, col) => {
    const collapsible = xception && flow.name === 'middle';
    const collapsed = collapsible && options.collapseMiddle;
    const flowBlocks = report.blocks.filter((b) => b.flow === flow.name);
    const drawn = collapsed && flowBlocks.length > 1 ? [flowBlocks[0]] : flowBlocks;
    // A column is as wide as its open blocks need; all closed: as wide as a summary row.
    const colW = drawn.some((b) => isOpen(b.name)) ? openColW : SUMMARY_COL_W;
    const port = { x: colW === openColW ? x + BLOCK_PAD + NODE_W / 2 : x + colW / 2, y: MARGIN + FLOW_HEADER - 8 };
    let y = MARGIN + FLOW_HEADER;
    let prevMain: string | undefined;

    for (const block of drawn) {
      const names = block.layers.filter((n) => byName.has(n));
      const represents = collapsed ? flowBlocks.map((b) => b.name) : [block.name];
      if (!isOpen(block.name)) {
        const row: BlockBox = { name: block.name, flow: flow.name, x, y, w: colW, h: SUMMARY_H, represents, layers: [], closed: true };
        blocks.push(row);
        for (const b of represents) for (const n of report.blocks.find((g) => g.name === b)?.layers ?? []) rowOf.set(n, row);
        for (const n of names) colOf.set(n, col);
        y += SUMMARY_H + SUMMARY_GAP + (represents.length > 1 ? 4 : 0);
        prevMain = undefined;
        continue;
      }
      const branch = branchLayers(names, byName);
      const top = y;
      let ny = y + BLOCK_HEADER;
      const mainX = x + BLOCK_PAD;
      const branchX = mainX + NODE_W + SKIP_LANE;
      for (const name of names) {
        if (branch.has(name)) continue;
        nodes.set(name, { layer: name, x: mainX, y: ny, w: NODE_W, h: NODE_H, lane: 'main', flow: flow.name, block: block.name });
        colOf.set(name, col);
        if (prevMain) mainAbove.set(name, prevMain);
        prevMain = name;
        ny += NODE_H + GAP;
      }
      // Branch layers end level with the Add they feed (its left input arrives from the side).
      const branchNames = names.filter((n) => branch.has(n));
      const consumer = names.find((n) => !branch.has(n) && byName.get(n)?.inbound.some((i) => branch.has(i)));
      const endY = (consumer ? nodes.get(consumer)?.y ?? ny : ny) + NODE_H + GAP;
      branchNames.forEach((name, i) => {
        const by = endY - (branchNames.length - i) * (NODE_H + GAP);
        nodes.set(name, { layer: name, x: branchX, y: by, w: BRANCH_W, h: NODE_H, lane: 'branch', flow: flow.name, block: block.name });
        colOf.set(name, col);
      });
      const h = ny - top - GAP + BLOCK_PAD + 10;
      blocks.push({ name: block.name, flow: flow.name, x, y: top, w: colW, h, represents, layers: names, closed: false });
      y = top + h + BLOCK_GAP;
    }
    const title = xception ? FLOW_TITLES[flow.name] ?? flow.name : flow.name;
    flows.push({ name: flow.name, title, x, y: MARGIN, w: colW, h: y - MARGIN, port, collapsed, collapsible });
    height = Math.max(height, y);
    x += colW + COL_GAP;
  });

  edges.push(...summaryEdges(report, nodes, rowOf, colOf, flows));

  // Edges, routed orthogonally.
  for (const [name, node] of nodes) {
    const layer = byName.get(name);
    if (!layer) continue;
    const col = colOf.get(name);
    for (const src of layer.inbound) {
      const s = nodes.get(src);
      const srcRow = rowOf.get(src);
      if (srcRow && colOf.get(src) === col) {
        // From a summary row above, in this column: down from its bottom to this layer.
        edges.push({ from: src, to: name, kind: 'main', d: `M${srcRow.x + srcRow.w / 2},${srcRow.y + srcRow.h} V${(srcRow.y + srcRow.h + node.y) / 2} H${node.x + node.w / 2} V${node.y}` });
        continue;
      }
      const fromPort = !s || colOf.get(src) !== col;
      if (fromPort && !s && !byName.has(src)) continue; // unknown layer: nothing to draw from
      const flowBox = flows[col ?? 0];
      const sx = fromPort ? flowBox.port.x : s.x + s.w / 2;
      const sy = fromPort ? flowBox.port.y : s.y + s.h;
      const dx = node.x + node.w / 2;
      const dTop = node.y;
      const dMid = node.y + node.h / 2;
      if (node.lane === 'branch' && s && !fromPort && s.lane === 'branch') {
        // Down the branch lane.
        edges.push({ from: src, to: name, kind: 'branch', d: `M${sx},${sy} V${dTop}` });
      } else if (node.lane === 'branch') {
        // From the source's right side across to the branch lane, then down.
        const startX = fromPort ? sx : s.x + s.w;
        const startY = fromPort ? sy : s.y + s.h / 2;
        edges.push({ from: src, to: name, kind: 'branch', d: `M${startX},${startY} H${dx} V${dTop}` });
      } else if (s && !fromPort && s.lane === 'branch') {
        // Out of the branch lane: down, then left into the Add's right side.
        edges.push({ from: src, to: name, kind: 'branch', d: `M${sx},${sy} V${dMid} H${node.x + node.w}` });
      } else if (mainAbove.get(name) === src || (fromPort && mainAbove.get(name) === undefined)) {
        edges.push({ from: src, to: name, kind: 'main', d: `M${sx},${sy} V${dTop}` });
      } else {
        // Identity skip along the right side of the main lane.
        const laneX = node.x + node.w + SKIP_LANE / 2 + 2;
        const startX = fromPort ? sx : s.x + s.w;
        const startY = fromPort ? sy : s.y + s.h / 2;
        edges.push({ from: src, to: name, kind: 'skip', d: `M${startX},${startY} H${laneX} V${dMid} H${node.x + node.w}` });
      }
    }
  }

  const width = x - (flows.length > 0 ? COL_GAP : 0) + MARGIN;
  return { kind: 'flows', width, height: height + MARGIN, flows, blocks, nodes, edges };
}

/**
 * Edges into summary rows: one per pair of (source, row), from the source's bottom (a layer, or
 * a row above) or from the column's input port when the source is in another column. Edges
 * between the layers hidden in one row are not drawn.
 */
function summaryEdges(report: ArchitectureReport, nodes: Map<string, NodeBox>, rowOf: Map<string, BlockBox>, colOf: Map<string, number>, flows: FlowBox[]): EdgeGeom[] {
  const out: EdgeGeom[] = [];
  const seen = new Set<string>();
  for (const layer of report.layers) {
    const row = rowOf.get(layer.name);
    if (!row) continue;
    const col = colOf.get(layer.name) ?? 0;
    for (const src of layer.inbound) {
      const srcRow = rowOf.get(src);
      if (srcRow === row) continue;
      const from = srcRow ?? nodes.get(src);
      const sameColumn = colOf.get(src) === col && from !== undefined;
      const key = `${sameColumn ? (srcRow?.name ?? src) : `port${col}`}>${row.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const top = row.y;
      if (!sameColumn) {
        const port = flows[col].port;
        out.push({ from: src, to: layer.name, kind: 'main', d: `M${port.x},${port.y} V${top}` });
        continue;
      }
      const sx = from.x + from.w / 2;
      const sy = from.y + from.h;
      const rx = row.x + row.w / 2;
      out.push({ from: src, to: layer.name, kind: 'main', d: sx === rx ? `M${sx},${sy} V${top}` : `M${sx},${sy} V${(sy + top) / 2} H${rx} V${top}` });
    }
  }
  return out;
}
