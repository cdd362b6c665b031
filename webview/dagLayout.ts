/**
 * Geometry of the diagram for any layer DAG (models not grouped as Xception's flows: ResNet,
 * MobileNet, user models): a layered top-to-bottom drawing computed by dagre (@dagrejs/dagre, the
 * Sugiyama-style layered layout: network-simplex ranking, crossing reduction, Brandes-Köpf
 * placement). Edges are the report's `inbound` lists (one edge per inbound entry: a layer fed
 * twice by the same tensor gets two).
 *
 * Speed: dagre's crossing reduction rebuilds a graph per rank per sweep, so its cost grows with
 * nodes x ranks (a 177-layer ResNet50 as 177 dagre nodes takes ~250 ms in Node on this machine).
 * Chains of layers (each link the only output of one layer and the only input of the next, inside
 * one block: conv -> BN -> ReLU ...) are therefore given to dagre as one tall node, and their
 * layers stacked inside it afterwards: far fewer nodes and ranks, the same drawing.
 *
 * Each block gets a frame around its layers' boxes. Where two frames would overlap, the layout is
 * redone with one dagre cluster per block (~4x slower, so only then).
 * Pure: report in, boxes and edge paths out, no DOM. The output has the shape of the Xception
 * column layout (`Layout`), with no flow columns.
 */
import dagre from '@dagrejs/dagre';
import type { ArchitectureReport, LayerReport } from '../src/report/schema';
import type { BlockBox, EdgeGeom, Layout, NodeBox } from './geometry';
import { opLabel } from './labels';

/** Height of a layer box, px (SVG user units), as in the Xception layout. */
const NODE_H = 22;
/** Vertical gap between stacked layers of a chain; the output shape is written in it. */
const GAP = 16;
/** Width of a layer box: from its name and op label (approximate char widths), within bounds. */
const MIN_W = 110;
const MAX_W = 320;
const NAME_CHAR_W = 6.7;
const OP_CHAR_W = 5.6;
/** Room at the top of a block frame for its header (title and share bar). */
const HEADER_H = 28;
const FRAME_PAD = 6;
const MIN_FRAME_W = 200;
const MARGIN = 16;

/** Width of a layer's box in the DAG drawing, px: room for its name and its op label. */
export function dagNodeWidth(layer: LayerReport): number {
  return Math.round(Math.max(MIN_W, Math.min(MAX_W, layer.name.length * NAME_CHAR_W + opLabel(layer).length * OP_CHAR_W + 28)));
}

/**
 * Maximal chains of the DAG: runs of layers where each link is the only edge out of a layer and
 * the only edge into the next, both in the same block. Every layer is in exactly one chain
 * (possibly of length 1). Returned in execution order of their first layer.
 */
export function layerChains(layers: LayerReport[]): string[][] {
  const known = new Set(layers.map((l) => l.name));
  const outDeg = new Map<string, number>();
  const byName = new Map(layers.map((l) => [l.name, l]));
  for (const l of layers) for (const src of l.inbound) if (known.has(src)) outDeg.set(src, (outDeg.get(src) ?? 0) + 1);
  const inDeg = (l: LayerReport): number => l.inbound.filter((n) => known.has(n)).length;
  const next = new Map<string, string>();
  const hasPrev = new Set<string>();
  for (const l of layers) {
    if (inDeg(l) !== 1) continue;
    const src = l.inbound.find((n) => known.has(n))!;
    if (outDeg.get(src) === 1 && byName.get(src)?.block === l.block) {
      next.set(src, l.name);
      hasPrev.add(l.name);
    }
  }
  const chains: string[][] = [];
  for (const l of layers) {
    if (hasPrev.has(l.name)) continue;
    const chain = [l.name];
    for (let n = next.get(l.name); n !== undefined; n = next.get(n)) chain.push(n);
    chains.push(chain);
  }
  return chains;
}

