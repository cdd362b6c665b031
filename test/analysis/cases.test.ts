/**
 * The hand-worked cases of test/fixtures/cases/README.md (copied from ../shared/fixtures/cases):
 * one small file per kind of model file that TF.js 4.22 gets wrong or refuses, analysed by the
 * layer registry alone. Every right value of the README is asserted here.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readModelFile } from '../../src/importers/modelFile';
import type { ArchitectureReport } from '../../src/report/schema';
import { layer, params } from './helpers';

async function read(file: string): Promise<ArchitectureReport> {
  const checked = await readModelFile(join(__dirname, '../fixtures/cases', file));
  if (!('report' in checked)) throw new Error(`${file} is not a model`);
  return checked.report;
}
const total = (r: ArchitectureReport): number => r.totals.params.trainable + r.totals.params.nonTrainable;

describe('hand-worked model-file cases', () => {
  it('GlobalAveragePooling2D with keepdims in a squeeze-and-excite block', async () => {
    const r = await read('gap-keepdims-se-block.json');
    expect(layer(r, 'squeeze').outputShape).toEqual([null, 1, 1, 16]);
    expect(layer(r, 'excite').outputShape).toEqual([null, 12, 12, 16]);
    expect([total(r), params(layer(r, 'stem')), params(layer(r, 'reduce')), params(layer(r, 'expand'))]).toEqual([1316, 1168, 68, 80]);
    expect([r.totals.macs, layer(r, 'stem').macs, layer(r, 'reduce').macs, layer(r, 'expand').macs]).toEqual([166_016, 165_888, 64, 64]);
  });

  it('Conv2DTranspose with output_padding (valid and same, stride 2)', async () => {
    const r = await read('conv2dtranspose-output-padding.json');
    expect([layer(r, 'grow').outputShape, params(layer(r, 'grow')), layer(r, 'grow').macs]).toEqual([[null, 16, 16, 4], 220, 10_584]);
    expect([layer(r, 'grow2').outputShape, params(layer(r, 'grow2')), layer(r, 'grow2').macs]).toEqual([[null, 31, 31, 2], 74, 18_432]);
    expect(r.totals.macs).toBe(29_016);
  });

  it('DepthwiseConv2D with dilation_rate 2 and depth_multiplier 3 (effective kernel 5)', async () => {
    const r = await read('depthwise-dilated.json');
    expect([layer(r, 'atrous_dw').outputShape, params(layer(r, 'atrous_dw')), layer(r, 'atrous_dw').macs]).toEqual([[null, 7, 7, 12], 120, 5_292]);
    expect(layer(r, 'flat').outputShape).toEqual([null, 588]);
    expect([params(layer(r, 'logits')), layer(r, 'logits').macs]).toEqual([1_767, 1_764]);
    expect([total(r), r.totals.macs]).toEqual([1_887, 7_056]);
  });

  it('SeparableConv2D with depth_multiplier 2, no bias', async () => {
    const sep = layer(await read('separable-depth-multiplier-2.json'), 'sep_x2');
    expect([sep.outputShape, params(sep), sep.macs]).toEqual([[null, 9, 9, 5], 336, 27_216]);
    expect([sep.macs - sep.pointwiseMacs!, sep.pointwiseMacs]).toEqual([17_496, 9_720]);
    expect(sep.regularConvMacs).toBe(43_740);
    expect(sep.regularConvRatio).toBeCloseTo(1.607, 3);
  });

  it('SeparableConv2D carrying the kernel_* keys Keras 2.2.4 wrote', async () => {
    const sep = layer(await read('separable-keras224-kernel-keys.json'), 'sep');
    expect([sep.outputShape, params(sep), sep.macs]).toEqual([[null, 16, 16, 100], 1_350, 320_000]);
  });

  for (const file of ['keras3-silu.keras', 'keras3-hard-silu.keras']) {
    it(`Keras 3 activation names silu / swish and hard_silu (${file})`, async () => {
      const r = await read(file);
      expect(r.totals.params).toEqual({ trainable: 276, nonTrainable: 16 });
      expect([total(r), r.totals.macs, layer(r, 'stem_conv').macs, layer(r, 'head').macs]).toEqual([292, 13_856, 13_824, 32]);
      expect(r.diagnostics.filter((d) => /activation/.test(d.message))).toEqual([]);
    });
  }

  it('L1 / L2 kernel_regularizers of a TF.js layers model (training-only)', async () => {
    const r = await read('regularizers-l1-l2.model.json');
    expect([layer(r, 'c1').outputShape, params(layer(r, 'c1')), layer(r, 'c1').macs]).toEqual([[null, 8, 8, 6], 168, 10_368]);
    expect(layer(r, 'flat').outputShape).toEqual([null, 96]);
    expect([params(layer(r, 'cls')), layer(r, 'cls').macs]).toEqual([194, 192]);
    expect([total(r), r.totals.macs]).toEqual([362, 10_560]);
  });

  it('a nested Functional model called on two inputs: weights once, MACs per call', async () => {
    const r = await read('keras3-shared-nested-functional.json');
    expect(r.model.inputShapes).toHaveLength(2);
    expect(r.model.outputShapes).toEqual([[null, 4], [null, 4]]);
    expect([total(r), r.totals.macs]).toEqual([112, 31_104]);
    const tower = layer(r, 'tower');
    expect([tower.calls, tower.children!.length, tower.macs]).toEqual([2, 3, 2 * 15_552]);
  });
});
