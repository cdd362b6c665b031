/**
 * Property-based (fast-check) tests of the layer registry:
 * - for random valid configs of each class where TF.js 4.22 computes what Keras does, the
 *   registry's output shape and param count equal the model TF.js builds from the same config;
 * - where TF.js does not follow Keras (dilated depthwise, output_padding, groups, depth
 *   multipliers of separable convs, keepdims), against independent hand formulas: output sizes by
 *   counting the window positions that fit, MACs as (output values) x (inputs each one reads);
 * - random small graphs (chains, branches, merges, nesting, sharing): totals are the sums of the
 *   layers, a nested model is the sum of its children, a file is only read, and each analysis
 *   ends within its time bound.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelFile } from '../../src/importers/modelFile';
import type { ArchitectureReport, LayerReport } from '../../src/report/schema';
import { analyzeFunctional, inputEntry, layer, layerEntry, params, single } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Output shape and param count of the one-layer model TF.js builds from a Keras config. */
async function tfjsBuild(className: string, config: Record<string, unknown>, input: number[]): Promise<{ shape: (number | null)[]; params: number }> {
  const json = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: className, config: { name: 'l0', batch_input_shape: [null, ...input], ...config } }] } };
  const model = await tf.models.modelFromJSON({ modelTopology: json } as unknown as tf.io.ModelJSON);
  try {
    return { shape: model.outputs[0].shape, params: model.countParams() };
  } finally {
    model.dispose();
  }
}

/** Output length along one axis by counting window positions: i with i*s + (k-1)*d + 1 <= n (valid); ceil(n/s) (same). */
function positions(n: number, k: number, s: number, d: number, padding: 'valid' | 'same'): number {
  if (padding === 'same') return Math.ceil(n / s);
  let count = 0;
  for (let i = 0; i * s + (k - 1) * d + 1 <= n; i++) count++;
  return count;
}

const size = fc.integer({ min: 5, max: 14 });
const kernel = fc.integer({ min: 1, max: 4 });
const stride = fc.integer({ min: 1, max: 3 });
const padding = fc.constantFrom<'valid' | 'same'>('valid', 'same');
const channels = fc.integer({ min: 1, max: 6 });
const bias = fc.boolean();
const RUNS = { numRuns: 25 };

describe('registry against TF.js, where TF.js computes what Keras does', () => {
  it('Conv2D (strides, padding, bias; dilation with stride 1)', async () => {
    await fc.assert(
      fc.asyncProperty(size, size, channels, channels, kernel, stride, fc.integer({ min: 1, max: 2 }), padding, bias, async (h, w, cin, filters, k, s, d, pad, useBias) => {
        fc.pre(positions(h, k, s, d, pad) >= 1 && positions(w, k, s, d, pad) >= 1);
        const config = { filters, kernel_size: [k, k], strides: [s, s], dilation_rate: s > 1 ? [1, 1] : [d, d], padding: pad, use_bias: useBias };
        const mine = single('Conv2D', config, [null, h, w, cin]);
        const built = await tfjsBuild('Conv2D', config, [h, w, cin]);
        expect([mine.outputShape, params(mine)]).toEqual([built.shape, built.params]);
      }),
      RUNS,
    );
  });

  it('DepthwiseConv2D and SeparableConv2D with depth multiplier 1', async () => {
    await fc.assert(
      fc.asyncProperty(size, channels, channels, kernel, stride, padding, bias, fc.constantFrom('DepthwiseConv2D', 'SeparableConv2D'), async (h, cin, filters, k, s, pad, useBias, className) => {
        fc.pre(positions(h, k, s, 1, pad) >= 1);
        const config = { filters, kernel_size: k, strides: s, padding: pad, use_bias: useBias };
        const mine = single(className, config, [null, h, h, cin]);
        const built = await tfjsBuild(className, className === 'DepthwiseConv2D' ? { kernel_size: k, strides: s, padding: pad, use_bias: useBias } : config, [h, h, cin]);
        expect([mine.outputShape, params(mine)]).toEqual([built.shape, built.params]);
      }),
      RUNS,
    );
  });

  it('MaxPooling2D / AveragePooling2D, Dense, BatchNormalization, ZeroPadding2D, UpSampling2D, Flatten', async () => {
    const pool = fc.record({ className: fc.constantFrom('MaxPooling2D', 'AveragePooling2D'), pool: fc.integer({ min: 1, max: 3 }), s: stride, pad: padding });
    await fc.assert(
      fc.asyncProperty(size, channels, pool, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 }), async (h, c, p, zp, up) => {
        fc.pre(positions(h, p.pool, p.s, 1, p.pad) >= 1);
        const cases: [string, Record<string, unknown>, number[]][] = [
          [p.className, { pool_size: [p.pool, p.pool], strides: [p.s, p.s], padding: p.pad }, [h, h, c]],
          ['Dense', { units: c + 1 }, [h, c]],
          ['BatchNormalization', {}, [h, h, c]],
          ['ZeroPadding2D', { padding: [[zp, zp + 1], [zp + 1, zp]] }, [h, h, c]],
          ['UpSampling2D', { size: [up, up + 1] }, [h, h, c]],
          ['Flatten', {}, [h, h, c]],
        ];
        for (const [className, config, input] of cases) {
          const mine = single(className, config, [null, ...input]);
          const built = await tfjsBuild(className, config, input);
          expect([className, mine.outputShape, params(mine)]).toEqual([className, built.shape, built.params]);
        }
      }),
      RUNS,
    );
  });
});

