/**
 * "Executed as Keras computes it": every case file of test/fixtures/cases (copied from the shared
 * cases, right values in its README) loads, builds and runs in TF.js on the cpu backend, and the
 * tensors TF.js computes have the README's shapes; replaced layers agree with independent
 * references; training-only config is dropped with one note per kind; refused names run under
 * internal names and come back as the originals.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summaryText } from '../../src/cli';
import { buildModel } from '../../src/importers/build';
import { conv2dReference, conv2dTransposeReference, upsampleBilinearReference, type HostTensor } from '../../src/importers/faithful/reference';
import { buildCheckedModel, importModelBytes, loadModelFile, readModelFile, type CheckedModel, type LoadedModel } from '../../src/importers/modelFile';
import { checkFaithful } from '../../src/profiler/correctness';

const cases = (name: string): string => path.join(__dirname, '..', 'fixtures', 'cases', name);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The tensor TF.js computes at `layer`'s output (first call) for random inputs, batch 1. */
function executed(loaded: LoadedModel, layer: string): tf.Tensor {
  const { model } = loaded;
  const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer(layer).getOutputAt(0) as tf.SymbolicTensor });
  const inputs = model.inputs.map((i, k) => tf.randomUniform([1, ...(i.shape.slice(1) as number[])], -1, 1, 'float32', k + 1));
  const out = probe.predict(inputs.length === 1 ? inputs[0] : inputs) as tf.Tensor;
  tf.dispose(inputs);
  return out;
}

function executedShape(loaded: LoadedModel, layer: string): number[] {
  const out = executed(loaded, layer);
  const shape = out.shape;
  out.dispose();
  return shape;
}

/**
 * Loads a case file. The cases' `.keras` archives hold a 72-byte stub `model.weights.h5` (an
 * HDF5 signature and zeros), which the HDF5 weight reader refuses; what TF.js executes does not
 * depend on weight values, so their stored weights are left out here.
 */
async function withCase(name: string, body: (loaded: LoadedModel) => void | Promise<void>): Promise<void> {
  // .keras archives are read from disk (readModelFile), not from bytes; every case file is a Keras model.
  const checked = (await readModelFile(cases(name))) as CheckedModel;
  const loaded = await buildCheckedModel(tf, { ...checked, storedWeights: undefined });
  try {
    await body(loaded);
  } finally {
    loaded.model.dispose();
  }
}

const host = (t: tf.Tensor): HostTensor => ({ shape: t.shape, data: t.dataSync() as Float32Array });

