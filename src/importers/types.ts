/** What every importer returns: the normalised topology, the weights manifest, and what to tell the user. */
import type { Diagnostic } from '../report/schema';
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
export type ModelFileFormat = 'tfjs-layers-model' | 'keras-json' | 'keras-zip';

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
  /** Warnings and notes found while reading (unknown input sizes, dtype policies, weights not present...). */
  diagnostics: Diagnostic[];
}
