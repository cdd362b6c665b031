// Small HDF5 files written with h5wasm for the tests, in the layouts Keras writes (see
// src/importers/h5Weights.ts): Keras 2 full models and weights-only files.
import h5wasm from 'h5wasm/node';
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