describe('case files run in TF.js with the shapes Keras gives', () => {
  it('gap-keepdims-se-block.json: squeeze [1,1,1,16] is the mean of stem, excite [1,12,12,16]', async () => {
    await withCase('gap-keepdims-se-block.json', (loaded) => {
      expect(executedShape(loaded, 'squeeze')).toEqual([1, 1, 1, 16]);
      expect(executedShape(loaded, 'excite')).toEqual([1, 12, 12, 16]);
      const stem = executed(loaded, 'stem');
      const squeeze = executed(loaded, 'squeeze');
      const mean = tf.mean(stem, [1, 2], true);
      expect(tf.max(tf.abs(tf.sub(mean, squeeze))).dataSync()[0]).toBeLessThan(1e-6);
      tf.dispose([stem, squeeze, mean]);
      expect(['stem', 'reduce', 'expand'].map((n) => loaded.model.getLayer(n).countParams())).toEqual([1168, 68, 80]);
      expect(loaded.report.layers.find((l) => l.name === 'squeeze')!.execution?.kind).toBe('faithful-replacement');
    });
  });

  it('conv2dtranspose-output-padding.json: grow [1,16,16,4], grow2 [1,31,31,2], values as the scatter reference', async () => {
    await withCase('conv2dtranspose-output-padding.json', (loaded) => {
      expect(executedShape(loaded, 'grow')).toEqual([1, 16, 16, 4]);
      expect(executedShape(loaded, 'grow2')).toEqual([1, 31, 31, 2]);
      expect(['grow', 'grow2'].map((n) => loaded.model.getLayer(n).countParams())).toEqual([220, 74]);
      // grow's values: relu(scatter(code) + bias), from the layer's own weights.
      const x = tf.randomUniform([1, 7, 7, 6], -1, 1, 'float32', 3);
      const layer = loaded.model.getLayer('grow');
      const y = layer.apply(x) as tf.Tensor;
      const [kernel, bias] = layer.getWeights();
      const ref = conv2dTransposeReference(host(x), host(kernel), { strides: [2, 2], padding: 'valid', dilation: [1, 1], outputPadding: [1, 1] });
      const expected = ref.data.map((v, i) => Math.max(v + bias.dataSync()[i % 4], 0));
      const got = y.dataSync();
      expect(Math.max(...expected.map((v, i) => Math.abs(v - got[i])))).toBeLessThan(1e-5);
      tf.dispose([x, y]);
    });
  });

  it('depthwise-dilated.json: atrous_dw [1,7,7,12] (effective kernel 5), flat [1,588], logits [1,3]', async () => {
    await withCase('depthwise-dilated.json', (loaded) => {
      expect(executedShape(loaded, 'atrous_dw')).toEqual([1, 7, 7, 12]);
      expect(executedShape(loaded, 'flat')).toEqual([1, 588]);
      expect(executedShape(loaded, 'logits')).toEqual([1, 3]);
      expect(['atrous_dw', 'logits'].map((n) => loaded.model.getLayer(n).countParams())).toEqual([120, 1767]);
      // Against tf.depthwiseConv2d with the kernel dilated by hand (zeros between the taps).
      const layer = loaded.model.getLayer('atrous_dw');
      const [kernel, bias] = layer.getWeights();
      const k = kernel.arraySync() as number[][][][];
      const dilated = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => (i % 2 || j % 2 ? k[0][0].map((c) => c.map(() => 0)) : k[i / 2][j / 2])));
      const x = tf.randomUniform([1, 11, 11, 4], -1, 1, 'float32', 5);
      const expected = tf.add(tf.depthwiseConv2d(x as tf.Tensor4D, tf.tensor4d(dilated), 1, 'valid'), bias);
      const got = layer.apply(x) as tf.Tensor;
      expect(tf.max(tf.abs(tf.sub(expected, got))).dataSync()[0]).toBeLessThan(1e-5);
      tf.dispose([x, expected, got]);
    });
  });

  it('separable-depth-multiplier-2.json: [1,9,9,5], params 336; TF.js computes it itself (no replacement)', async () => {
    await withCase('separable-depth-multiplier-2.json', (loaded) => {
      expect(executedShape(loaded, 'sep_x2')).toEqual([1, 9, 9, 5]);
      const layer = loaded.model.getLayer('sep_x2');
      expect(layer.getWeights().map((w) => w.shape)).toEqual([[3, 3, 12, 2], [1, 1, 24, 5]]);
      expect(layer.countParams()).toBe(336);
      // Keras: relu(pointwise(depthwise(x))) with the multiplier's 24 intermediate channels.
      const [dk, pk] = layer.getWeights();
      const x = tf.randomUniform([1, 9, 9, 12], -1, 1, 'float32', 9);
      const expected = tf.relu(tf.conv2d(tf.depthwiseConv2d(x as tf.Tensor4D, dk as tf.Tensor4D, 1, 'same'), pk as tf.Tensor4D, 1, 'valid'));
      const got = layer.apply(x) as tf.Tensor;
      expect(tf.max(tf.abs(tf.sub(expected, got))).dataSync()[0]).toBeLessThan(1e-5);
      tf.dispose([x, expected, got]);
      expect(loaded.report.layers.find((l) => l.name === 'sep_x2')!.execution).toBeUndefined();
    });
  });

  it('separable-keras224-kernel-keys.json: builds without the stray kernel_* keys, [1,16,16,100], params 1,350', async () => {
    await withCase('separable-keras224-kernel-keys.json', (loaded) => {
      expect(executedShape(loaded, 'sep')).toEqual([1, 16, 16, 100]);
      expect(loaded.model.getLayer('sep').countParams()).toBe(1350);
      const notes = loaded.report.diagnostics.filter((d) => d.code === 'training-config-dropped');
      expect(notes.map((d) => d.message)).toEqual([
        'training-only config dropped before TF.js builds the model (it does not change what a layer computes): initializers (GlorotUniform) on 1 layer: "sep"',
      ]);
    });
  });

  for (const file of ['keras3-silu.keras', 'keras3-hard-silu.keras']) {
    it(`${file}: loads and runs; stem_conv is x * sigmoid(x), hs is x * relu6(x + 3) / 6; params 292`, async () => {
      await withCase(file, (loaded) => {
        expect(executedShape(loaded, 'head')).toEqual([1, 4]);
        expect(executedShape(loaded, 'hs')).toEqual([1, 8, 8, 8]);
        expect(loaded.model.countParams()).toBe(292);
        expect(loaded.model.getLayer('hs').getConfig().activation).toBe('hard_silu');
        const bn = executed(loaded, 'stem_bn');
        const hs = executed(loaded, 'hs');
        const b = bn.dataSync();
        const expected = Array.from(b, (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6);
        const got = hs.dataSync();
        expect(Math.max(...expected.map((v, i) => Math.abs(v - got[i])))).toBeLessThan(1e-6);
        tf.dispose([bn, hs]);
        expect(loaded.report.layers.find((l) => l.name === 'hs')!.execution?.why).toMatch(/activation "hard_silu" \(x \* relu6\(x \+ 3\) \/ 6\)/);
      });
    });
  }

  it('regularizers-l1-l2.model.json: loads; c1 [1,8,8,6], flat [1,96], cls [1,2]; one note per kind naming the layers', async () => {
    await withCase('regularizers-l1-l2.model.json', (loaded) => {
      expect(executedShape(loaded, 'c1')).toEqual([1, 8, 8, 6]);
      expect(executedShape(loaded, 'flat')).toEqual([1, 96]);
      expect(executedShape(loaded, 'cls')).toEqual([1, 2]);
      expect(loaded.model.countParams()).toBe(362);
      const notes = loaded.report.diagnostics.filter((d) => d.code === 'training-config-dropped').map((d) => d.message);
      expect(notes).toHaveLength(2);
      expect(notes[1]).toBe('training-only config dropped before TF.js builds the model (it does not change what a layer computes): regularizers (L2, L1) on 2 layers: "c1", "cls"');
    });
  });

  it('keras3-shared-nested-functional.json: both calls of the shared tower run, [1,4] each, 112 params', async () => {
    await withCase('keras3-shared-nested-functional.json', (loaded) => {
      const inputs = [tf.ones([1, 12, 12, 3]), tf.zeros([1, 12, 12, 3])];
      const outs = loaded.model.predict(inputs) as tf.Tensor[];
      expect(outs.map((o) => o.shape)).toEqual([[1, 4], [1, 4]]);
      // Different inputs, different outputs: two calls, not one output twice.
      expect(tf.max(tf.abs(tf.sub(outs[0], outs[1]))).dataSync()[0]).toBeGreaterThan(0);
      tf.dispose([...inputs, ...outs]);
      expect(loaded.model.countParams()).toBe(112);
    });
  });
});