describe('registry against hand formulas, where TF.js does not follow Keras', () => {
  it('DepthwiseConv2D with dilation and a depth multiplier: size by window positions, MACs = outputs x K', () => {
    fc.assert(
      fc.property(size, channels, kernel, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), padding, (h, cin, k, d, dm, pad) => {
        fc.pre(positions(h, k, 1, d, pad) >= 1);
        const l = single('DepthwiseConv2D', { kernel_size: k, dilation_rate: d, depth_multiplier: dm, padding: pad, use_bias: false }, [null, h, h, cin]);
        const o = positions(h, k, 1, d, pad);
        expect(l.outputShape).toEqual([null, o, o, cin * dm]);
        expect(l.macs).toBe(o * o * cin * dm * k * k);
        expect(params(l)).toBe(k * k * cin * dm);
      }),
      RUNS,
    );
  });

  it('SeparableConv2D with a depth multiplier and strides: depthwise and pointwise at the output size', () => {
    fc.assert(
      fc.property(size, channels, channels, kernel, stride, fc.integer({ min: 1, max: 3 }), padding, (h, cin, filters, k, s, dm, pad) => {
        fc.pre(positions(h, k, s, 1, pad) >= 1);
        const l = single('SeparableConv2D', { filters, kernel_size: k, strides: s, depth_multiplier: dm, padding: pad, use_bias: false }, [null, h, h, cin]);
        const o = positions(h, k, s, 1, pad);
        expect(l.outputShape).toEqual([null, o, o, filters]);
        expect(l.pointwiseMacs).toBe(o * o * filters * cin * dm); // each output value reads Cin*dm values
        expect(l.macs - l.pointwiseMacs!).toBe(o * o * cin * dm * k * k);
        expect(l.regularConvMacs).toBe(o * o * filters * k * k * cin);
      }),
      RUNS,
    );
  });

  it('Conv2D with groups: each output value reads K x Cin/groups inputs', () => {
    fc.assert(
      fc.property(size, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), kernel, padding, (h, groups, perGroupIn, perGroupOut, k, pad) => {
        fc.pre(positions(h, k, 1, 1, pad) >= 1);
        const l = single('Conv2D', { filters: groups * perGroupOut, kernel_size: k, groups, padding: pad }, [null, h, h, groups * perGroupIn]);
        const o = positions(h, k, 1, 1, pad);
        expect(l.macs).toBe(o * o * groups * perGroupOut * k * k * perGroupIn);
        expect(params(l)).toBe(k * k * perGroupIn * groups * perGroupOut + groups * perGroupOut);
      }),
      RUNS,
    );
  });

  it('Conv2DTranspose with output_padding: Keras deconv_output_length; MACs = inputs x K x filters', () => {
    fc.assert(
      fc.property(size, channels, channels, kernel, fc.integer({ min: 2, max: 3 }), padding, fc.nat(), (h, cin, filters, k, s, pad, op) => {
        const outputPadding = op % s;
        const l = single('Conv2DTranspose', { filters, kernel_size: k, strides: s, padding: pad, output_padding: outputPadding }, [null, h, h, cin]);
        // The transposed conv's output is the largest size whose valid/same conv gives back h, plus output_padding.
        const pad2 = pad === 'same' ? 2 * Math.floor(k / 2) : 0;
        const o = (h - 1) * s + k - pad2 + outputPadding;
        expect(l.outputShape).toEqual([null, o, o, filters]);
        expect(l.macs).toBe(h * h * cin * k * k * filters);
      }),
      RUNS,
    );
  });

  it('global pooling with keepdims keeps rank 4', () => {
    fc.assert(
      fc.property(size, channels, fc.boolean(), fc.constantFrom('GlobalAveragePooling2D', 'GlobalMaxPooling2D'), (h, c, keepdims, className) => {
        expect(single(className, { keepdims }, [null, h, h, c]).outputShape).toEqual(keepdims ? [null, 1, 1, c] : [null, c]);
      }),
      RUNS,
    );
  });
});

