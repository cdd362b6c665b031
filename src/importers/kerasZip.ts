/**
 * Format: a Keras 3 `.keras` file (also written by TF 2.13+ `model.save("x.keras")`): a zip archive
 * holding `config.json` (the model config), `metadata.json` (`keras_version`, date) and
 * `model.weights.h5` (HDF5 weights, Keras 3 layout `layers/<name>/vars/<i>`). A file on disk is
 * read with yauzl, never whole: its central directory, then `config.json` and `metadata.json`
 * alone, with a size limit against zip bombs; the weights only when the model is built, streamed
 * out of the archive into a temporary file (h5wasm reads files, not bytes) with the same kind of
 * limit on the bytes actually inflated.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
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
 * Streams one entry of a zip file on disk into `target`, chunk by chunk, so neither the archive
 * nor the entry is held in memory; an entry of more than `maxBytes` is refused (`streamEntry`).
 * @throws ModelFileError when the archive cannot be read, the entry is missing, corrupt, cut
 *   short or larger than `maxBytes`, or when `target` cannot be written.
 */
export async function extractZipEntry(zipFile: string, entry: string, target: string, maxBytes: number): Promise<number> {
  const label = { file: zipFile, field: entry };
  const zip = await openZipEntries(zipFile, (reason) => new ModelFileError(`is cut short or damaged (${reason})`, label));
  try {
    const found = zip.entries.find((e) => e.fileName === entry);
    if (!found) throw new ModelFileError('is not in the archive', label);
    const out = openSync(target, 'w');
    try {
      return await streamEntry(zip.zip, found, zipFile, maxBytes, (chunk) => {
        try {
          writeSync(out, chunk);
        } catch (error) {
          throw new ModelFileError(`cannot be extracted to a temporary file (${error instanceof Error ? error.message : String(error)})`, label);
        }
      });
    } finally {
      closeSync(out);
    }
  } finally {
    zip.zip.close();
  }
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
        await extractZipEntry(file, WEIGHTS_ENTRY, target, MAX_KERAS_WEIGHTS_BYTES);
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

/** An open zip file and its entries (from its central directory: no entry data read yet). */
interface OpenZip {
  zip: yauzl.ZipFile;
  entries: yauzl.Entry[];
}

/**
 * Opens a zip file with yauzl and lists its entries; entries are read on demand.
 * @param failed makes the error thrown when yauzl cannot read the central directory, from its reason.
 */
async function openZipEntries(file: string, failed: (reason: string) => ModelFileError): Promise<OpenZip> {
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, opened) => (error ? reject(error) : resolve(opened))),
    );
    const open = zip;
    const entries = await new Promise<yauzl.Entry[]>((resolve, reject) => {
      const list: yauzl.Entry[] = [];
      open.on('entry', (entry: yauzl.Entry) => (list.push(entry), open.readEntry()));
      open.once('end', () => resolve(list));
      open.once('error', reject);
      open.readEntry();
    });
    return { zip: open, entries };
  } catch (error) {
    zip?.close();
    throw failed(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Inflates one entry, handing each chunk to `onChunk`. An entry whose directory entry declares
 * more than `maxBytes` is refused before inflating; yauzl (`validateEntrySizes`) stops a stream
 * that inflates more than declared, so a zip bomb is stopped at `maxBytes` either way.
 * @returns the bytes inflated.
 * @throws ModelFileError when the entry is too large or cannot be decompressed, and what `onChunk` throws.
 */
async function streamEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, file: string, maxBytes: number, onChunk: (chunk: Buffer) => void): Promise<number> {
  const at = { file, field: entry.fileName };
  if (entry.uncompressedSize > maxBytes) throw new ModelFileError(`would decompress to ${entry.uncompressedSize} bytes, more than the ${maxBytes} accepted`, at);
  let inflated = 0;
  try {
    for await (const chunk of await zip.openReadStreamPromise(entry)) {
      inflated += (chunk as Buffer).length;
      onChunk(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`cannot be decompressed (${error instanceof Error ? error.message : String(error)})`, at);
  }
  return inflated;
}

/**
 * Reads a `.keras` archive from disk with yauzl: its central directory, then `config.json` and
 * `metadata.json` only, so a 100 MB archive is not held in memory to find its config (the
 * weights stay in the file until the model is built for timing).
 * @throws ModelFileError for an unreadable zip, a missing or oversized `config.json` (zip bomb),
 *   or a malformed config.
 */
export async function readKerasZip(file: string, options: ImportOptions = {}): Promise<ImportedModel> {
  const { zip, entries } = await openZipEntries(file, (reason) => new ModelFileError(`not a readable zip archive (${reason})`, { file }));
  try {
    const files = new Map<string, Uint8Array>();
    for (const entry of entries) {
      if ((entry.fileName === 'config.json' || entry.fileName === 'metadata.json') && !files.has(entry.fileName)) {
        const chunks: Buffer[] = [];
        await streamEntry(zip, entry, file, MAX_KERAS_CONFIG_BYTES, (chunk) => chunks.push(chunk));
        files.set(entry.fileName, Buffer.concat(chunks));
      }
    }
    return kerasZipModel(files, entries.map((e) => e.fileName), file, options);
  } finally {
    zip.close();
  }
}

/** The model of a .keras archive from its `config.json` and `metadata.json` and the names of its entries. */
function kerasZipModel(files: Map<string, Uint8Array>, names: string[], file: string, options: ImportOptions): ImportedModel {
  const configBytes = files.get('config.json');
  if (!configBytes) {
    throw new ModelFileError(`the archive has no config.json (found: ${names.slice(0, 5).join(', ') || 'nothing'}); a .keras file holds config.json, metadata.json and model.weights.h5`, { file });
  }
  const label = `${file} › config.json`;
  const config = parseJson(Buffer.from(configBytes).toString('utf8'), label);
  const diagnostics: Diagnostic[] = [];
  const topology = parseKerasModel(config, { file, diagnostics, inputSize: options.inputSize });
  let version = 'Keras 3';
  const metadataBytes = files.get('metadata.json');
  if (metadataBytes) {
    const metadata = parseJson(Buffer.from(metadataBytes).toString('utf8'), `${file} › metadata.json`);
    if (isObject(metadata) && typeof metadata.keras_version === 'string') version = `Keras ${metadata.keras_version}`;
  }
  const hasWeights = names.includes(WEIGHTS_ENTRY);
  if (!hasWeights) diagnostics.push({ severity: 'info', message: 'weights: the archive holds no model.weights.h5; profiling with initialised weights' });
  return { file, format: 'keras-zip', formatDescription: `${version} model (.keras)`, topology, storedWeights: hasWeights ? kerasZipWeights(file) : undefined, diagnostics };
}