describe('faithful replacements', () => {
  it('each one agrees with its independent reference on cpu; TF.js own classes would not', async () => {
    const call = (name: string): unknown[] => [[[name, 0, 0, {}]]];
    const layer = (name: string, className: string, config: Record<string, unknown>, from: string): unknown => ({ name, class_name: className, config: { name, ...config }, inbound_nodes: call(from) });
    const json = {
      class_name: 'Functional',
      config: {
        name: 'mix',
        layers: [
          { name: 'in', class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 6, 6, 4] }, inbound_nodes: [] },
          layer('up', 'UpSampling2D', { size: [2, 2], interpolation: 'bilinear' }, 'in'),
          layer('grouped', 'Conv2D', { filters: 6, kernel_size: 3, groups: 2, padding: 'same', activation: 'hard_silu' }, 'up'),
          layer('leaky', 'ReLU', { negative_slope: 0.1, threshold: 0.5, max_value: 2 }, 'grouped'),
          layer('deconv', 'Conv2DTranspose', { filters: 3, kernel_size: 3, strides: 2, padding: 'same', dilation_rate: 1, output_padding: 1 }, 'leaky'),
          layer('gmp', 'GlobalMaxPooling2D', { keepdims: true }, 'deconv'),
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [['gmp', 0, 0]],
      },
    };
    const checked = importModelBytes(Buffer.from(JSON.stringify(json)), 'mix.json');
    const built = await buildModel(tf, checked);
    try {
      expect([...built.executions.keys()]).toEqual(['up', 'grouped', 'leaky', 'deconv', 'gmp']);
      expect(built.model.outputs[0].shape).toEqual([null, 1, 1, 3]);
      expect(built.model.getLayer('deconv').outputShape).toEqual([null, 24, 24, 3]);
      const before = tf.memory().numTensors;
      const checks = await checkFaithful(tf, built.model, built.executions);
      expect(tf.memory().numTensors).toBe(before);
      expect(checks.map((c) => [c.layer, c.ok, c.error])).toEqual(['up', 'grouped', 'leaky', 'deconv', 'gmp'].map((n) => [n, true, undefined]));
      for (const c of checks) expect(c.maxRelError).toBeLessThan(1e-5);
    } finally {
      built.model.dispose();
    }
    // The reference tells TF.js's own bilinear upsampling apart: it has no half-pixel centres.
    const x = tf.tensor4d([0, 1, 2, 3], [1, 2, 2, 1]);
    const own = tf.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }).apply(x) as tf.Tensor;
    expect(Array.from(upsampleBilinearReference(host(x), [2, 2]).data.slice(0, 4))).toEqual([0, 0.25, 0.75, 1]);
    expect(Array.from(own.dataSync().slice(0, 4))).toEqual([0, 0.5, 1, 1]);
    tf.dispose([x, own]);
  });
});

