/**
 * Weights of a TF.js model.json: the shard files listed in `weightsManifest`, read from the model's
 * folder when they are all there, decoded with `tf.io.decodeWeights` and set by weight name
 * (`conv1/kernel`...). When they are missing, incomplete or do not match the model, the model keeps
 * its initialised weights and a diagnostic says why (timings do not depend on weight values).
 * Files are only read, never written.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { formatBytes, formatInt } from '../report/format';
import type { Diagnostic } from '../report/schema';
import type { WeightSpec, WeightsGroup } from './types';

type Tf = typeof tfTypes;

/** Bytes per stored value of each manifest dtype (quantised weights use the quantisation dtype). */
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

/** Bytes a weight spec occupies in the shards; undefined for dtypes TF.js cannot decode here. */
export function storedBytes(spec: WeightSpec): number | undefined {
  const per = BYTES[spec.quantization?.dtype ?? spec.dtype];
  return per === undefined ? undefined : per * spec.shape.reduce((n, d) => n * d, 1);
}

/** Shard bytes with their specs, or why they could not be read. */
export type ShardRead = { ok: true; specs: WeightSpec[]; data: ArrayBuffer; bytes: number } | { ok: false; diagnostic: Diagnostic };

const initialised = 'profiling with initialised weights (timings do not depend on weight values)';

/**
 * Reads every shard of `groups` from the folder of `modelFile`, in manifest order.
 * Never throws for missing or short files: returns `ok: false` with a diagnostic instead.
 */
export function readShards(modelFile: string, groups: WeightsGroup[]): ShardRead {
  const dir = path.dirname(modelFile);
  const paths = groups.flatMap((g) => g.paths);
  const specs = groups.flatMap((g) => g.weights);
  if (paths.length === 0) return { ok: false, diagnostic: { severity: 'info', message: `weights: the manifest lists no shard files; ${initialised}` } };
  const missing = paths.filter((p) => !existsSync(path.join(dir, p)));
  if (missing.length) {
    const names = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ` and ${missing.length - 3} more` : '');
    return { ok: false, diagnostic: { severity: 'warning', message: `weights: ${missing.length} of the ${paths.length} shard files listed in weightsManifest are not next to ${path.basename(modelFile)} (${names}); ${initialised}` } };
  }
  const undecodable = specs.find((s) => storedBytes(s) === undefined);
  if (undecodable) {
    return { ok: false, diagnostic: { severity: 'warning', message: `weights: weight "${undecodable.name}" has dtype "${undecodable.quantization?.dtype ?? undecodable.dtype}", which is not read here; ${initialised}` } };
  }
  const expected = specs.reduce((n, s) => n + storedBytes(s)!, 0);
  const sizes = paths.map((p) => statSync(path.join(dir, p)).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total < expected) {
    return { ok: false, diagnostic: { severity: 'warning', message: `weights: the shard files hold ${formatBytes(total)} but the manifest needs ${formatBytes(expected)}; ${initialised}` } };
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of paths) {
    const bytes = readFileSync(path.join(dir, p));
    data.set(bytes, offset);
    offset += bytes.length;
  }
  return { ok: true, specs, data: data.buffer, bytes: total };
}

/**
 * Decodes shard data and sets the model's weights whose names and shapes match.
 * Matching is by `originalName` (`layer/weight`); a TF 2.2+ name with a cell (`lstm/cell/kernel`)
 * also matches `lstm/kernel`, as TF.js's `loadWeights` does. Decoded tensors are disposed.
 * @returns diagnostics: what was loaded, and any weights missing, unused or of another shape.
 */
export function applyWeights(tf: Tf, model: tfTypes.LayersModel, read: Extract<ShardRead, { ok: true }>): Diagnostic[] {
  let decoded: tfTypes.NamedTensorMap;
  try {
    decoded = tf.io.decodeWeights(read.data, read.specs as tfTypes.io.WeightsManifestEntry[]);
  } catch (error) {
    return [{ severity: 'warning', message: `weights: the shards could not be decoded (${error instanceof Error ? error.message : String(error)}); ${initialised}` }];
  }
  try {
    const byName = new Map(model.weights.map((w) => [w.originalName, w]));
    const matched: tfTypes.NamedTensorMap = {};
    const wrongShape: string[] = [];
    const unused: string[] = [];
    for (const [name, tensor] of Object.entries(decoded)) {
      const tokens = name.split('/');
      const target = byName.has(name) ? name : [...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/');
      const variable = byName.get(target);
      if (!variable) unused.push(name);
      else if (variable.shape.join(',') !== tensor.shape.join(',')) wrongShape.push(`${name} [${tensor.shape.join(', ')}] vs [${variable.shape.join(', ')}]`);
      else matched[target] = tensor;
    }
    const loaded = Object.keys(matched).length;
    if (wrongShape.length) {
      return [{ severity: 'warning', message: `weights: ${wrongShape.length} weights have other shapes than the model's (${wrongShape.slice(0, 2).join('; ')}); ${initialised}` }];
    }
    if (loaded === 0) return [{ severity: 'warning', message: `weights: none of the ${Object.keys(decoded).length} weights in the shards matches a weight of the model; ${initialised}` }];
    model.loadWeights(matched, false);
    const diagnostics: Diagnostic[] = [];
    const values = Object.values(matched).reduce((n, t) => n + t.size, 0);
    diagnostics.push({ severity: 'info', message: `weights: loaded ${loaded} weights (${formatInt(values)} values, ${formatBytes(read.bytes)}) from the shard files` });
    const missing = model.weights.length - loaded;
    if (missing > 0) diagnostics.push({ severity: 'warning', message: `weights: ${missing} weights of the model are not in the shards and keep their initial values` });
    if (unused.length) diagnostics.push({ severity: 'warning', message: `weights: ${unused.length} weights in the shards match no weight of the model (${unused.slice(0, 3).join(', ')})` });
    return diagnostics;
  } finally {
    tf.dispose(Object.values(decoded));
  }
}
