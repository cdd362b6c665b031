/**
 * weights.ts on shard files this test writes: sizes per dtype, the checks before reading, the bytes
 * read in manifest order, and which weights of a small Dense model are set (values checked).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyWeights, readShards, storedBytes } from '../../src/importers/weights';
import type { WeightsGroup } from '../../src/importers/types';

let dir: string;
const modelFile = (): string => path.join(dir, 'model.json');
const INIT = 'profiling with initialised weights (timings do not depend on weight values)';
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'shards-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('storedBytes', () => {
  it('is bytes per value x values, by the quantisation dtype when quantised', () => {
    expect(storedBytes({ name: 'w', shape: [2, 3], dtype: 'float32' })).toBe(24);
    expect(storedBytes({ name: 'w', shape: [2, 3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } })).toBe(6);
    expect(storedBytes({ name: 'w', shape: [5], dtype: 'float32', quantization: { dtype: 'float16' } as never })).toBe(10);
    expect(storedBytes({ name: 'w', shape: [], dtype: 'int32' })).toBe(4);
    expect(storedBytes({ name: 'w', shape: [3], dtype: 'bool' })).toBe(3);
    expect(storedBytes({ name: 'w', shape: [3], dtype: 'complex64' })).toBe(24);
    expect(storedBytes({ name: 'w', shape: [3], dtype: 'uint16' })).toBe(6);
    expect(storedBytes({ name: 'w', shape: [3], dtype: 'string' })).toBeUndefined();
  });
});

describe('readShards', () => {
  const group = (paths: string[], weights: WeightsGroup['weights']): WeightsGroup => ({ paths, weights });

  it('reads the shards in manifest order, whole', () => {
    writeFileSync(path.join(dir, 'a.bin'), Buffer.from(new Float32Array([1, 2]).buffer));
    writeFileSync(path.join(dir, 'b.bin'), Buffer.from(new Float32Array([3, 4, 5]).buffer));
    const read = readShards(modelFile(), [group(['b.bin', 'a.bin'], [{ name: 'w', shape: [5], dtype: 'float32' }])]);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.bytes).toBe(20);
    expect(Array.from(new Float32Array(read.data))).toEqual([3, 4, 5, 1, 2]);
    expect(read.specs).toEqual([{ name: 'w', shape: [5], dtype: 'float32' }]);
  });

  it('says why it reads nothing: no shard listed, shards missing (3 named), a dtype it cannot read, too few bytes', () => {
    expect(readShards(modelFile(), [group([], [])])).toEqual({ ok: false, diagnostic: { severity: 'info', message: `weights: the manifest lists no shard files; ${INIT}` } });
    expect(readShards(modelFile(), [group(['a.bin', 'x1.bin', 'x2.bin', 'x3.bin', 'x4.bin'], [])])).toEqual({
      ok: false,
      diagnostic: { severity: 'warning', message: `weights: 4 of the 5 shard files listed in weightsManifest are not next to model.json (x1.bin, x2.bin, x3.bin and 1 more); ${INIT}` },
    });
    expect(readShards(modelFile(), [group(['x1.bin'], [])])).toEqual({
      ok: false,
      diagnostic: { severity: 'warning', message: `weights: 1 of the 1 shard files listed in weightsManifest are not next to model.json (x1.bin); ${INIT}` },
    });
    expect(readShards(modelFile(), [group(['a.bin'], [{ name: 'w', shape: [1], dtype: 'float32' }, { name: 's', shape: [1], dtype: 'string', quantization: { dtype: 'int4' } as never }])])).toEqual({
      ok: false,
      diagnostic: { severity: 'warning', message: `weights: weight "s" has dtype "int4", which is not read here; ${INIT}` },
    });
    // a.bin holds 8 bytes; 3 float32 values need 12.
    expect(readShards(modelFile(), [group(['a.bin'], [{ name: 'w', shape: [3], dtype: 'float32' }])])).toEqual({
      ok: false,
      diagnostic: { severity: 'warning', message: `weights: the shard files hold 8 B but the manifest needs 12 B; ${INIT}` },
    });
  });
});

describe('applyWeights', () => {
  /** Dense 2 -> 1 named `d`: kernel [2, 1] and bias [1]. */
  const dense = (): tf.LayersModel => {
    const input = tf.input({ shape: [2] });
    return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, name: 'd', kernelInitializer: 'zeros' }).apply(input) as tf.SymbolicTensor });
  };
  const shard = (values: number[], specs: { name: string; shape: number[] }[]) => ({
    ok: true as const,
    specs: specs.map((s) => ({ ...s, dtype: 'float32' })),
    data: new Float32Array(values).buffer,
    bytes: values.length * 4,
  });

  it('sets the weights that match by name (a TF 2.2+ cell name too) and says what it loaded and left', async () => {
    await tf.setBackend('cpu');
    const model = dense();
    try {
      const diagnostics = applyWeights(tf, model, shard([3, 4, 7], [{ name: 'd/cell/kernel', shape: [2, 1] }, { name: 'other/w', shape: [1] }]));
      expect(diagnostics).toEqual([
        { severity: 'info', message: 'weights: loaded 1 weights (2 values, 12 B) from the shard files' },
        { severity: 'warning', message: 'weights: 1 weights of the model are not in the shards and keep their initial values' },
        { severity: 'warning', message: 'weights: 1 weights in the shards match no weight of the model (other/w)' },
      ]);
      expect(Array.from(model.getLayer('d').getWeights()[0].dataSync())).toEqual([3, 4]);
    } finally {
      model.dispose();
    }
  });

  it('says only what it loaded when every weight matches, and disposes what it decoded', () => {
    const model = dense();
    const before = tf.memory().numTensors;
    try {
      expect(applyWeights(tf, model, shard([1, 2, 3], [{ name: 'd/kernel', shape: [2, 1] }, { name: 'd/bias', shape: [1] }]))).toEqual([
        { severity: 'info', message: 'weights: loaded 2 weights (3 values, 12 B) from the shard files' },
      ]);
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(model.getLayer('d').getWeights()[1].dataSync())).toEqual([3]);
      // Three of another shape: two named, joined with "; ". Four unused: three named.
      const three = shard([1, 2, 3, 4, 5, 6], [{ name: 'd/kernel', shape: [1, 2] }, { name: 'd/bias', shape: [2] }, { name: 'd/cell/kernel', shape: [2, 1] }].map((w, i) => (i === 2 ? { ...w, shape: [1, 1] } : w)));
      expect(applyWeights(tf, model, { ...three, data: new Float32Array(5).buffer })).toEqual([
        { severity: 'warning', message: `weights: 3 weights have other shapes than the model's (d/kernel [1, 2] vs [2, 1]; d/bias [2] vs [1]); ${INIT}` },
      ]);
      const unused = shard([1, 2, 3, 4, 5], [{ name: 'd/bias', shape: [1] }, ...['a', 'b', 'c', 'e'].map((n) => ({ name: `${n}/w`, shape: [1] }))]);
      expect(applyWeights(tf, model, unused)[2]).toEqual({ severity: 'warning', message: 'weights: 4 weights in the shards match no weight of the model (a/w, b/w, c/w)' });
    } finally {
      model.dispose();
    }
  });

  it('sets nothing when a weight has another shape, or none matches, or the shards do not decode', () => {
    const model = dense();
    try {
      expect(applyWeights(tf, model, shard([1, 2, 3], [{ name: 'd/kernel', shape: [3, 1] }]))).toEqual([
        { severity: 'warning', message: `weights: 1 weights have other shapes than the model's (d/kernel [3, 1] vs [2, 1]); ${INIT}` },
      ]);
      expect(applyWeights(tf, model, shard([1], [{ name: 'x/y', shape: [1] }]))).toEqual([{ severity: 'warning', message: `weights: none of the 1 weights in the shards matches a weight of the model; ${INIT}` }]);
      const bad = { ...shard([1], [{ name: 'd/bias', shape: [1] }]), specs: [{ name: 'd/bias', shape: [1], dtype: 'banana' }] };
      expect(applyWeights(tf, model, bad)).toEqual([{ severity: 'warning', message: `weights: the shards could not be decoded (Unsupported dtype in weight 'd/bias': banana); ${INIT}` }]);
      expect(Array.from(model.getLayer('d').getWeights()[0].dataSync())).toEqual([0, 0]);
    } finally {
      model.dispose();
    }
  });
});
