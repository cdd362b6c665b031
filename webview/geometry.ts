/**
 * The diagram's geometry types: what a layout produces and the renderer draws (boxes in SVG user
 * units, origin at the top-left, and edge paths). Types only, so that the layouts, the renderer
 * and the exports share them without importing each other.
 */

/** A layer's box. */
export interface NodeBox {
  layer: string;
  x: number;
  y: number;
  w: number;
  h: number;
  lane: 'main' | 'branch';
  flow: string;
  block: string;
}

/** An edge between two layers (or from a column's input port to a layer). */
export interface EdgeGeom {
  /** Source layer name (the layer outside this column, for an edge from the port). */
  from: string;
  to: string;
  /** `main` = straight down the main lane; `branch` = into/out of the branch lane; `skip` = identity skip. */
  kind: 'main' | 'branch' | 'skip';
  /** SVG path data. */
  d: string;
}

/** A block's frame. */
export interface BlockBox {
  /** Block name (`block4`, `input`, `top`, ...). For a collapsed repeat, its first block. */
  name: string;
  flow: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Names of the blocks this box stands for (more than one when collapsed). */
  represents: string[];
  /** Layers drawn in this box, in execution order (none when the block is closed). */
  layers: string[];
  /** True when the block is drawn as one summary row, its layers hidden. */
  closed?: boolean;
}

/** A flow's column. */
export interface FlowBox {
  name: string;
  title: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Where edges from other columns enter (centre of the main lane, under the title). */
  port: { x: number; y: number };
  /** True when this flow is drawn collapsed (one block standing for several). */
  collapsed: boolean;
  /** True when this flow can be collapsed (Xception's middle flow). */
  collapsible: boolean;
}

/** The whole picture. */
export interface Layout {
  /** `flows`: Xception's hand-tuned columns; `dag`: any DAG laid out by dagre (no columns). */
  kind: 'flows' | 'dag';
  width: number;
  height: number;
  flows: FlowBox[];
  blocks: BlockBox[];
  nodes: Map<string, NodeBox>;
  edges: EdgeGeom[];
}

/** Layout options. */
export interface LayoutOptions {
  /** Draw Xception's middle flow as one block "x 8". */
  collapseMiddle: boolean;
  /**
   * Blocks drawn open (their layers); the others are summary rows. Default `'all'`. A collapsed
   * middle flow is open when its first block is.
   */
  openBlocks?: ReadonlySet<string> | 'all';
}
