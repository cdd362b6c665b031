/**
 * Keras weights stored in HDF5, in the two layouts Keras writes, read lazily with `H5Reader`:
 *
 * - Keras 2 / tf.keras (`model.save("m.h5")`, `save_weights("w.h5")`): a group per layer under
 *   `model_weights/` (full model) or the root (weights only), listed in order by the `layer_names`
 *   attribute; each layer group lists its datasets in order in `weight_names` (`conv1/kernel:0`),
 *   trainable weights first, then non-trainable (Keras `legacy_h5_format` / `hdf5_format.py`).
 * - Keras 3 (`model.weights.h5` inside a `.keras` zip, `save_weights("x.weights.h5")`):
 *   `layers/<layer name>/vars/<i>` in the layer's weight order, nested models as
 *   `layers/<model>/layers/<layer>/vars/<i>` (Keras `saving_lib`).
 *
 * `listH5Weights` reads names and shapes only; `loadH5Weights` reads values one layer at a time,
 * sets them on a TF.js model and drops them, so peak memory stays near one copy of the weights.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import * as path from 'node:path';
import { formatBytes, formatInt } from '../report/format';
import type { ArchitectureReport, Diagnostic } from '../report/schema';
import { ModelFileError } from './errors';
import type { H5Reader } from './h5';
import type { H5LayerWeights, H5Weight, H5WeightsLayout, StoredWeights } from './types';

type Tf = typeof tfTypes;
type Layer = tfTypes.layers.Layer;

const join = (a: string, b: string): string => (a === '/' || a === '' ? b : `${a}/${b}`);

/** The number of values of a shape. */
const size = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

/** `[3, 3, 32, 64]`. */
const shapeText = (shape: readonly (number | null)[]): string => `[${shape.join(', ')}]`;

/**
 * Finds the weights of a Keras HDF5 file: Keras 2 when `root` has `layer_names`, Keras 3 when
 * there is a `layers` group; undefined when neither.
 * @throws ModelFileError when a listed layer or weight is missing from the file.
 */
export function listH5Weights(h5: H5Reader, root: string): H5WeightsLayout | undefined {
  const layerNames = h5.stringListAttribute(root, 'layer_names');
  if (layerNames) {
    const layers = layerNames.map((layer): H5LayerWeights => {
      const group = join(root, layer);
      if (!h5.group(group, layer)) throw new ModelFileError(`layer_names lists layer "${layer}", but the file has no group "${group}"`, { file: h5.label, layer, field: 'layer_names' });
      const names = h5.stringListAttribute(group, 'weight_names') ?? [];
      const weights = names.filter((n) => n !== '').map((name): H5Weight => {
        const path = join(group, name);
        const dataset = h5.dataset(path, layer);
        if (!dataset) throw new ModelFileError(`missing weight "${name}": weight_names lists it, but the file has no dataset "${path}"`, { file: h5.label, layer, field: 'weight_names' });
        return { name, path, shape: h5.shape(dataset) };
      });
      return { layer, weights };
    });
    return { kind: 'keras2', root, layers };
  }
  const layersGroup = join(root, 'layers');
  if (h5.group(layersGroup)) return { kind: 'keras3', root: layersGroup, layers: keras3Layers(h5, layersGroup) };
  return undefined;
}

/** Keras 3: `<group>/<layer>/vars/<i>` for each layer, recursing into `<layer>/layers`. */
function keras3Layers(h5: H5Reader, group: string, depth = 0): H5LayerWeights[] {
  return h5.keys(group).map((layer): H5LayerWeights => {
    const vars = join(join(group, layer), 'vars');
    const weights = h5
      .keys(vars)
      .filter((k) => /^\d+$/.test(k))
      .sort((a, b) => Number(a) - Number(b))
      .map((index): H5Weight => {
        const path = join(vars, index);
        const dataset = h5.dataset(path, layer);
        if (!dataset) throw new ModelFileError(`"${path}" is not a dataset`, { file: h5.label, layer, field: path });
        return { name: index, path, shape: h5.shape(dataset) };
      });
    const nested = join(join(group, layer), 'layers');
    const sublayers = depth < 32 && h5.group(nested) ? keras3Layers(h5, nested, depth + 1) : undefined;
    return sublayers?.length ? { layer, weights, sublayers } : { layer, weights };
  });
}

/** Every stored weight of a layer, its nested layers' included. */
function flatWeights(stored: H5LayerWeights): H5Weight[] {
  return [...stored.weights, ...(stored.sublayers ?? []).flatMap(flatWeights)];
}

/** Total number of stored values (the file's weight count). */
export function countStoredValues(layout: H5WeightsLayout): number {
  return layout.layers.flatMap(flatWeights).reduce((n, w) => n + size(w.shape), 0);
}

/**
 * Checks a weights-only file against a static report, without TF.js, as Keras's `load_weights`
 * pairs them (the k-th layer with weights gets the k-th stored layer): as many stored layers as
 * the report has layers with params, each holding as many values as its layer's params.
 * @throws ModelFileError naming the layer: another number of layers, or of values in a layer.
 */