/** SVG path data through points. */
function pathOf(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

/**
 * Lays out the report's layers as a DAG with dagre. Inbound names that are not layers of the
 * report are skipped (nothing to draw from).
 */
export function layoutDag(report: ArchitectureReport): Layout {
  const layers = report.layers;
  if (layers.length === 0) return { kind: 'dag', width: 2 * MARGIN, height: 2 * MARGIN, flows: [], blocks: [], nodes: new Map(), edges: [] };
  const byName = new Map(layers.map((l) => [l.name, l]));
  const chains = layerChains(layers);
  const chainOf = new Map<string, number>();
  chains.forEach((c, i) => c.forEach((n) => chainOf.set(n, i)));

  // Block frames are drawn around their layers' boxes. Without clusters dagre may interleave two
  // blocks (a graph model's shortcut branch grouped with the block it joins), and their frames
  // would overlap; then the layout is redone with one dagre cluster per block, which keeps each
  // block's layers together (clusters cost ~4x, so only when needed).
  let g = dagreLayout(layers, chains, chainOf, byName, false);
  if (framesOverlap(blockFrames(layers, chainBoxes(g, chains, byName), byName))) g = dagreLayout(layers, chains, chainOf, byName, true);

  const nodes = chainBoxes(g, chains, byName);

  const edges: EdgeGeom[] = [];
  const edgePoints = new Map<EdgeGeom, { x: number; y: number }[]>();
  const addEdge = (e: Omit<EdgeGeom, 'd'>, pts: { x: number; y: number }[]): void => {
    const edge = { ...e, d: pathOf(pts) };
    edges.push(edge);
    edgePoints.set(edge, pts);
  };
  for (const c of chains) {
    for (let k = 1; k < c.length; k++) {
      const a = nodes.get(c[k - 1])!;
      const b = nodes.get(c[k])!;
      addEdge({ from: a.layer, to: b.layer, kind: 'main' }, [{ x: a.x + a.w / 2, y: a.y + a.h }, { x: b.x + b.w / 2, y: b.y }]);
    }
  }
  for (const e of g.edges()) {
    const label = g.edge(e) as { src: string; dst: string; input: number; points?: { x: number; y: number }[] };
    const a = nodes.get(label.src)!;
    const b = nodes.get(label.dst)!;
    // dagre's end points lie on the chain node's outline; the edge really leaves the bottom of the
    // chain's last layer and enters the top of the first one.
    const start = { x: a.x + a.w / 2, y: a.y + a.h };
    const end = { x: b.x + b.w / 2, y: b.y };
    const inner = (label.points ?? []).slice(1, -1).filter((p) => p.y > start.y && p.y < end.y);
    // First input: the main path; second and later inputs (residual joins, concatenations): branch.
    addEdge({ from: label.src, to: label.dst, kind: label.input === 0 ? 'main' : 'branch' }, [start, ...inner, end]);
  }

  const blocks = blockFrames(layers, nodes, byName);

  // Everything inside the margins (frames widened for their titles may reach past dagre's box).
  const left = Math.min(...blocks.map((b) => b.x));
  const top = Math.min(...blocks.map((b) => b.y));
  const dx = MARGIN - left;
  const dy = MARGIN - top;
  for (const n of nodes.values()) {
    n.x += dx;
    n.y += dy;
  }
  for (const b of blocks) {
    b.x += dx;
    b.y += dy;
  }
  for (const [e, pts] of edgePoints) {
    for (const p of pts) {
      p.x += dx;
      p.y += dy;
    }
    e.d = pathOf(pts);
  }
  const width = Math.max(0, ...blocks.map((b) => b.x + b.w)) + MARGIN;
  const height = Math.max(0, ...blocks.map((b) => b.y + b.h)) + MARGIN;
  return wrapColumns({ kind: 'dag', width, height, flows: [], blocks, nodes, edges }, edgePoints);
}

type DagreGraph = ReturnType<typeof dagreLayout>;

/**
 * Runs dagre on the chains (one dagre node per chain, edges between chains); with `clustered`,
 * each block is a dagre cluster holding its chains (a chain never spans two blocks).
 */
function dagreLayout(layers: LayerReport[], chains: string[][], chainOf: Map<string, number>, byName: Map<string, LayerReport>, clustered: boolean) {
  const g = new dagre.graphlib.Graph({ multigraph: true, directed: true, compound: clustered });
  // ranksep: the output shape under the last box of a rank, then the next block's header.
  g.setGraph({ rankdir: 'TB', nodesep: 20, ranksep: HEADER_H + GAP + 2 * FRAME_PAD, edgesep: 10, marginx: MARGIN, marginy: MARGIN + HEADER_H });
  g.setDefaultEdgeLabel(() => ({}));
  chains.forEach((c, i) => {
    const width = Math.max(...c.map((n) => dagNodeWidth(byName.get(n)!)));
    g.setNode(String(i), { width, height: c.length * NODE_H + (c.length - 1) * GAP });
    if (clustered) {
      const cluster = `block:${byName.get(c[0])!.block}`;
      if (!g.hasNode(cluster)) g.setNode(cluster, { paddingTop: HEADER_H + FRAME_PAD, paddingBottom: 12 + FRAME_PAD, paddingLeft: FRAME_PAD, paddingRight: FRAME_PAD });
      g.setParent(String(i), cluster);
    }
  });
  for (const l of layers) {
    const to = chainOf.get(l.name)!;
    l.inbound.forEach((src, i) => {
      const from = chainOf.get(src);
      // Links inside a chain are drawn straight; only edges between chains go to dagre.
      if (from === undefined || (from === to && chains[to].indexOf(src) === chains[to].indexOf(l.name) - 1)) return;
      g.setEdge(String(from), String(to), { weight: i === 0 ? 2 : 1, src, dst: l.name, input: i }, `${l.name}#${i}`);
    });
  }
  dagre.layout(g);
  return g;
}

/** Each layer's box, stacked inside its chain's dagre node. */
function chainBoxes(g: DagreGraph, chains: string[][], byName: Map<string, LayerReport>): Map<string, NodeBox> {
  const nodes = new Map<string, NodeBox>();
  chains.forEach((c, i) => {
    const n = g.node(String(i));
    let y = (n.y ?? 0) - n.height / 2;
    for (const name of c) {
      const l = byName.get(name)!;
      const w = dagNodeWidth(l);
      nodes.set(name, { layer: name, x: (n.x ?? 0) - w / 2, y, w, h: NODE_H, lane: 'main', flow: l.flow, block: l.block });
      y += NODE_H + GAP;
    }
  });
  return nodes;
}

/** Block frames around their layers' boxes (with room for the header and the last output shape). */
function blockFrames(layers: LayerReport[], nodes: Map<string, NodeBox>, byName: Map<string, LayerReport>): BlockBox[] {
  const blocks: BlockBox[] = [];
  const members = new Map<string, string[]>();
  for (const l of layers) {
    const list = members.get(l.block) ?? [];
    list.push(l.name);
    members.set(l.block, list);
  }
  for (const [name, names] of members) {
    const boxes = names.map((n) => nodes.get(n)!);
    let x = Math.min(...boxes.map((b) => b.x)) - FRAME_PAD;
    let right = Math.max(...boxes.map((b) => b.x + b.w)) + FRAME_PAD;
    if (right - x < MIN_FRAME_W) {
      const grow = (MIN_FRAME_W - (right - x)) / 2;
      x -= grow;
      right += grow;
    }
    const y = Math.min(...boxes.map((b) => b.y)) - HEADER_H;
    const bottom = Math.max(...boxes.map((b) => b.y + b.h)) + 12 + FRAME_PAD;
    blocks.push({ name, flow: byName.get(names[0])!.flow, x, y, w: right - x, h: bottom - y, represents: [name], layers: names });
  }
  return blocks;
}

/** Whether any two frames overlap. */
export function framesOverlap(frames: readonly { x: number; y: number; w: number; h: number }[]): boolean {
  for (let i = 0; i < frames.length; i++)
    for (let j = i + 1; j < frames.length; j++) {
      const [a, b] = [frames[i], frames[j]];
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) return true;
    }
  return false;
}

