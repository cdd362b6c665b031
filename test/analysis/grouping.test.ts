import { describe, expect, it } from 'vitest';
import type { LayerNode } from '../../src/analysis/graph';
import { groupLayers, namedBlock } from '../../src/analysis/grouping';
import type { Shape } from '../../src/report/schema';

/** A chain of layers: [name, output shape], each fed by the previous one. */
function chain(...layers: [string, Shape][]): LayerNode[] {
  return layers.map(([name, shape], i) => ({
    name,
    className: i === 0 ? 'InputLayer' : 'Layer',
    config: {},
    inbound: i === 0 ? [] : [layers[i - 1][0]],
    inputShapes: i === 0 ? [] : [layers[i - 1][1]],
    outputShapes: [shape],
    params: { trainable: 0, nonTrainable: 0 },
    bytesPerValue: 4,
  }));
}

describe('namedBlock', () => {
  it.each([
    ['res4a_branch2b', { stage: 4, block: '4a' }],
    ['bn4b22_branch2a', { stage: 4, block: '4b22' }],
    ['conv3_block2_1_conv', { stage: 3, block: 'conv3_block2' }],
    ['pool2_conv', { stage: 2, block: 'pool2' }],
    ['block2a_expand_conv', { stage: 2, block: '2a' }],
    ['stage3_unit1_bn1', { stage: 3, block: 'stage3_unit1' }],
    ['conv_dw_3', { block: 'block3' }],
    ['conv_pw_13_relu', { block: 'block13' }],
    ['conv_pad_4', { block: 'block4' }],
    ['block_16_project', { block: 'block16' }],
    ['expanded_conv_5_add', { block: 'block5' }],
    ['mixed5', { block: 'mixed5' }],
    ['mixed9_1', { block: 'mixed9' }],
    ['block3_conv1', { block: 'block3' }],
  ])('%s -> %o', (name, expected) => {
    expect(namedBlock(name)).toEqual(expected);
  });

  it('leaves other names alone', () => {
    for (const name of ['conv1', 'activation_12', 'add_3', 'predictions', 'mixed_precision', 'res_net']) expect(namedBlock(name)).toBeUndefined();
  });
});

describe('groupLayers', () => {
  it('groups by name prefix: inputs, stem before the first named layer, top after the last', () => {
    const layers = chain(
      ['in', [null, 32, 32, 3]],
      ['conv1', [null, 16, 16, 8]],
      ['conv_dw_1', [null, 16, 16, 8]],
      ['conv_dw_1_relu', [null, 16, 16, 8]],
      ['conv_dw_2', [null, 8, 8, 8]],
      ['conv_pw_2', [null, 8, 8, 16]],
      ['conv_dw_3', [null, 8, 8, 16]],
      ['gap', [null, 16]],
      ['logits', [null, 10]],
    );
    const { grouping, byLayer } = groupLayers(layers);
    expect(grouping).toBe('name-prefix');
    expect(Object.fromEntries([...byLayer].map(([k, v]) => [k, `${v.flow}/${v.block}`]))).toEqual({
      in: 'input/input',
      conv1: 'stem/stem',
      conv_dw_1: 'stage1/block1',
      conv_dw_1_relu: 'stage1/block1',
      conv_dw_2: 'stage2/block2',
      conv_pw_2: 'stage2/block2',
      conv_dw_3: 'stage2/block3',
      gap: 'top/top',
      logits: 'top/top',
    });
  });

  it('puts a ReLU after an Add into the Add\'s block, and an unnamed conv into its consumer\'s block', () => {
    const layers = chain(
      ['in', [null, 8, 8, 4]],
      ['res2a_branch2a', [null, 8, 8, 4]],
      ['conv2d_7', [null, 8, 8, 4]],
      ['bn2a_branch2b', [null, 8, 8, 4]],
      ['res2b_branch2a', [null, 8, 8, 4]],
      ['fc', [null, 2]],
    );
    // An Add of bn2a_branch2b and the input, then a ReLU feeding block 2b.
    layers.splice(4, 0,
      { ...layers[3], name: 'add_1', className: 'Add', inbound: ['bn2a_branch2b', 'in'], inputShapes: [[null, 8, 8, 4], [null, 8, 8, 4]] },
      { ...layers[3], name: 'activation_4', className: 'Activation', inbound: ['add_1'], inputShapes: [[null, 8, 8, 4]] },
    );
    layers[6] = { ...layers[6], inbound: ['activation_4'] };
    const { byLayer } = groupLayers(layers);
    expect(byLayer.get('conv2d_7')!.block).toBe('2a');
    expect(byLayer.get('add_1')!.block).toBe('2a');
    expect(byLayer.get('activation_4')!.block).toBe('2a');
    expect(byLayer.get('res2b_branch2a')).toEqual({ flow: 'stage2', block: '2b' });
    expect(byLayer.get('fc')!.block).toBe('top');
  });

  it('falls back to stages between down-samplings when names say nothing', () => {
    const layers = chain(['in', [null, 8, 8, 3]], ['a', [null, 8, 8, 4]], ['b', [null, 4, 4, 4]], ['c', [null, 4, 4, 8]], ['d', [null, 2, 2, 8]], ['e', [null, 8]]);
    const { grouping, byLayer } = groupLayers(layers);
    expect(grouping).toBe('downsampling');
    expect([...byLayer.values()].map((g) => g.flow)).toEqual(['input', 'stage1', 'stage2', 'stage2', 'stage3', 'stage3']);
  });
});