export function checkStoredSizes(report: ArchitectureReport, layout: H5WeightsLayout, file: string): void {
  const layers = report.layers.filter((l) => l.params.trainable + l.params.nonTrainable > 0);
  const stored = layout.layers.filter((s) => flatWeights(s).length > 0);
  if (stored.length !== layers.length) {
    throw new ModelFileError(`the file stores weights for ${stored.length} layers, the model has ${layers.length} layers with weights`, { file, field: 'layer_names' });
  }
  stored.forEach((s, i) => {
    const values = flatWeights(s).reduce((n, w) => n + size(w.shape), 0);
    const { name, className, params } = layers[i];
    const expected = params.trainable + params.nonTrainable;
    if (values !== expected) {
      throw new ModelFileError(`the file's layer "${s.layer}" (stored in its place) holds ${formatInt(values)} value${values === 1 ? '' : 's'}, the layer has ${formatInt(expected)} params`, { file, layer: name, className, field: s.layer });
    }
  });
}

/** A TF.js layer with the stored weights it receives, in its own weight order. */
interface Assignment {
  layer: Layer;
  stored: H5Weight[];
  /** The file's layer name (differs from `layer.name` when matched by order). */
  fileLayer: string;
}

/** The stored weights of a TF.js (nested) model layer in Keras 3's per-layer layout. */
function keras3WeightsOf(layer: Layer, stored: H5LayerWeights): H5Weight[] {
  const inner = (layer as Layer & { layers?: Layer[] }).layers;
  if (!inner || !stored.sublayers) return stored.weights;
  // A nested model's weights are trainable first, then non-trainable (TF.js, like Keras).
  const byName = new Map(stored.sublayers.map((s) => [s.layer, s]));
  const all = inner.flatMap((sub) => {
    const found = byName.get(sub.name);
    return found ? keras3WeightsOf(sub, found).map((w, i) => ({ w, variable: sub.weights[i] })) : [];
  });
  const trainable = all.filter((e) => e.variable?.trainable);
  const frozen = all.filter((e) => !e.variable?.trainable);
  return [...trainable, ...frozen].map((e) => e.w);
}

/**
 * Pairs each weight-carrying layer of `model` with its stored weights and checks every shape.
 * `by: 'name'` (a full model file: its config made the model) needs a group per layer name;
 * `by: 'order'` (weights only, into another model) pairs the k-th layer with weights with the k-th
 * stored layer, as Keras's `load_weights(by_name=False)` does (Keras 2.0 and tf.keras count
 * automatic names differently, `conv2d_1` vs `conv2d`, so names cannot be trusted there).
 * @throws ModelFileError naming the layer and the weight: a layer without stored weights, another
 *   number of weights, or another shape.
 */
export function matchH5Weights(model: tfTypes.LayersModel, layout: H5WeightsLayout, file: string, by: 'name' | 'order'): Assignment[] {
  const withWeights = model.layers.filter((l) => l.weights.length > 0);
  const storedLayers = layout.layers.filter((s) => flatWeights(s).length > 0);
  let pairs: { layer: Layer; stored: H5LayerWeights }[];
  if (by === 'order') {
    // Keras's rule for a weights-only file: the k-th layer with weights gets the k-th stored layer.
    if (withWeights.length !== storedLayers.length) {
      throw new ModelFileError(`the file stores weights for ${storedLayers.length} layers, the model has ${withWeights.length} layers with weights`, { file, field: 'layer_names' });
    }
    pairs = withWeights.map((layer, i) => ({ layer, stored: storedLayers[i] }));
  } else {
    const byName = new Map(storedLayers.map((s) => [s.layer, s]));
    const missing = withWeights.find((l) => !byName.has(l.name));
    if (missing) {
      throw new ModelFileError(`missing weights: the file has no weights for this layer (expected ${missing.weights.map((w) => `${w.originalName} ${shapeText(w.shape)}`).join(', ')})`, {
        file,
        layer: missing.name,
        className: missing.getClassName(),
        field: layout.kind === 'keras2' ? `${layout.root}/${missing.name}` : `layers/${missing.name}/vars`,
      });
    }
    pairs = withWeights.map((layer) => ({ layer, stored: byName.get(layer.name)! }));
  }
  return pairs.map(({ layer, stored }) => {
    const weights = layout.kind === 'keras3' ? keras3WeightsOf(layer, stored) : flatWeights(stored);
    const at = { file, layer: layer.name, className: layer.getClassName() };
    if (weights.length !== layer.weights.length) {
      throw new ModelFileError(`the file stores ${weights.length} weight${weights.length === 1 ? '' : 's'} for it (${weights.map((w) => w.name).join(', ') || 'none'}), the layer has ${layer.weights.length} (${layer.weights.map((w) => w.originalName).join(', ')})`, {
        ...at,
        field: stored.weights[0]?.path ?? stored.layer,
      });
    }
    weights.forEach((w, i) => {
      const expected = layer.weights[i].shape;
      if (w.shape.join(',') !== expected.join(',')) {
        throw new ModelFileError(`weight "${w.name}" has shape ${shapeText(w.shape)} in the file, but the layer's ${layer.weights[i].originalName.split('/').pop()} is ${shapeText(expected)}`, { ...at, field: w.path });
      }
    });
    return { layer, stored: weights, fileLayer: stored.layer };
  });
}

