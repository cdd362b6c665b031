/**
 * Format: a TF.js layers-model `model.json` (`tensorflowjs_converter --output_format
 * tfjs_layers_model`, `model.save()` in TF.js): `{"format": "layers-model", "modelTopology":
 * {...Keras model config...}, "weightsManifest": [{"paths": [...], "weights": [...]}]}`. Older
 * converter output (from Keras 2.1 on) has only `modelTopology` and `weightsManifest`, with the
 * Keras config under `modelTopology.model_config`.
 */
import * as path from 'node:path';
import type { Diagnostic } from '../report/schema';
import { isObject, ModelFileError, preview } from './errors';
import { parseKerasModel } from './kerasConfig';
import { kerasVersionLabel, unwrapModelConfig } from './kerasJson';
import type { ImportedModel, WeightSpec, WeightsGroup, ImportOptions } from './types';

/** True when a parsed JSON document is a TF.js model.json (it has `modelTopology`). */
export function isTfjsModelJson(json: unknown): boolean {
  return isObject(json) && 'modelTopology' in json;
}

export function parseManifest(value: unknown, file: string, diagnostics: Diagnostic[]): WeightsGroup[] | undefined {
  if (value === undefined || value === null) return undefined;
  const at = (field: string): { file: string; field: string } => ({ file, field });
  if (!Array.isArray(value)) throw new ModelFileError(`expected a list of weight groups, got ${preview(value)}`, at('weightsManifest'));
  const groups = value.map((group: unknown, g): WeightsGroup => {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFileError(`expected {"paths": [...], "weights": [...]}, got ${preview(group)}`, at(`weightsManifest[${g}]`));
    }
    const paths = group.paths.map((p: unknown, i) => {
      if (typeof p !== 'string' || p === '') throw new ModelFileError(`expected a shard file name, got ${preview(p)}`, at(`weightsManifest[${g}].paths[${i}]`));
      return p;
    });
    const weights = group.weights.map((w: unknown, i): WeightSpec => {
      const field = `weightsManifest[${g}].weights[${i}]`;
      if (!isObject(w) || typeof w.name !== 'string' || typeof w.dtype !== 'string' || !Array.isArray(w.shape)) {
        throw new ModelFileError(`expected {"name", "shape", "dtype"}, got ${preview(w)}`, at(field));
      }
      if (w.shape.some((d) => !Number.isInteger(d) || (d as number) < 0)) throw new ModelFileError(`shape ${preview(w.shape)} must hold non-negative integers`, at(`${field}.shape`));
      const spec: WeightSpec = { name: w.name, shape: w.shape as number[], dtype: w.dtype };
      if (isObject(w.quantization) && typeof w.quantization.dtype === 'string') spec.quantization = w.quantization as WeightSpec['quantization'];
      return spec;
    });
    return { paths, weights };
  });
  // Shards are read only from the model's own folder.
  const escaping = groups.flatMap((g) => g.paths).filter((p) => path.isAbsolute(p) || path.normalize(p).startsWith('..') || /^[a-z]+:\/\//i.test(p));
  if (escaping.length) {
    diagnostics.push({ severity: 'warning', message: `weights: shard paths outside the model's folder (${escaping.slice(0, 3).join(', ')}) are not read; profiling with initialised weights` });
    return undefined;
  }
  return groups;
}

/**
 * Reads a TF.js layers-model `model.json` (already parsed from JSON).
 * @throws ModelFileError for a graph model, a missing `modelTopology` or a malformed topology or manifest.
 */
export function importTfjsModelJson(json: unknown, file: string, options: ImportOptions = {}): ImportedModel {
  if (!isObject(json)) throw new ModelFileError(`expected a JSON object, got ${preview(json)}`, { file });
  if (json.format !== undefined && json.format !== 'layers-model') {
    const graph = json.format === 'graph-model' ? ' (converted from a SavedModel or frozen graph: it has ops, not Keras layers)' : '';
    throw new ModelFileError(`format ${preview(json.format)} is not supported${graph}; only TF.js layers models ("layers-model") and Keras files are`, { file, field: 'format' });
  }
  const topologyJson = json.modelTopology;
  if (!isObject(topologyJson)) throw new ModelFileError(`expected a Keras model topology object, got ${preview(topologyJson)}`, { file, field: 'modelTopology' });
  const diagnostics: Diagnostic[] = [];
  const config = unwrapModelConfig(topologyJson, file);
  const topology = parseKerasModel(config, { file, diagnostics, inputSize: options.inputSize });
  const weightsManifest = parseManifest(json.weightsManifest, file, diagnostics);
  const keras3 = 'module' in config;
  const version = kerasVersionLabel({ ...config, ...topologyJson }, keras3);
  return { file, format: 'tfjs-layers-model', formatDescription: `TF.js layers model (${version})`, topology, weightsManifest, diagnostics };
}
