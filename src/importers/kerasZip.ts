/**
 * Format: a Keras 3 `.keras` file (also written by TF 2.13+ `model.save("x.keras")`): a zip archive
 * holding `config.json` (the model config), `metadata.json` (`keras_version`, date) and
 * `model.weights.h5` (HDF5 weights, Keras 3 layout `layers/<name>/vars/<i>`). A file on disk is
 * read with yauzl (its central directory, then `config.json` and `metadata.json` alone), bytes in
 * memory with fflate, with a size limit against zip bombs; the
 * weights only when the model is built, streamed out of the archive into a temporary file (h5wasm
 * reads files, not bytes) with the same kind of limit on the bytes actually inflated.
 */
import { strFromU8, Unzip, UnzipInflate, unzipSync } from 'fflate';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import yauzl from 'yauzl';
import type { Diagnostic } from '../report/schema';
import { isObject, ModelFileError, parseJson } from './errors';
import { parseKerasModel } from './kerasConfig';
import { H5Reader } from './h5';
import { listH5Weights } from './h5Weights';
import type { ImportedModel, ImportOptions, StoredWeights } from './types';

/** Largest `config.json` accepted inside a .keras file, bytes (decompressed). */
export const MAX_KERAS_CONFIG_BYTES = 64 * 2 ** 20;

/** Largest `model.weights.h5` inflated out of a .keras file, bytes: 2^30 float32 weights. */
export const MAX_KERAS_WEIGHTS_BYTES = 4 * 2 ** 30;

/** Name of the weights file in a .keras archive. */
const WEIGHTS_ENTRY = 'model.weights.h5';

/**
 * Streams one entry of a zip file on disk into `target`, 1 MiB at a time, so neither the archive
 * nor the entry is held in memory. Stops as soon as more than `maxBytes` have been inflated.
 * @throws ModelFileError when the entry is missing, corrupt, cut short or larger than `maxBytes`,
 *   or when `target` cannot be written.
 */
export function extractZipEntry(zipFile: string, entry: string, target: string, maxBytes: number): number {
  const label = { file: zipFile, field: entry };
  let found = false;
  let done = false;
  let written = 0;
  let failure: ModelFileError | undefined;
  const copyFailed = (error: unknown): ModelFileError => new ModelFileError(`cannot be extracted to a temporary file (${error instanceof Error ? error.message : String(error)})`, label);
  const out = openSync(target, 'w');
  const input = openSync(zipFile, 'r');
  try {
    const unzip = new Unzip();
    unzip.register(UnzipInflate);
    unzip.onfile = (file) => {
      if (file.name !== entry || found) return;
      found = true;
      file.ondata = (error, chunk, final) => {
        if (failure) return;
        if (error) failure = new ModelFileError(`cannot be decompressed (${error.message})`, label);
        else if (written + chunk.length > maxBytes) failure = new ModelFileError(`would decompress to more than ${maxBytes} bytes, the most accepted`, label);
        else {
          try {
            writeSync(out, chunk);
          } catch (writeError) {
            failure = copyFailed(writeError);
            return;
          }
          written += chunk.length;
          done = final;
        }
      };
      file.start();
    };
    const buffer = new Uint8Array(2 ** 20);
    for (let position = 0; !done && !failure; ) {
      const n = readSync(input, buffer, 0, buffer.length, position);
      position += n;
      unzip.push(buffer.slice(0, n), n === 0);
      if (n === 0) break;
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // fflate throws errors with numeric codes for a broken archive ("invalid zip data" when it is
    // cut short); Node's have string codes (reading the archive failed).
    failure ??= typeof (error as { code?: unknown }).code === 'number' ? new ModelFileError(`is cut short or damaged (${reason})`, label) : copyFailed(error);
  } finally {
    closeSync(input);
    closeSync(out);
  }
  if (failure) throw failure;
  if (!found) throw new ModelFileError('is not in the archive', label);
  return written;
}

/** The weights of a .keras archive: extracted to a temporary file when opened, removed on close. */
function kerasZipWeights(file: string): StoredWeights {
  const label = `${file} › ${WEIGHTS_ENTRY}`;
  return {
    label,
    match: 'name',
    async open() {
      const dir = mkdtempSync(path.join(tmpdir(), 'xception-profiler-'));
      const remove = (): void => rmSync(dir, { recursive: true, force: true });
      try {
        const target = path.join(dir, WEIGHTS_ENTRY);
        extractZipEntry(file, WEIGHTS_ENTRY, target, MAX_KERAS_WEIGHTS_BYTES);
        const h5 = await H5Reader.open(target, label);
        try {
          const layout = listH5Weights(h5, '/');
          if (!layout) throw new ModelFileError('has no "layers" group (Keras 3 writes layers/<name>/vars)', { file: label, field: 'layers' });
          return { h5, layout, close: () => (h5.close(), remove()) };
        } catch (error) {
          h5.close();
          throw error;
        }
      } catch (error) {
        remove();
        throw error;
      }
    },
  };
}

/** True when `bytes` start like a zip archive (`PK\x03\x04`, or `PK\x05\x06` for an empty one). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

/** Opens a zip file with yauzl: its central directory only, entries read on demand. */
function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) => (error ? reject(error) : resolve(zip))));
}

