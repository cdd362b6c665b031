/**
 * Assigns every layer a flow and a block, for the tree, the diagram and the per-group totals.
 *
 * - Xception (layers named `block1_` ... `block14_`, as Keras names them): blocks 1-4 are the
 *   entry flow, 5-12 the middle flow, 13-14 the exit flow (the paper's Figure 5). The input is
 *   block `input` of the entry flow; layers after block 14 (`avg_pool`, `predictions`) are block
 *   `top` of the exit flow. Unnamed layers (residual Conv2D + BN, `add`) join the block of the Add
 *   they feed, and an Add joins the latest block among its inputs.
 * - Models whose layer names follow a known block naming (`name-prefix` grouping, used when at
 *   least two blocks are named and at least a quarter of the layers match):
 *   | pattern (examples)                                  | flow       | block           |
 *   |-----------------------------------------------------|------------|-----------------|
 *   | `res4a_branch2b`, `bn4a_branch2b` (Keras ResNet50)  | `stage4`   | `4a`            |
 *   | `conv4_block1_1_conv` (ResNet V2, DenseNet)         | `stage4`   | `conv4_block1`  |
 *   | `pool3_conv` (DenseNet transitions)                 | `stage3`   | `pool3`         |
 *   | `stage2_unit1_conv1`                                | `stage2`   | `stage2_unit1`  |
 *   | `block2a_expand_conv` (EfficientNet)                | `stage2`   | `2a`            |
 *   | `conv_dw_3`, `conv_pw_3`, `conv_pad_4` (MobileNet)  | by size    | `block3`        |
 *   | `block_3_expand` (MobileNet v2)                     | by size    | `block3`        |
 *   | `expanded_conv_3_add` (MobileNet v3)                | by size    | `block3`        |
 *   | `mixed5`, `mixed9_1` (Inception)                    | by size    | `mixed5`        |
 *   | `block3_conv1` (VGG)                                | by size    | `block3`        |
 *   "by size": blocks are put into flows `stage1`, `stage2`... by spatial down-sampling: a new
 *   stage starts at the block whose output is spatially smaller than the current stage's.
 *   Layers whose names match no pattern: the inputs are block `input`; layers before any named
 *   layer (no named ancestor) are the `stem`; a merge (several inputs) joins the latest block
 *   among its inputs; a layer that keeps its input's shape (activation, BN, dropout) and follows a
 *   layer of a known block joins that block (ResNet's ReLU after each Add); layers after the last
 *   named layer (no named descendant) are the `top` (head); any other layer joins the block of
 *   its first consumer. `stem`, `top` and `input` are flows of their own.
 * - Any other model (`downsampling` grouping): flows are stages between spatial down-samplings
 *   (`stage1`, `stage2`, ...: a new stage starts at the first layer whose output is spatially
 *   smaller than the previous stage's), and each stage is one block.
 */
import type { LayerNode } from './graph';

export interface GroupAssignment {
  /** `xception-flows`, `name-prefix` or `downsampling`. */
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
  if (isXceptionNaming(layers)) return groupXception(layers);
  return groupByNamePrefix(layers) ?? groupByDownsampling(layers);
}

/** A block named by a layer's name, with the stage when the naming says it. */
export interface NamedBlock {
  block: string;
  stage?: number;
}

/** Naming conventions of published architectures: regexp and how to read it. */
const BLOCK_PATTERNS: [RegExp, (m: RegExpExecArray) => NamedBlock][] = [
  [/^(?:res|bn|scale)(\d+)([a-z]\d*)_branch/, (m) => ({ stage: Number(m[1]), block: `${m[1]}${m[2]}` })],
  [/^conv(\d+)_block(\d+)_/, (m) => ({ stage: Number(m[1]), block: `conv${m[1]}_block${m[2]}` })],
  [/^pool(\d+)_/, (m) => ({ stage: Number(m[1]), block: `pool${m[1]}` })],
  [/^stage(\d+)_unit(\d+)_/, (m) => ({ stage: Number(m[1]), block: `stage${m[1]}_unit${m[2]}` })],
  [/^block(\d+)([a-z])_/, (m) => ({ stage: Number(m[1]), block: `${m[1]}${m[2]}` })],
  [/^conv_(?:dw|pw|pad)_(\d+)(?:_|$)/, (m) => ({ block: `block${m[1]}` })],
  [/^block_(\d+)_/, (m) => ({ block: `block${m[1]}` })],
  [/^expanded_conv_(\d+)_/, (m) => ({ block: `block${m[1]}` })],
  [/^mixed(\d+)(?:_|$)/, (m) => ({ block: `mixed${m[1]}` })],
  [/^block(\d+)_/, (m) => ({ block: `block${m[1]}` })],
];

/** The block a layer's name puts it in, if its name follows a known convention. */
export function namedBlock(name: string): NamedBlock | undefined {
  for (const [pattern, read] of BLOCK_PATTERNS) {
    const m = pattern.exec(name);
    if (m) return read(m);
  }
  return undefined;
}

function sameShape(layer: LayerNode): boolean {
  const input = layer.inputShapes[0];
  const output = layer.outputShapes[0];
  return layer.inputShapes.length === 1 && !!input && !!output && input.length === output.length && input.every((d, i) => d === output[i]);
}