describe('the timing of a stand-in', () => {
  it('is marked as such where the CLI shows layer times', async () => {
    const { model, report } = await loadModelFile(tf, path.join(__dirname, '..', 'fixtures', 'models', 'unknown-layer.json'));
    model.dispose();
    const timing = { medianMs: 1, minMs: 1, p90Ms: 1, runs: 3, kernels: [] };
    const text = summaryText({ ...report, layers: report.layers.map((l) => ({ ...l, timing })) }, 'macs');
    const line = (name: string): string => text.split('\n').find((l) => l.startsWith(`${name} `))!;
    expect(line('x').endsWith('stand-in, not the real layer')).toBe(true);
    expect(line('fc')).not.toMatch(/stand-in/);
  });
});

describe('the correctness check of replacements', () => {
  it('finds replaced layers inside nested models, and flags a replacement that computes something else', async () => {
    const inner = {
      class_name: 'Functional',
      config: {
        name: 'tower',
        layers: [
          { name: 't_in', class_name: 'InputLayer', config: { name: 't_in', batch_input_shape: [null, 9, 9, 2] }, inbound_nodes: [] },
          { name: 'atrous', class_name: 'DepthwiseConv2D', config: { name: 'atrous', kernel_size: 3, dilation_rate: 2, padding: 'valid' }, inbound_nodes: [[['t_in', 0, 0, {}]]] },
        ],
        input_layers: [['t_in', 0, 0]],
        output_layers: [['atrous', 0, 0]],
      },
    };
    const json = {
      class_name: 'Functional',
      config: {
        name: 'outer',
        layers: [
          { name: 'img', class_name: 'InputLayer', config: { name: 'img', batch_input_shape: [null, 9, 9, 2] }, inbound_nodes: [] },
          { name: 'tower', ...inner, inbound_nodes: [[['img', 0, 0, {}]]] },
        ],
        input_layers: [['img', 0, 0]],
        output_layers: [['tower', 1, 0]],
      },
    };
    const checked = importModelBytes(Buffer.from(JSON.stringify(json)), 'nested.json');
    const built = await buildModel(tf, checked);
    try {
      expect([...built.executions.keys()]).toEqual(['tower/atrous']);
      expect(built.model.outputs[0].shape).toEqual([null, 5, 5, 2]);
      const good = await checkFaithful(tf, built.model, built.executions);
      expect(good.map((c) => [c.layer, c.className, c.ok])).toEqual([['tower/atrous', 'DepthwiseConv2D', true]]);
      // Put TF.js's own (undilated) computation back: the check must say so.
      const layer = (built.model.getLayer('tower') as unknown as tf.LayersModel).getLayer('atrous');
      const own = Object.getPrototypeOf(Object.getPrototypeOf(layer)) as { call: (...args: unknown[]) => unknown };
      (layer as unknown as { call: unknown }).call = own.call;
      const bad = await checkFaithful(tf, built.model, built.executions);
      expect(bad.map((c) => [c.layer, c.ok, c.maxRelError])).toEqual([['tower/atrous', false, Infinity]]);
    } finally {
      built.model.dispose();
    }
  });
});

