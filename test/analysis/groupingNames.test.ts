/**
 * `name-prefix` grouping on a small MobileNet-named graph: inputs, stem, blocks from names, flows
 * by spatial down-sampling, shape-keeping layers after a block, merges, layers that join their
 * consumer's block, the head; and the threshold (a quarter of the layers named) that selects it.
 */
import { describe, expect, it } from 'vitest';
import type { LayerNode } from '../../src/analysis/graph';
import { groupLayers } from '../../src/analysis/grouping';
import type { Shape } from '../../src/report/schema';

/** A layer with output `out`, fed by `inbound` (whose outputs are looked up in `shapes`). */
function graph(...spec: [name: string, out: Shape, ...inbound: string[]][]): LayerNode[] {
  const shapes = new Map(spec.map(([name, out]) => [name, out]));
  return spec.map(([name, out, ...inbound]) => ({
    name,
    className: 'Layer',
    config: {},
    inbound,
    inputShapes: inbound.map((i) => shapes.get(i)!),
    outputShapes: [out],
    params: { trainable: 0, nonTrainable: 0 },
    bytesPerValue: 4,
  }));
}

const placed = (layers: LayerNode[]): Record<string, string> => Object.fromEntries([...groupLayers(layers).byLayer].map(([n, g]) => [n, `${g.flow}/${g.block}`]));

function mobileNetLike(): LayerNode[] {
  return graph(
    ['input', [null, 32, 32, 3]],
    ['conv_stem', [null, 16, 16, 8], 'input'],
    ['stem_bn', [null, 16, 16, 8], 'conv_stem'],
    ['conv_dw_1', [null, 16, 16, 8], 'stem_bn'],
    ['relu_a', [null, 16, 16, 8], 'conv_dw_1'],
    ['conv_pw_1', [null, 16, 16, 16], 'relu_a'],
    ['pad', [null, 18, 18, 16], 'conv_pw_1'],
    ['conv_dw_2', [null, 8, 8, 16], 'pad'],
    ['add', [null, 8, 8, 16], 'conv_pw_1', 'conv_dw_2'],
    ['conv_pw_2', [null, 8, 8, 32], 'add'],
    ['conv_dw_3', [null, 8, 8, 32], 'conv_pw_2'],
    ['conv_pw_3', [null, 8, 8, 64], 'conv_dw_3'],
    ['global_pool', [null, 64], 'conv_pw_3'],
    ['dense', [null, 10], 'global_pool'],
  );
}

describe('name-prefix grouping', () => {
  it('places inputs, stem, named blocks, their followers, merges and the head', () => {
    const layers = mobileNetLike();
    expect(groupLayers(layers).grouping).toBe('name-prefix');
    expect(placed(layers)).toEqual({
      input: 'input/input',
      conv_stem: 'stem/stem',
      stem_bn: 'stem/stem',
      conv_dw_1: 'stage1/block1',
      // Keeps its input's shape after a layer of block 1.
      relu_a: 'stage1/block1',
      conv_pw_1: 'stage1/block1',
      // Changes the shape: joins the block of its consumer.
      pad: 'stage2/block2',
      // Block 2 ends at 8x8, smaller than block 1's 16x16: a new stage.
      conv_dw_2: 'stage2/block2',
      // A merge joins the latest block among its inputs.
      add: 'stage2/block2',
      conv_pw_2: 'stage2/block2',
      // Block 3 keeps 8x8: same stage.
      conv_dw_3: 'stage2/block3',
      conv_pw_3: 'stage2/block3',
      global_pool: 'top/top',
      dense: 'top/top',
    });
  });

  it('a merge takes the latest block whichever input comes first', () => {
    const layers = mobileNetLike();
    const add = layers.find((l) => l.name === 'add')!;
    add.inbound = ['conv_dw_2', 'conv_pw_1'];
    expect(placed(layers).add).toBe('stage2/block2');
  });

  it('stages named in the layer names are the flows (ResNet)', () => {
    const layers = graph(
      ['data', [null, 8, 8, 3]],
      ['res2a_branch2a', [null, 8, 8, 4], 'data'],
      ['res2b_branch2a', [null, 8, 8, 4], 'res2a_branch2a'],
      ['res3a_branch2a', [null, 8, 8, 4], 'res2b_branch2a'],
      ['relu', [null, 8, 8, 4], 'res3a_branch2a'],
    );
    expect(placed(layers)).toEqual({
      data: 'input/input',
      res2a_branch2a: 'stage2/2a',
      res2b_branch2a: 'stage2/2b',
      res3a_branch2a: 'stage3/3a',
      relu: 'stage3/3a',
    });
  });

  it('is chosen when two blocks are named and at least a quarter of the layers match', () => {
    /** `named` layers of 2 blocks among `total` layers after the input, all 8x8. */
    const chain = (named: number, total: number): LayerNode[] => {
      const names = Array.from({ length: total }, (_, i) => (i < named ? `conv_dw_${1 + (i % 2)}` + `_${i}` : `layer${i}`));
      return graph(['x', [null, 8, 8, 1]], ...names.map((n, i): [string, Shape, string] => [n, [null, 8, 8, 1], i === 0 ? 'x' : names[i - 1]]));
    };
    // 2 of 8: exactly a quarter.
    expect(groupLayers(chain(2, 8)).grouping).toBe('name-prefix');
    // 2 of 9: less than a quarter.
    expect(groupLayers(chain(2, 9)).grouping).toBe('downsampling');
    // One block only.
    expect(groupLayers(graph(['x', [null, 8, 8, 1]], ['conv_dw_1', [null, 8, 8, 1], 'x'], ['conv_pw_1', [null, 8, 8, 1], 'conv_dw_1'])).grouping).toBe('downsampling');
  });
});