/** Spatial size (H x W) of a layer's first output; undefined when not 4-D. */
function spatialSize(layer: LayerNode): number | undefined {
  const out = layer.outputShapes[0] ?? [];
  return out.length === 4 ? Number(out[1] ?? 0) * Number(out[2] ?? 0) : undefined;
}

function groupByNamePrefix(layers: LayerNode[]): GroupAssignment | undefined {
  const named = new Map<string, NamedBlock>();
  for (const l of layers) {
    const b = namedBlock(l.name);
    if (b) named.set(l.name, b);
  }
  const blockNames = new Set([...named.values()].map((b) => b.block));
  const candidates = layers.filter((l) => l.inbound.length > 0).length;
  if (blockNames.size < 2 || named.size < candidates / 4) return undefined;

  const block = new Map<string, string>();
  const stageOf = new Map<string, number>();
  for (const [name, b] of named) {
    block.set(name, b.block);
    if (b.stage !== undefined) stageOf.set(b.block, b.stage);
  }
  const index = new Map(layers.map((l, i) => [l.name, i]));
  const consumers = new Map<string, string[]>(layers.map((l) => [l.name, []]));
  for (const l of layers) for (const p of l.inbound) consumers.get(p)?.push(l.name);
  // Which layers have a named layer before / after them (layers are in execution order).
  const namedBefore = new Set<string>();
  for (const l of layers) if (l.inbound.some((p) => named.has(p) || namedBefore.has(p))) namedBefore.add(l.name);
  const namedAfter = new Set<string>();
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i];
    if ((consumers.get(l.name) ?? []).some((c) => named.has(c) || namedAfter.has(c))) namedAfter.add(l.name);
  }
  // Order of blocks = order of their first layer.
  const blockOrder = new Map<string, number>();
  const orderBlock = (name: string, b: string): void => {
    if (!blockOrder.has(b)) blockOrder.set(b, index.get(name) ?? 0);
  };
  for (const l of layers) if (block.has(l.name)) orderBlock(l.name, block.get(l.name)!);

  // Forward: inputs, stem, merges, and shape-keeping layers after a layer of a known block.
  for (const l of layers) {
    if (block.has(l.name)) continue;
    if (l.inbound.length === 0) block.set(l.name, 'input');
    else if (!namedBefore.has(l.name)) block.set(l.name, 'stem');
    else if (l.inbound.length > 1) {
      const known = l.inbound.map((p) => block.get(p)).filter((b): b is string => b !== undefined && blockOrder.has(b));
      if (known.length) block.set(l.name, known.reduce((a, b) => (blockOrder.get(b)! > blockOrder.get(a)! ? b : a)));
    } else if (sameShape(l) && block.has(l.inbound[0]) && block.get(l.inbound[0]) !== 'stem') {
      block.set(l.name, block.get(l.inbound[0])!);
    }
  }
  // Backward: the head, then any other layer joins its first consumer's block.
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i];
    if (block.has(l.name)) continue;
    if (!namedAfter.has(l.name)) {
      block.set(l.name, 'top');
      continue;
    }
    const consumer = (consumers.get(l.name) ?? []).map((c) => block.get(c)).find((b) => b !== undefined);
    block.set(l.name, consumer ?? 'top');
  }

  // Flows: the stage from the name, else stages by down-sampling over blocks in order.
  const flowOfBlock = new Map<string, string>([['input', 'input'], ['stem', 'stem'], ['top', 'top']]);
  const lastLayer = new Map<string, LayerNode>();
  for (const l of layers) lastLayer.set(block.get(l.name)!, l);
  let stage = 0;
  let stageSpatial = Infinity;
  for (const b of [...blockOrder.keys()].sort((x, y) => blockOrder.get(x)! - blockOrder.get(y)!)) {
    if (flowOfBlock.has(b)) continue;
    const named = stageOf.get(b);
    if (named !== undefined) {
      flowOfBlock.set(b, `stage${named}`);
      continue;
    }
    const spatial = spatialSize(lastLayer.get(b)!);
    if (stage === 0 || (spatial !== undefined && spatial < stageSpatial)) {
      stage++;
      if (spatial !== undefined) stageSpatial = spatial;
    }
    flowOfBlock.set(b, `stage${stage}`);
  }
  const byLayer = new Map<string, { flow: string; block: string }>();
  for (const l of layers) {
    const b = block.get(l.name)!;
    byLayer.set(l.name, { flow: flowOfBlock.get(b) ?? 'top', block: b });
  }
  return { grouping: 'name-prefix', byLayer };
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
    // Inputs are their own group: the first stage starts at the first layer after them.
    const spatial = out.length === 4 && l.inbound.length > 0 ? Number(out[1] ?? 0) * Number(out[2] ?? 0) : undefined;
    if (spatial !== undefined && spatial < stageSpatial) {
      if (stageSpatial !== Infinity) stage++;
      stageSpatial = spatial;
    }
    const name = l.inbound.length === 0 ? 'input' : `stage${stage}`;
    byLayer.set(l.name, { flow: name, block: name });
  }
  return { grouping: 'downsampling', byLayer };
}