/** A random small graph as a Functional config: a chain, two branches that merge, a nested model called 1-3 times (shared). */
const graphArb = fc.record({
  hw: fc.integer({ min: 6, max: 12 }),
  c: fc.integer({ min: 1, max: 4 }),
  chain: fc.array(fc.record({ filters: fc.integer({ min: 1, max: 5 }), k: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 4 }),
  merge: fc.constantFrom('Add', 'Concatenate', 'Multiply'),
  nestedCalls: fc.integer({ min: 1, max: 3 }),
});

type GraphSpec = typeof graphArb extends fc.Arbitrary<infer T> ? T : never;


/** Builds the Functional config of a graph spec. */
function buildGraph(g: GraphSpec): unknown[] {
  const layers: unknown[] = [inputEntry('img', [null, g.hw, g.hw, g.c])];
  let x = 'img';
  g.chain.forEach((l, i) => {
    layers.push(layerEntry(`conv${i}`, 'Conv2D', { filters: l.filters, kernel_size: l.k, padding: 'same' }, [x]));
    x = `conv${i}`;
  });
  const f = g.chain[g.chain.length - 1].filters;
  layers.push(layerEntry('left', 'Conv2D', { filters: f, kernel_size: 1 }, [x]), layerEntry('right', 'DepthwiseConv2D', { kernel_size: 3, padding: 'same' }, [x]));
  layers.push(layerEntry('merged', g.merge, {}, ['left', 'right']));
  const mergedC = g.merge === 'Concatenate' ? 2 * f : f;
  // A nested model (a 1x1 conv tower) called nestedCalls times in a chain, then a shared Dense.
  const tower = {
    name: 'tower',
    class_name: 'Functional',
    config: { name: 'tower', layers: [inputEntry('t_in', [null, g.hw, g.hw, mergedC]), layerEntry('t_conv', 'Conv2D', { filters: mergedC, kernel_size: 1 }, ['t_in']), layerEntry('t_bn', 'BatchNormalization', {}, ['t_conv'])], input_layers: [['t_in', 0, 0]], output_layers: [['t_bn', 0, 0]] },
    inbound_nodes: [] as unknown[],
  };
  for (let i = 0; i < g.nestedCalls; i++) tower.inbound_nodes.push([i === 0 ? ['merged', 0, 0, {}] : ['tower', i, 0, {}]]);
  // Keras 2 numbers a nested model's calls from node 1 (node 0 is its own): call i is node i + 1.
  layers.push(tower, { name: 'gap', class_name: 'GlobalAveragePooling2D', config: { name: 'gap' }, inbound_nodes: [[['tower', g.nestedCalls, 0, {}]]] });
  return layers;
}

describe('random small graphs', () => {
  it('totals are the sums of their layers; a nested model is the sum of its children per call; a shared layer costs per call', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const report = analyzeFunctional(buildGraph(g), ['img'], [['gap', 0, 0]]);
        const sum = (f: (l: LayerReport) => number): number => report.layers.reduce((n, l) => n + f(l), 0);
        expect(report.totals.macs).toBe(sum((l) => l.macs));
        expect(report.totals.params.trainable + report.totals.params.nonTrainable).toBe(sum(params));
        const tower = layer(report, 'tower');
        const children = tower.children!;
        expect(tower.macs).toBe(children.reduce((n, l) => n + l.macs, 0));
        expect(params(tower)).toBe(children.reduce((n, l) => n + params(l), 0));
        // The tower's conv costs once per call, at the same shape each time.
        const c = g.merge === 'Concatenate' ? 2 * g.chain[g.chain.length - 1].filters : g.chain[g.chain.length - 1].filters;
        expect(tower.calls ?? 1).toBe(g.nestedCalls);
        expect(children.find((l) => l.name === 't_conv')!.macs).toBe(g.nestedCalls * g.hw * g.hw * c * c);
      }),
      RUNS,
    );
  });
});

describe('model files are only read, and analysed within a bound', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xp-props-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the file is unchanged and the analysis ends', async () => {
    await fc.assert(
      fc.asyncProperty(graphArb, async (g) => {
        const file = join(dir, 'g.json');
        const text = JSON.stringify({ class_name: 'Functional', config: { name: 'g', layers: buildGraph(g), input_layers: [['img', 0, 0]], output_layers: [['gap', 0, 0]] } });
        writeFileSync(file, text);
        const before = statSync(file).mtimeMs;
        const checked = await readModelFile(file);
        expect('report' in checked && (checked.report as ArchitectureReport).layers.length).toBeGreaterThan(0);
        expect(readFileSync(file, 'utf8')).toBe(text);
        expect(statSync(file).mtimeMs).toBe(before);
      }),
      { numRuns: 10 },
    );
  });
});