describe('name-prefix grouping, edge by edge', () => {
  it('a layer that adds an axis does not keep its input\'s shape: it joins its consumer\'s block', () => {
    const layers = graph(['x', [null, 8]], ['conv_dw_1', [null, 8], 'x'], ['expand', [null, 8, 1], 'conv_dw_1'], ['conv_dw_2', [null, 8, 1], 'expand']);
    expect(placed(layers)).toEqual({ x: 'input/input', conv_dw_1: 'stage1/block1', expand: 'stage1/block2', conv_dw_2: 'stage1/block2' });
  });

  it('stages by size: only 4-D outputs count; the first block always opens stage 1', () => {
    // Neither block is 4-D: one stage.
    expect(placed(graph(['x', [null, 8, 4]], ['conv_dw_1', [null, 8, 4], 'x'], ['conv_dw_2', [null, 2], 'conv_dw_1']))).toMatchObject({ conv_dw_1: 'stage1/block1', conv_dw_2: 'stage1/block2' });
    // A 4-D block after a flat one opens stage 2 (any size is smaller than none).
    expect(placed(graph(['x', [null, 8]], ['conv_dw_1', [null, 8], 'x'], ['conv_dw_2', [null, 4, 4, 1], 'conv_dw_1']))).toMatchObject({ conv_dw_1: 'stage1/block1', conv_dw_2: 'stage2/block2' });
  });

  it('merges: the block that starts latest; inputs without a block, or in the input or stem, do not count', () => {
    const layers = graph(
      ['x', [null, 8, 8, 1]],
      ['conv_dw_1', [null, 8, 8, 1], 'x'],
      ['conv_dw_2', [null, 8, 8, 1], 'conv_dw_1'],
      // Block 1 again, after block 2 started: block 2 still starts later.
      ['conv_pw_1', [null, 8, 8, 1], 'conv_dw_2'],
      ['m', [null, 8, 8, 1], 'conv_dw_2', 'conv_pw_1'],
      ['u', [null, 8, 8, 2], 'conv_dw_1'],
      ['m_u', [null, 8, 8, 1], 'u', 'conv_dw_2'],
      ['m_x', [null, 8, 8, 1], 'x', 'conv_dw_1'],
      ['v', [null, 8, 8, 3], 'conv_dw_1'],
      ['w', [null, 8, 8, 3], 'conv_dw_1'],
      ['m_vw', [null, 8, 8, 3], 'v', 'w'],
      ['conv_dw_3', [null, 8, 8, 1], 'm', 'm_u', 'm_x', 'm_vw'],
    );
    expect(placed(layers)).toMatchObject({
      m: 'stage1/block2',
      u: 'stage1/block2',
      m_u: 'stage1/block2',
      m_x: 'stage1/block1',
      // No input with a block: the merge and its inputs join their consumer's block.
      v: 'stage1/block3',
      w: 'stage1/block3',
      m_vw: 'stage1/block3',
    });
  });

  it('a head layer stays in the head even when it feeds a merge placed in a block', () => {
    const layers = graph(
      ['x', [null, 8, 8, 1]],
      ['conv_dw_1', [null, 8, 8, 1], 'x'],
      ['conv_dw_2', [null, 8, 8, 1], 'conv_dw_1'],
      ['head', [null, 8, 8, 2], 'conv_dw_2'],
      ['sum', [null, 8, 8, 2], 'conv_dw_2', 'head'],
    );
    expect(placed(layers)).toMatchObject({ head: 'top/top', sum: 'stage1/block2' });
  });
});

describe('downsampling grouping', () => {
  it('starts a stage at each spatial down-sampling; the inputs are their own group', () => {
    const layers = graph(
      ['x', [null, 4, 4, 1]],
      ['a', [null, 8, 8, 2], 'x'],
      ['b', [null, 8, 8, 2], 'a'],
      ['c', [null, 4, 4, 2], 'b'],
      ['d', [null, 4, 8, 2], 'c'],
      ['e', [null, 2], 'd'],
      ['f', [null, 2, 2, 2], 'e'],
    );
    expect(groupLayers(layers).grouping).toBe('downsampling');
    expect(placed(layers)).toEqual({ x: 'input/input', a: 'stage1/stage1', b: 'stage1/stage1', c: 'stage2/stage2', d: 'stage2/stage2', e: 'stage2/stage2', f: 'stage3/stage3' });
  });
});
