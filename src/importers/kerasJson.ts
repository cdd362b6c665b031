/**
 * Format: a Keras model config JSON, as `model.to_json()` writes it (Keras 2: `{"class_name":
 * "Functional" | "Model" | "Sequential", "config": {...}, "keras_version", "backend"}`; Keras 3
 * adds `"module"` and `"registered_name"`), or the `{"model_config": ...}` form that Keras stores
 * in HDF5 attributes. Architecture only: there are no weights in it.
 */
import type { Diagnostic } from '../report/schema';
import { isObject, ModelFileError, parseJson } from './errors';
import { parseKerasModel } from './kerasConfig';
import type { ImportedModel, ImportOptions } from './types';

/** True when a parsed JSON document looks like a Keras model config (not a TF.js model.json). */
export function isKerasModelJson(json: unknown): boolean {
  return isObject(json) && !('modelTopology' in json) && (typeof json.class_name === 'string' || 'model_config' in json);
}

/** `Keras 2.2.4` / `Keras 3` / `Keras` from a config's version fields. */
export function kerasVersionLabel(json: Record<string, unknown>, keras3: boolean): string {
  if (typeof json.keras_version === 'string') return `Keras ${json.keras_version}`;
  return keras3 ? 'Keras 3' : 'Keras';
}

/** Unwraps `{"model_config": {...}}` (or a JSON string of it, as HDF5 attributes hold it). */
export function unwrapModelConfig(json: Record<string, unknown>, file: string): Record<string, unknown> {
  let config: unknown = json.model_config ?? json;
  if (typeof config === 'string') config = parseJson(config, file);
  if (!isObject(config)) throw new ModelFileError('"model_config" is not a model config object', { file, field: 'model_config' });
  return config;
}

/**
 * Reads a Keras model config document (already parsed from JSON).
 * @throws ModelFileError when the document is not a Keras model config or is malformed.
 */
export function importKerasJson(json: unknown, file: string, options: ImportOptions = {}): ImportedModel {
  if (!isKerasModelJson(json)) {
    throw new ModelFileError('not a Keras model config: expected "class_name" and "config" at the top level (as model.to_json() writes)', { file });
  }
  const doc = json as Record<string, unknown>;
  const config = unwrapModelConfig(doc, file);
  const diagnostics: Diagnostic[] = [];
  const topology = parseKerasModel(config, { file, diagnostics, inputSize: options.inputSize });
  const keras3 = 'module' in config || 'registered_name' in config;
  diagnostics.push({ severity: 'info', message: 'weights: a Keras model config holds no weights; profiling with initialised weights (timings do not depend on weight values)' });
  return { file, format: 'keras-json', formatDescription: `${kerasVersionLabel({ ...config, ...doc }, keras3)} model config (JSON)`, topology, diagnostics };
}