describe('layer names TF.js refuses', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'xp-names-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('run under internal names; the model, report and weights use the original names', async () => {
    const names = ['conv 1', '_stem', 'café', 'a/b'];
    const json = {
      format: 'layers-model',
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 'my model',
          layers: [
            { class_name: 'Conv2D', config: { name: names[0], batch_input_shape: [null, 5, 5, 2], filters: 2, kernel_size: 1 } },
            { class_name: 'Activation', config: { name: names[1], activation: 'relu' } },
            { class_name: 'Flatten', config: { name: names[2] } },
            { class_name: 'Dense', config: { name: names[3], units: 1, use_bias: false } },
          ],
        },
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'conv 1/kernel', shape: [1, 1, 2, 2], dtype: 'float32' }, { name: 'conv 1/bias', shape: [2], dtype: 'float32' }, { name: 'a/b/kernel', shape: [50, 1], dtype: 'float32' }] }],
    };
    const values = new Float32Array([1, 0, 0, 1, 0.5, -0.5, ...Array.from({ length: 50 }, (_, i) => i / 50)]);
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(path.join(dir, 'w.bin'), Buffer.from(values.buffer));
    const before = readFileSync(path.join(dir, 'model.json'), 'utf8');
    const loaded = await loadModelFile(tf, path.join(dir, 'model.json'));
    try {
      expect(loaded.model.layers.map((l) => l.name).slice(1)).toEqual(names);
      expect(loaded.report.layers.map((l) => l.name).slice(1)).toEqual(names);
      expect(loaded.report.diagnostics.find((d) => d.code === 'layer-renamed')!.message).toMatch(/^5 layer names TF\.js refuses .*: "conv 1_input", "conv 1", "_stem", "café", "a\/b"$/);
      expect(loaded.report.diagnostics.some((d) => /weights: loaded 3 weights/.test(d.message))).toBe(true);
      expect(Array.from(loaded.model.getLayer('a/b').getWeights()[0].dataSync().slice(0, 3))).toEqual([0, 1 / 50, 2 / 50].map((v) => Math.fround(v)));
      const out = loaded.model.predict(tf.ones([1, 5, 5, 2])) as tf.Tensor;
      expect(out.shape).toEqual([1, 1]);
      out.dispose();
    } finally {
      loaded.model.dispose();
    }
    expect(readFileSync(path.join(dir, 'model.json'), 'utf8')).toBe(before);
  });
});

