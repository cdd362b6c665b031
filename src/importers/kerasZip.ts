/**
 * Format: a Keras 3 `.keras` file (also written by TF 2.13+ `model.save("x.keras")`): a zip archive
 * holding `config.json` (the model config), `metadata.json` (`keras_version`, date) and
 * `model.weights.h5` (HDF5 weights). The zip is read with fflate; only `config.json` and
 * `metadata.json` are decompressed, with a size limit against zip bombs. The HDF5 weights are not
 * read (no HDF5 reader here): profiling uses initialised weights, and the report says so.
 */
import { strFromU8, unzipSync } from 'fflate';
import type { Diagnostic } from '../report/schema';
import { isObject, ModelFileError, parseJson } from './errors';
import { parseKerasModel } from './kerasConfig';
import type { ImportedModel } from './types';

/** Largest `config.json` accepted inside a .keras file, bytes (decompressed). */
export const MAX_KERAS_CONFIG_BYTES = 64 * 2 ** 20;

/** True when `bytes` start like a zip archive (`PK\x03\x04`, or `PK\x05\x06` for an empty one). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

/**
 * Reads a `.keras` archive.
 * @throws ModelFileError for a corrupt zip, a missing or oversized `config.json`, or a malformed config.
 */
export function importKerasZip(bytes: Uint8Array, file: string): ImportedModel {
  const names: string[] = [];
  let oversized: number | undefined;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (entry) => {
        names.push(entry.name);
        if (entry.name !== 'config.json' && entry.name !== 'metadata.json') return false;
        if (entry.originalSize > MAX_KERAS_CONFIG_BYTES) {
          oversized = entry.originalSize;
          return false;
        }
        return true;
      },
    });
  } catch (error) {
    throw new ModelFileError(`not a readable zip archive (${error instanceof Error ? error.message : String(error)})`, { file });
  }
  if (oversized !== undefined) throw new ModelFileError(`config.json would decompress to ${oversized} bytes, more than the ${MAX_KERAS_CONFIG_BYTES} accepted`, { file, field: 'config.json' });
  const configBytes = files['config.json'];
  if (!configBytes) {
    throw new ModelFileError(`the archive has no config.json (found: ${names.slice(0, 5).join(', ') || 'nothing'}); a .keras file holds config.json, metadata.json and model.weights.h5`, { file });
  }
  const label = `${file} › config.json`;
  const config = parseJson(strFromU8(configBytes), label);
  const diagnostics: Diagnostic[] = [];
  const topology = parseKerasModel(config, { file, diagnostics });
  let version = 'Keras 3';
  if (files['metadata.json']) {
    const metadata = parseJson(strFromU8(files['metadata.json']), `${file} › metadata.json`);
    if (isObject(metadata) && typeof metadata.keras_version === 'string') version = `Keras ${metadata.keras_version}`;
  }
  const weights = names.find((n) => n.endsWith('.h5'));
  diagnostics.push({
    severity: 'info',
    message: weights
      ? `weights: ${weights} (HDF5) is not read; profiling with initialised weights (timings do not depend on weight values)`
      : 'weights: the archive holds no weights file; profiling with initialised weights',
  });
  return { file, format: 'keras-zip', formatDescription: `${version} model (.keras)`, topology, diagnostics };
}
