// Small HDF5 files written with h5wasm for the tests, in the layouts Keras writes (see
// src/importers/h5Weights.ts): Keras 2 full models and weights-only files.
import h5wasm from 'h5wasm/node';
import type { File as H5File, Group as H5Group } from 'h5wasm';
import { loadH5wasm } from '../../src/importers/h5';

/** One stored weight: its Keras name (`conv/kernel:0`), shape and value per element (default i / 1000). */
export interface WeightToWrite {
  name: string;
  shape: number[];
  value?: (i: number) => number;
  /** Store gzip-compressed (for large constant weights). */
  gzip?: boolean;
}

/**
 * Writes a Keras 2 HDF5 file: `model_config` (when `config` is given) and the weights under
 * `model_weights/` (full model) or the root (weights only), with `layer_names` / `weight_names`.
 */
export async function writeKeras2H5(file: string, layers: [string, WeightToWrite[]][], config?: unknown, extraRootAttrs: Record<string, string> = {}): Promise<void> {
  await loadH5wasm();
  const h5 = new h5wasm.File(file, 'w');
  try {
    if (config !== undefined) h5.create_attribute('model_config', JSON.stringify(config));
    for (const [k, v] of Object.entries(extraRootAttrs)) h5.create_attribute(k, v);
    const root = config !== undefined ? h5.create_group('model_weights') : h5;
    root.create_attribute('layer_names', layers.map(([name]) => name));
    for (const [layer, weights] of layers) {
      const group = root.create_group(layer);
      group.create_attribute('weight_names', weights.length ? weights.map((w) => w.name) : ['']);
      for (const w of weights) {
        const parts = w.name.split('/');
        let parent = group;
        for (const p of parts.slice(0, -1)) parent = (parent.get(p) as typeof group | null) ?? parent.create_group(p);
        const n = w.shape.reduce((a, b) => a * b, 1);
        const data = new Float32Array(n);
        for (let i = 0; i < n; i++) data[i] = w.value ? w.value(i) : i / 1000;
        parent.create_dataset({ name: parts[parts.length - 1], data, shape: w.shape, dtype: '<f', ...(w.gzip && n > 1 ? { chunks: w.shape, compression: 'gzip' as const } : {}) });
      }
    }
  } finally {
    h5.close();
  }
}

/** Writes an HDF5 file that is not a Keras model: one group with one dataset. */
export async function writePlainH5(file: string): Promise<void> {
  await loadH5wasm();
  const h5 = new h5wasm.File(file, 'w');
  h5.create_group('measurements').create_dataset({ name: 'temperature', data: Float32Array.of(20.5, 21), shape: [2], dtype: '<f' });
  h5.close();
}

/** A tiny Sequential: conv (3x3, 2 filters, 8x8x1 input), flatten, out (Dense 3). */
export const tinyConfig = {
  class_name: 'Sequential',
  config: {
    name: 'tiny',
    layers: [
      { class_name: 'Conv2D', config: { name: 'conv', batch_input_shape: [null, 8, 8, 1], filters: 2, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', activation: 'relu', use_bias: true } },
      { class_name: 'Flatten', config: { name: 'flatten' } },
      { class_name: 'Dense', config: { name: 'out', units: 3, activation: 'linear', use_bias: true } },
    ],
  },
  keras_version: '2.3.1',
};
/** The weights of `tinyConfig` (Keras 2 names), each layer's replaceable by `overrides`. */
export const tinyWeights = (overrides: Partial<Record<string, WeightToWrite[]>> = {}): [string, WeightToWrite[]][] => [
  ['conv', overrides.conv ?? [{ name: 'conv/kernel:0', shape: [3, 3, 1, 2] }, { name: 'conv/bias:0', shape: [2] }]],
  ['flatten', []],
  ['out', overrides.out ?? [{ name: 'out/kernel:0', shape: [72, 3] }, { name: 'out/bias:0', shape: [3] }]],
];

/** Opens an HDF5 file written here to change it (h5wasm's append mode), then closes it. */
export async function editH5(file: string, edit: (h5: H5File) => void): Promise<void> {
  await loadH5wasm();
  const h5 = new h5wasm.File(file, 'a');
  try {
    edit(h5);
  } finally {
    h5.close();
  }
}

/** Replaces a string-list attribute (`layer_names`, `weight_names`) of the object at `path`. */
export function setNames(h5: H5File, path: string, name: string, values: string[]): void {
  const owner = path === '/' ? h5 : (h5.get(path) as H5Group);
  owner.delete_attribute(name);
  owner.create_attribute(name, values);
}
