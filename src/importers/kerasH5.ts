/**
 * Format: Keras HDF5 (`.h5`, `.hdf5`), read with h5wasm (see h5.ts):
 *
 * - a full model (`model.save("m.h5")`, Keras 2 / tf.keras): the `model_config` attribute of the
 *   root holds the model config JSON (read with the Keras config importer, like `model.to_json()`),
 *   the `keras_version` attribute its version, and `model_weights/` the weights (h5Weights.ts);
 * - weights only (`save_weights("w.h5")`, Keras Applications' weight files): no config. When
 *   the layer names are Xception's (`block1_conv1` ... `block14_sepconv2`, Keras Applications'
 *   `xception_weights_tf_dim_ordering_tf_kernels[_notop].h5`), the weights go into the built-in
 *   Xception; otherwise the file is refused with a message saying what to save instead.
 *
 * Only the config and the version (weights-only files: the layer names) are read here, so the first
 * picture is quick; weight names and shapes are checked, and values read, when the model is built
 * (`StoredWeights.open`).
 */
import type { Diagnostic } from '../report/schema';
import { ModelFileError } from './errors';
import { H5Reader } from './h5';
import { listH5Weights } from './h5Weights';
import { parseKerasModel } from './kerasConfig';
import { kerasVersionLabel, unwrapModelConfig } from './kerasJson';
import type { ImportedModel, StoredWeights, ImportOptions } from './types';

/** A weights-only HDF5 file of Keras Applications' Xception: profiled as the built-in Xception with these weights. */
export interface XceptionWeightsFile {
  file: string;
  format: 'keras-h5-xception-weights';
  formatDescription: string;
  /** The file has the classifier head (`predictions`); `_notop` files do not. */
  includeTop: boolean;
  /** Classes of `predictions` (1000 for ImageNet). */
  classes: number;
  storedWeights: StoredWeights;
  diagnostics: Diagnostic[];
}

/** Xception's named layers with weights that a weights file must have to be taken as Xception's. */
const XCEPTION_MARKERS = ['block1_conv1', 'block1_conv1_bn', 'block4_sepconv2', 'block14_sepconv2', 'block14_sepconv2_bn'];

/** Storage of an HDF5 file on disk: reopened (read-only) when the values are needed. */
export function h5FileWeights(file: string, root: string, match: StoredWeights['match']): StoredWeights {
  return {
    label: file,
    match,
    async open() {
      const h5 = await H5Reader.open(file);
      try {
        const layout = listH5Weights(h5, root);
        if (!layout) throw new ModelFileError(`no weights found under "${root}"`, { file, field: root });
        return { h5, layout, close: () => h5.close() };
      } catch (error) {
        h5.close();
        throw error;
      }
    },
  };
}

/**
 * Reads a Keras HDF5 file (already known to start with the HDF5 signature).
 * @throws ModelFileError when HDF5 cannot open it (truncated...), when it is HDF5 but not a Keras
 *   model (no `model_config` and no Keras weights), for a malformed config, and for a weights-only
 *   file that is not Xception's.
 */
export async function importKerasH5(file: string, options: ImportOptions = {}): Promise<ImportedModel | XceptionWeightsFile> {
  const h5 = await H5Reader.open(file);
  try {
    const configText = h5.stringAttribute('/', 'model_config');
    const version = h5.stringAttribute('/', 'keras_version');
    if (configText !== undefined) {
      const config = unwrapModelConfig({ model_config: configText }, file);
      const diagnostics: Diagnostic[] = [];
      const topology = parseKerasModel(config, { file, diagnostics, inputSize: options.inputSize });
      // Only whether the weights are there: their names and shapes are read when the model is built.
      const hasWeights = h5.group('model_weights') !== undefined;
      const label = kerasVersionLabel(version ? { keras_version: version } : {}, 'module' in config);
      if (!hasWeights) diagnostics.push({ severity: 'warning', message: 'weights: the file has a model config but no model_weights group; profiling with initialised weights' });
      return {
        file,
        format: 'keras-h5',
        formatDescription: `${label} model (HDF5)`,
        topology,
        storedWeights: hasWeights ? h5FileWeights(file, 'model_weights', 'name') : undefined,
        diagnostics,
      };
    }
    const names = h5.stringListAttribute('/', 'layer_names');
    if (!names) {
      const found = h5.keys('/').slice(0, 5).join(', ') || 'nothing';
      throw new ModelFileError(
        `HDF5, but not a Keras model: no "model_config" attribute and no "layer_names" attribute at the root (found: ${found})`,
        { file, field: 'model_config' },
      );
    }
    const isXception = XCEPTION_MARKERS.every((m) => names.includes(m));
    if (!isXception) {
      throw new ModelFileError(
        `holds weights only (no "model_config": saved with save_weights), for ${names.length} layers (${names.slice(0, 3).join(', ')}...), and they are not Xception's; save the whole model with model.save("model.h5") or model.save("model.keras")`,
        { file, field: 'model_config' },
      );
    }
    const includeTop = names.includes('predictions');
    const kernelName = includeTop ? h5.stringListAttribute('predictions', 'weight_names')?.[0] : undefined;
    const kernel = kernelName ? h5.dataset(`predictions/${kernelName}`) : undefined;
    const classes = kernel ? (h5.shape(kernel)[1] ?? 1000) : 1000;
    return {
      file,
      format: 'keras-h5-xception-weights',
      formatDescription: `Keras Applications Xception weights${includeTop ? '' : ' (no top)'} (HDF5${version ? `, Keras ${version}` : ''})`,
      includeTop,
      classes,
      storedWeights: h5FileWeights(file, '/', 'order'),
      diagnostics: [{ severity: 'info', message: `weights only: the layer names are Xception's, so the built-in Xception (299x299${includeTop ? `, ${classes} classes` : ', no top'}) is profiled with these weights` }],
    };
  } finally {
    h5.close();
  }
}
