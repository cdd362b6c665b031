/** What every importer returns: the normalised topology, the weights manifest, and what to tell the user. */
import type { Diagnostic } from '../report/schema';
import type { H5Reader } from './h5';
import type { Topology } from './topology';

/** One weight tensor of a TF.js weights manifest. */
export interface WeightSpec {
  /** Keras weight name, e.g. `conv1/kernel`. */
  name: string;
  shape: number[];
  dtype: string;
  /** Quantised storage (`{dtype: 'uint8' | 'uint16' | 'float16', scale?, min?}`), as TF.js writes it. */
  quantization?: { dtype: string; scale?: number; min?: number };
}

/** One weight group: shard files (relative to model.json) and the tensors they hold, in order. */
export interface WeightsGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** Model file formats this package reads. */
export type ModelFileFormat = 'tfjs-layers-model' | 'keras-json' | 'keras-zip' | 'keras-h5';

/** A model file read, validated and normalised; nothing of it has touched TF.js yet. */
export interface ImportedModel {
  /** Path of the file as given. */
  file: string;
  format: ModelFileFormat;
  /** For people: `TF.js layers model (Keras 2.2.4)`, `Keras 3 model (.keras)`... */
  formatDescription: string;
  topology: Topology;
  /** TF.js only: the weight groups listed in `weightsManifest`. */
  weightsManifest?: WeightsGroup[];
  /** Keras HDF5 weights (`.h5`, `model.weights.h5` of a `.keras`), read when the model is built. */
  storedWeights?: StoredWeights;
  /** Warnings and notes found while reading (unknown input sizes, dtype policies, weights not present...). */
  diagnostics: Diagnostic[];
}

/** One stored weight: its name (Keras 2) or index (Keras 3), dataset path and shape. */
export interface H5Weight {
  name: string;
  path: string;
  shape: number[];
}

/** The stored weights of one layer, in the layer's weight order. */
export interface H5LayerWeights {
  /** Keras layer name (the HDF5 group name). */
  layer: string;
  weights: H5Weight[];
  /** Keras 3 nested models: the stored weights of their layers (`layers/<model>/layers/...`). */
  sublayers?: H5LayerWeights[];
}

/** Where the weights of a file are and how they are laid out. */
export interface H5WeightsLayout {
  kind: 'keras2' | 'keras3';
  /** Group holding the layers: `model_weights` or `/` (Keras 2), `layers` (Keras 3). */
  root: string;
  layers: H5LayerWeights[];
}

/**
 * Weights stored in an HDF5 file, opened only when the model is built: names and shapes are
 * checked against the model then, and values read only when the build asks for weights.
 */
export interface StoredWeights {
  /** What messages call the file: `model.h5`, `model.keras › model.weights.h5`. */
  label: string;
  /** `name`: a full model file, one group per layer name; `order`: weights only, Keras's `load_weights` order. */
  match: 'name' | 'order';
  /**
   * Opens the HDF5 file read-only (a `.keras` archive's is extracted to a temporary file first)
   * and lists its weights; `close` releases it (and removes the temporary file).
   * @throws ModelFileError when it cannot be opened or its weights are not where Keras puts them.
   */
  open(): Promise<{ h5: H5Reader; layout: H5WeightsLayout; close(): void }>;
}

/** Options of every importer. */
export interface ImportOptions {
  /**
   * Height and width, pixels, for image inputs whose height and width the file leaves open
   * (`null`); default `DEFAULT_IMAGE_SIZE` (224). An input with a fixed size that differs is an
   * error (the file's size is the model's).
   */
  inputSize?: number;
}
