/**
 * Xception's flows and blocks from layer names alone, on a small graph named as Keras names
 * Xception's layers (the paper's Figure 5: blocks 1-4 entry, 5-12 middle, 13-14 exit), without
 * building the model: the unnamed residual branch joins the block of the Add it feeds, an Add the
 * latest block among its inputs, the head is block `top` of the exit flow.
 */
import { describe, expect, it } from 'vitest';
import type { LayerNode } from '../../src/analysis/graph';
import { groupLayers, isXceptionNaming, xceptionFlow } from '../../src/analysis/grouping';

/** A layer fed by `inbound`, with a made-up 4-D output (grouping by name ignores shapes). */
const node = (name: string, ...inbound: string[]): LayerNode => ({
  name,
  className: 'Layer',
  config: {},
  inbound,
  inputShapes: inbound.map(() => [null, 8, 8, 4]),
  outputShapes: [[null, 8, 8, 4]],
  params: { trainable: 0, nonTrainable: 0 },
  bytesPerValue: 4,
});

/** input -> block1 -> block2 (+ residual conv2d/BN into add) -> block3 -> block4 (+ add_1 of 3 and 4) -> blocks 5..14 -> head. */
function xceptionLike(): LayerNode[] {
  const layers = [
    node('input_1'),
    node('block1_conv1', 'input_1'),
    node('block2_sepconv1', 'block1_conv1'),
    node('block2_pool', 'block2_sepconv1'),
    node('conv2d', 'block1_conv1'),
    node('batch_normalization', 'conv2d'),
    node('add', 'block2_pool', 'batch_normalization'),
    node('block3_sepconv1', 'add'),
    node('block4_sepconv1', 'block3_sepconv1'),
    node('add_1', 'block4_sepconv1', 'block3_sepconv1'),
  ];
  let previous = 'add_1';
  for (let b = 5; b <= 14; b++) {
    layers.push(node(`block${b}_sepconv1`, previous));
    previous = `block${b}_sepconv1`;
  }
  layers.push(node('avg_pool', previous), node('predictions', 'avg_pool'));
  return layers;
}

describe('Xception grouping', () => {
  it('puts each layer in its flow and block', () => {
    const { grouping, byLayer } = groupLayers(xceptionLike());
    expect(grouping).toBe('xception-flows');
    const placed = Object.fromEntries([...byLayer].map(([name, g]) => [name, `${g.flow}/${g.block}`]));
    expect(placed).toEqual({
      input_1: 'entry/input',
      block1_conv1: 'entry/block1',
      block2_sepconv1: 'entry/block2',
      block2_pool: 'entry/block2',
      // The residual branch joins the Add it feeds; the Add the latest block of its inputs.
      conv2d: 'entry/block2',
      batch_normalization: 'entry/block2',
      add: 'entry/block2',
      block3_sepconv1: 'entry/block3',
      block4_sepconv1: 'entry/block4',
      add_1: 'entry/block4',
      block5_sepconv1: 'middle/block5',
      block6_sepconv1: 'middle/block6',
      block7_sepconv1: 'middle/block7',
      block8_sepconv1: 'middle/block8',
      block9_sepconv1: 'middle/block9',
      block10_sepconv1: 'middle/block10',
      block11_sepconv1: 'middle/block11',
      block12_sepconv1: 'middle/block12',
      block13_sepconv1: 'exit/block13',
      block14_sepconv1: 'exit/block14',
      avg_pool: 'exit/top',
      predictions: 'exit/top',
    });
  });

  it('an Add takes the latest block among its inputs, whichever input comes first', () => {
    const layers = xceptionLike();
    const i = layers.findIndex((l) => l.name === 'add_1');
    layers[i] = node('add_1', 'block3_sepconv1', 'block4_sepconv1');
    expect(groupLayers(layers).byLayer.get('add_1')).toEqual({ flow: 'entry', block: 'block4' });
  });

  it('an Add of two unnamed layers joins the block of its consumer, and so do they', () => {
    const layers = xceptionLike();
    const i = layers.findIndex((l) => l.name === 'block4_sepconv1');
    layers.splice(i, 1, node('u1', 'block3_sepconv1'), node('u2', 'block3_sepconv1'), node('add_u', 'u1', 'u2'), node('block4_sepconv1', 'add_u'));
    const { byLayer } = groupLayers(layers);
    expect(['u1', 'u2', 'add_u'].map((n) => byLayer.get(n))).toEqual([1, 2, 3].map(() => ({ flow: 'entry', block: 'block4' })));
  });

  it('needs blocks 1 to 14, all of them and no others', () => {
    const all = xceptionLike();
    expect(isXceptionNaming(all)).toBe(true);
    expect(isXceptionNaming(all.filter((l) => l.name !== 'block7_sepconv1'))).toBe(false);
    expect(isXceptionNaming([...all, node('block15_sepconv1', 'block14_sepconv1')])).toBe(false);
    expect(isXceptionNaming(all.filter((l) => l.name !== 'block1_conv1'))).toBe(false);
    expect(isXceptionNaming(all.filter((l) => l.name !== 'block14_sepconv1'))).toBe(false);
    // Fourteen blocks, but block 15 instead of block 14.
    expect(isXceptionNaming([...all.filter((l) => l.name !== 'block14_sepconv1'), node('block15_sepconv1', 'block13_sepconv1')])).toBe(false);
  });

  it('flows of the paper: 1-4 entry, 5-12 middle, 13-14 exit', () => {
    expect([1, 4, 5, 12, 13, 14].map(xceptionFlow)).toEqual(['entry', 'entry', 'middle', 'middle', 'exit', 'exit']);
  });
});