/** Every entry of an open zip, from its central directory (no entry data read). */
function zipEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => (entries.push(entry), zip.readEntry()));
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });
}

/** One entry's decompressed bytes; stops past `maxBytes` (counted while inflating, whatever the directory says). */
async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, file: string, maxBytes: number): Promise<Uint8Array> {
  const at = { file, field: entry.fileName };
  if (entry.uncompressedSize > maxBytes) throw new ModelFileError(`would decompress to ${entry.uncompressedSize} bytes, more than the ${maxBytes} accepted`, at);
  const chunks: Buffer[] = [];
  let inflated = 0;
  try {
    for await (const chunk of await zip.openReadStreamPromise(entry)) {
      inflated += (chunk as Buffer).length;
      if (inflated > maxBytes) throw new ModelFileError(`would decompress to more than ${maxBytes} bytes, the most accepted`, at);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`cannot be decompressed (${error instanceof Error ? error.message : String(error)})`, at);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a `.keras` archive from disk with yauzl: its central directory, then `config.json` and
 * `metadata.json` only, so a 100 MB archive is not held in memory to find its config (the
 * weights stay in the file until the model is built for timing).
 * @throws ModelFileError as `importKerasZip`.
 */
export async function readKerasZip(file: string, options: ImportOptions = {}): Promise<ImportedModel> {
  let zip: yauzl.ZipFile;
  let entries: yauzl.Entry[];
  try {
    zip = await openZip(file);
    entries = await zipEntries(zip);
  } catch (error) {
    throw new ModelFileError(`not a readable zip archive (${error instanceof Error ? error.message : String(error)})`, { file });
  }
  try {
    const files = new Map<string, Uint8Array>();
    for (const entry of entries) {
      if ((entry.fileName === 'config.json' || entry.fileName === 'metadata.json') && !files.has(entry.fileName)) files.set(entry.fileName, await readEntry(zip, entry, file, MAX_KERAS_CONFIG_BYTES));
    }
    return kerasZipModel(files, entries.map((e) => e.fileName), file, options);
  } finally {
    zip.close();
  }
}

/**
 * Reads a `.keras` archive held in memory (`readKerasZip` reads one from disk without holding it).
 * @throws ModelFileError for a corrupt zip, a missing or oversized `config.json`, or a malformed config.
 */
export function importKerasZip(bytes: Uint8Array, file: string, options: ImportOptions = {}): ImportedModel {
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
  return kerasZipModel(new Map(Object.entries(files)), names, file, options);
}

/** The model of a .keras archive from its `config.json` and `metadata.json` and the names of its entries. */
function kerasZipModel(files: Map<string, Uint8Array>, names: string[], file: string, options: ImportOptions): ImportedModel {
  const configBytes = files.get('config.json');
  if (!configBytes) {
    throw new ModelFileError(`the archive has no config.json (found: ${names.slice(0, 5).join(', ') || 'nothing'}); a .keras file holds config.json, metadata.json and model.weights.h5`, { file });
  }
  const label = `${file} › config.json`;
  const config = parseJson(strFromU8(configBytes), label);
  const diagnostics: Diagnostic[] = [];
  const topology = parseKerasModel(config, { file, diagnostics, inputSize: options.inputSize });
  let version = 'Keras 3';
  const metadataBytes = files.get('metadata.json');
  if (metadataBytes) {
    const metadata = parseJson(strFromU8(metadataBytes), `${file} › metadata.json`);
    if (isObject(metadata) && typeof metadata.keras_version === 'string') version = `Keras ${metadata.keras_version}`;
  }
  const hasWeights = names.includes(WEIGHTS_ENTRY);
  if (!hasWeights) diagnostics.push({ severity: 'info', message: 'weights: the archive holds no model.weights.h5; profiling with initialised weights' });
  return { file, format: 'keras-zip', formatDescription: `${version} model (.keras)`, topology, storedWeights: hasWeights ? kerasZipWeights(file) : undefined, diagnostics };
}