/** Gap between the columns of a wrapped drawing, px. */
const COL_GAP = 48;
/** Width : height the wrapped drawing aims at (a wide editor panel). */
const TARGET_ASPECT = 1.6;

/**
 * Wraps a tall drawing into side-by-side columns, like text: deep, narrow models (ResNet50 is 177
 * layers, mostly one chain) would otherwise be a strip 40 times taller than wide. Cuts are made
 * only in horizontal gaps that no block frame spans, so blocks are never split; an edge that
 * crosses a cut is drawn down to the bottom of its column and again from the top of its target's
 * column (one path, two pieces). The column count makes the result about TARGET_ASPECT wide.
 */
function wrapColumns(layout: Layout, points: Map<EdgeGeom, { x: number; y: number }[]>): Layout {
  const frames = [...layout.blocks].sort((a, b) => a.y - b.y);
  if (frames.length < 2) return layout;
  const innerW = layout.width - 2 * MARGIN;
  const innerH = layout.height - 2 * MARGIN;
  const wanted = Math.round(Math.sqrt((TARGET_ASPECT * innerH) / Math.max(1, innerW)));
  if (wanted < 2) return layout;
  // Cut candidates: the middle of every vertical gap between merged frame intervals.
  const cuts: number[] = [];
  let reach = frames[0].y + frames[0].h;
  for (const f of frames.slice(1)) {
    if (f.y > reach) cuts.push((reach + f.y) / 2);
    reach = Math.max(reach, f.y + f.h);
  }
  // Greedy: start a new column at the first cut past each multiple of the target height.
  const target = innerH / wanted;
  const chosen: number[] = [];
  for (const c of cuts) if (c - MARGIN >= target * (chosen.length + 1) && chosen.length < wanted - 1) chosen.push(c);
  if (chosen.length === 0) return layout;
  const bounds = [-Infinity, ...chosen, Infinity];
  const segmentOf = (y: number): number => {
    let i = 0;
    while (y >= bounds[i + 1]) i++;
    return i;
  };
  const segTop = (i: number): number => (i === 0 ? MARGIN : bounds[i]);
  const segBottom = (i: number): number => (i === chosen.length ? layout.height - MARGIN : bounds[i + 1]);
  const shift = (i: number): { dx: number; dy: number } => ({ dx: i * (innerW + COL_GAP), dy: MARGIN - segTop(i) });
  for (const n of layout.nodes.values()) {
    const { dx, dy } = shift(segmentOf(n.y));
    n.x += dx;
    n.y += dy;
  }
  for (const b of layout.blocks) {
    const { dx, dy } = shift(segmentOf(b.y));
    b.x += dx;
    b.y += dy;
  }
  for (const e of layout.edges) {
    const pts = points.get(e) ?? [];
    if (pts.length < 2) continue;
    const from = segmentOf(pts[0].y);
    const to = segmentOf(pts[pts.length - 1].y);
    const move = (p: { x: number; y: number }, i: number): { x: number; y: number } => ({ x: p.x + shift(i).dx, y: p.y + shift(i).dy });
    if (from === to) {
      e.d = pathOf(pts.map((p) => move(p, from)));
      continue;
    }
    // Source piece down to its column's bottom; target piece from its column's top.
    const head = pts.filter((p) => segmentOf(p.y) === from).map((p) => move(p, from));
    const tail = pts.filter((p) => segmentOf(p.y) === to).map((p) => move(p, to));
    const last = head[head.length - 1];
    const first = tail[0];
    head.push({ x: last.x, y: segBottom(from) + shift(from).dy });
    tail.unshift({ x: first.x, y: segTop(to) + shift(to).dy });
    e.d = `${pathOf(head)} ${pathOf(tail)}`;
    e.kind = 'skip';
  }
  const columns = chosen.length + 1;
  const height = Math.max(...Array.from({ length: columns }, (_, i) => segBottom(i) - segTop(i))) + 2 * MARGIN;
  return { ...layout, width: columns * innerW + (columns - 1) * COL_GAP + 2 * MARGIN, height };
}