/**
 * Reads the stored values and sets them on `model`, one layer at a time (values of one layer
 * at most are held besides the model's own). Shapes were checked by `matchH5Weights`.
 * @returns an info diagnostic: how many weights and values were loaded, from where.
 * @throws ModelFileError when a dataset cannot be read (truncated file, not numbers).
 */
export function loadH5Weights(tf: Tf, h5: H5Reader, assignments: Assignment[]): Diagnostic {
  let weights = 0;
  let values = 0;
  for (const { layer, stored } of assignments) {
    // listH5Weights found each dataset in this same open file.
    const tensors = stored.map((w) => tf.tensor(h5.readFloat32(h5.dataset(w.path)!, w.path, { layer: layer.name }), w.shape, 'float32'));
    try {
      layer.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
    weights += stored.length;
    values += stored.reduce((n, w) => n + size(w.shape), 0);
  }
  return { severity: 'info', message: `weights: loaded ${formatInt(weights)} weights (${formatInt(values)} values, ${formatBytes(values * 4)} as float32) from ${path.basename(h5.label)}` };
}

/**
 * Opens stored weights, checks every name and shape against `model` (`matchH5Weights`) and, with
 * `loadValues`, sets the values (`loadH5Weights`); without it only names and shapes are read.
 * @throws ModelFileError as `matchH5Weights` and `loadH5Weights` do.
 */
export async function applyStoredWeights(tf: Tf, model: tfTypes.LayersModel, stored: StoredWeights, loadValues: boolean): Promise<Diagnostic> {
  const { h5, layout, close } = await stored.open();
  try {
    const assignments = matchH5Weights(model, layout, stored.label, stored.match);
    if (loadValues) return loadH5Weights(tf, h5, assignments);
    const count = assignments.reduce((n, a) => n + a.stored.length, 0);
    return { severity: 'info', message: `weights: the ${formatInt(count)} weights of ${path.basename(stored.label)} match the model's shapes; their values are read only for timing` };
  } finally {
    close();
  }
}

/**
 * The initialiser fields of the Keras layer classes whose weights are large (kernels, embeddings,
 * recurrent kernels). A config often leaves them out (Keras's default, Glorot uniform, applies),
 * so they are set, not only replaced. BatchNormalization's are left: small, and ones by default.
 */
const INITIALIZERS: Record<string, string[]> = {
  Conv1D: ['kernel_initializer', 'bias_initializer'],
  Conv2D: ['kernel_initializer', 'bias_initializer'],
  Conv3D: ['kernel_initializer', 'bias_initializer'],
  Conv1DTranspose: ['kernel_initializer', 'bias_initializer'],
  Conv2DTranspose: ['kernel_initializer', 'bias_initializer'],
  Conv3DTranspose: ['kernel_initializer', 'bias_initializer'],
  Dense: ['kernel_initializer', 'bias_initializer'],
  DepthwiseConv2D: ['depthwise_initializer', 'bias_initializer'],
  SeparableConv1D: ['depthwise_initializer', 'pointwise_initializer', 'bias_initializer'],
  SeparableConv2D: ['depthwise_initializer', 'pointwise_initializer', 'bias_initializer'],
  Embedding: ['embeddings_initializer'],
  SimpleRNN: ['kernel_initializer', 'recurrent_initializer', 'bias_initializer'],
  GRU: ['kernel_initializer', 'recurrent_initializer', 'bias_initializer'],
  LSTM: ['kernel_initializer', 'recurrent_initializer', 'bias_initializer'],
};

/**
 * A layer config whose weight initialisers are `Zeros`: for a model whose weights come from a
 * file, random initial values would be computed only to be overwritten (about 3 s for Xception's
 * 23M on the plain-JS engine), or never used by a static analysis; and zeros cost no memory until
 * written (a fresh zeroed allocation is not resident), so loading the file's values does not hold
 * the weights twice. Sets the fields `className` takes (`INITIALIZERS`) and replaces any other
 * `*_initializer` the config lists.
 */
export function withZeroInitializers(config: Record<string, unknown>, className = ''): Record<string, unknown> {
  const listed = Object.keys(config).filter((k) => k.endsWith('_initializer') && config[k] !== null && config[k] !== undefined);
  const keys = [...new Set([...listed, ...(INITIALIZERS[className] ?? [])])];
  if (keys.length === 0) return config;
  return { ...config, ...Object.fromEntries(keys.map((k) => [k, { class_name: 'Zeros', config: {} }])) };
}