describe('weights load into replacements', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'xp-faithful-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a grouped Conv2D takes its [3, 3, Cin/groups, filters] kernel from the shards; Keras 3 LeakyReLU keeps its negative_slope', async () => {
    const json = {
      format: 'layers-model',
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 'g',
          layers: [
            { class_name: 'Conv2D', config: { name: 'grouped', batch_input_shape: [null, 4, 4, 4], filters: 4, kernel_size: 3, padding: 'same', groups: 2, use_bias: true } },
            { class_name: 'LeakyReLU', config: { name: 'leaky', negative_slope: 0.1 } },
          ],
        },
      },
      weightsManifest: [{ paths: ['g.bin'], weights: [{ name: 'grouped/kernel', shape: [3, 3, 2, 4], dtype: 'float32' }, { name: 'grouped/bias', shape: [4], dtype: 'float32' }] }],
    };
    const kernel = Float32Array.from({ length: 72 }, (_, i) => ((i * 7) % 11) / 11 - 0.5);
    const bias = Float32Array.of(0.1, -0.2, 0.3, -0.4);
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(path.join(dir, 'g.bin'), Buffer.concat([Buffer.from(kernel.buffer), Buffer.from(bias.buffer)]));
    const loaded = await loadModelFile(tf, path.join(dir, 'model.json'));
    try {
      expect(loaded.report.diagnostics.some((d) => /weights: loaded 2 weights/.test(d.message))).toBe(true);
      const layer = loaded.model.getLayer('grouped');
      expect(Array.from(layer.getWeights()[0].dataSync())).toEqual(Array.from(kernel));
      const x = tf.randomUniform([1, 4, 4, 4], -1, 1, 'float32', 13);
      const got = (loaded.model.predict(x) as tf.Tensor).dataSync();
      const conv = conv2dReference(host(x), { shape: [3, 3, 2, 4], data: kernel }, { strides: [1, 1], padding: 'same', dilation: [1, 1], groups: 2 });
      const expected = conv.data.map((v, i) => {
        const y = v + bias[i % 4];
        return y >= 0 ? y : 0.1 * y;
      });
      expect(Math.max(...expected.map((v, i) => Math.abs(v - got[i])))).toBeLessThan(1e-5);
      x.dispose();
    } finally {
      loaded.model.dispose();
    }
  });
});

describe('a Sequential whose first layer is a model with its own input', () => {
  it('takes its input shape from that model and runs', async () => {
    const base = {
      class_name: 'Functional',
      config: {
        name: 'base',
        layers: [
          { name: 'img', class_name: 'InputLayer', config: { name: 'img', batch_input_shape: [null, 6, 6, 3] }, inbound_nodes: [] },
          { name: 'conv', class_name: 'Conv2D', config: { name: 'conv', filters: 4, kernel_size: 3 }, inbound_nodes: [[['img', 0, 0, {}]]] },
        ],
        input_layers: [['img', 0, 0]],
        output_layers: [['conv', 0, 0]],
      },
    };
    const json = { class_name: 'Sequential', config: { name: 'transfer', layers: [base, { class_name: 'Flatten', config: { name: 'flat' } }, { class_name: 'Dense', config: { name: 'out', units: 2 } }] } };
    const checked = importModelBytes(Buffer.from(JSON.stringify(json)), 'transfer.json');
    const built = await buildModel(tf, checked);
    try {
      expect(built.model.inputs[0].shape).toEqual([null, 6, 6, 3]);
      const out = built.model.predict(tf.ones([1, 6, 6, 3])) as tf.Tensor;
      expect(out.shape).toEqual([1, 2]);
      out.dispose();
      expect(built.model.countParams()).toBe(3 * 3 * 3 * 4 + 4 + 4 * 4 * 4 * 2 + 2);
    } finally {
      built.model.dispose();
    }
  });
});
