/**
 * Assigns every layer a flow and a block, for the tree, the diagram and the per-group totals.
 *
 * - Xception (layers named `block1_` ... `block14_`, as Keras names them): blocks 1-4 are the
 *   entry flow, 5-12 the middle flow, 13-14 the exit flow (the paper's Figure 5). The input is
 *   block `input` of the entry flow; layers after block 14 (`avg_pool`, `predictions`) are block
 *   `top` of the exit flow. Unnamed layers (residual Conv2D + BN, `add`) join the block of the Add
 *   they feed, and an Add joins the latest block among its inputs.
 * - Any other model: flows are stages between spatial down-samplings (`stage1`, `stage2`, ...: a
 *   new stage starts at the first layer whose output is spatially smaller than the previous
 *   stage's), and each stage is one block.
 */
import type { LayerNode } from './graph';

export interface GroupAssignment {
  /** `xception-flows` or `downsampling`. */
  grouping: string;
  /** Flow and block per layer name. */
  byLayer: Map<string, { flow: string; block: string }>;
}

const BLOCK_NAME = /^block(\d+)_/;

function blockNumber(name: string): number | undefined {
  const m = BLOCK_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** True when the model is named like Keras's Xception (blocks 1 to 14 all present). */
export function isXceptionNaming(layers: LayerNode[]): boolean {
  const blocks = new Set(layers.map((l) => blockNumber(l.name)).filter((b) => b !== undefined));
  for (let b = 1; b <= 14; b++) if (!blocks.has(b)) return false;
  return blocks.size === 14;
}

/** Xception flow of a block number, from the paper's Figure 5. */
export function xceptionFlow(block: number): 'entry' | 'middle' | 'exit' {
  return block <= 4 ? 'entry' : block <= 12 ? 'middle' : 'exit';
}

/**
 * Groups layers into flows and blocks (see the module docstring for the rules).
 * @param layers in execution order.
 */
export function groupLayers(layers: LayerNode[]): GroupAssignment {
  return isXceptionNaming(layers) ? groupXception(layers) : groupByDownsampling(layers);
}

function groupXception(layers: LayerNode[]): GroupAssignment {
  const block = new Map<string, number>();
  for (const l of layers) {
    const b = blockNumber(l.name);
    if (b !== undefined) block.set(l.name, b);
  }
  // An Add joins the latest block among its inputs (the residual branch is still unnamed here).
  for (const l of layers) {
    if (!block.has(l.name) && l.inbound.length > 1) {
      const known = l.inbound.map((n) => block.get(n)).filter((b): b is number => b !== undefined);
      if (known.length) block.set(l.name, Math.max(...known));
    }
  }
  // Other unnamed layers join the block of the first layer that consumes them (walk backwards).
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i];
    if (block.has(l.name) || l.inbound.length === 0) continue;
    const consumer = layers.find((c) => c.inbound.includes(l.name) && block.has(c.name));
    if (consumer) block.set(l.name, block.get(consumer.name)!);
  }
  const byLayer = new Map<string, { flow: string; block: string }>();
  for (const l of layers) {
    const b = block.get(l.name);
    if (b !== undefined) byLayer.set(l.name, { flow: xceptionFlow(b), block: `block${b}` });
    else if (l.inbound.length === 0) byLayer.set(l.name, { flow: 'entry', block: 'input' });
    else byLayer.set(l.name, { flow: 'exit', block: 'top' });
  }
  return { grouping: 'xception-flows', byLayer };
}

function groupByDownsampling(layers: LayerNode[]): GroupAssignment {
  const byLayer = new Map<string, { flow: string; block: string }>();
  let stage = 1;
  let stageSpatial = Infinity;
  for (const l of layers) {
    const out = l.outputShapes[0] ?? [];
    const spatial = out.length === 4 ? Number(out[1] ?? 0) * Number(out[2] ?? 0) : undefined;
    if (spatial !== undefined && spatial < stageSpatial) {
      if (stageSpatial !== Infinity) stage++;
      stageSpatial = spatial;
    }
    const name = l.inbound.length === 0 ? 'input' : `stage${stage}`;
    byLayer.set(l.name, { flow: name, block: name });
  }
  return { grouping: 'downsampling', byLayer };
}
