/**
 * Entry point for model files: reads a file (never writes it), recognises its format, validates
 * and normalises it (`readModelFile`, no TF.js involved), then builds it with the engine's `tf`
 * and analyses it (`loadModelFile`) into an `ArchitectureReport` whose `model.source` is the path.
 *
 * Formats: TF.js layers-model `model.json` (tfjsModelJson.ts), Keras model config JSON
 * (kerasJson.ts), `.keras` zip archives (kerasZip.ts), Keras HDF5 `.h5` / `.hdf5` (kerasH5.ts). Every problem of the file is a
 * `ModelFileError` naming the file, the layer and the field, raised before TF.js sees anything.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { analyzeTopology } from '../analysis/analyze';
import { checkBuiltModel } from '../analysis/engineCheck';
import { formatBytes } from '../report/format';
import type { ArchitectureReport, Diagnostic, LayerExecution } from '../report/schema';
import { checkFaithful } from '../profiler/correctness';
import { buildModel, type BuildOptions } from './build';
import { buildXception } from '../model/xception';
import { xceptionKerasConfig } from '../model/xceptionConfig';
import { isObject, ModelFileError, parseJson } from './errors';
import { importGraphModel, isGraphModelJson, type GraphModelFile } from './graphModel';
import { isHdf5 } from './h5';
import { importOnnx, isOnnxFile, type OnnxModelFile } from './onnxModel';
import { applyStoredWeights, checkStoredSizes } from './h5Weights';
import { importKerasH5, type XceptionWeightsFile } from './kerasH5';
import { parseKerasModel } from './kerasConfig';
import { importKerasJson, isKerasModelJson } from './kerasJson';
import { isZip, readKerasZip } from './kerasZip';
import { importTfjsModelJson, isTfjsModelJson } from './tfjsModelJson';
import type { ImportedModel, ImportOptions } from './types';

type Tf = typeof tfTypes;

/**
 * Largest model file accepted, bytes. A model.json or Keras config holds the architecture (weights
 * live in shards); .h5 and .keras files hold the weights too, and are read lazily (config first).
 */
export const MAX_MODEL_FILE_BYTES = 256 * 2 ** 20;

/** Largest HDF5 / .keras file accepted, bytes: 2^30 weights (the analysis's own limit) as float32. */
export const MAX_WEIGHTS_FILE_BYTES = 4 * 2 ** 30;

/** An imported model whose graph passed every static check, with its static report. */
export interface CheckedModel extends ImportedModel {
  /**
   * The static analysis (shapes, params, MACs from the layer registry; no TF.js involved), with
   * the importer's diagnostics. What the report says, whatever an engine later builds.
   */
  report: ArchitectureReport;
}

/** Keras Applications' Xception weights with the built-in Xception's static report (no TF.js involved). */
export interface CheckedXceptionWeights extends XceptionWeightsFile {
  report: ArchitectureReport;
}

/** A model file read and checked: a Keras / TF.js layers model, Keras Applications' Xception weights, a TF.js graph model or an ONNX model. */
export type ModelFile = CheckedModel | CheckedXceptionWeights | GraphModelFile | OnnxModelFile;

/**
 * Recognises and imports a model file's bytes, then checks and analyses its graph.
 * @param file the path, for messages and for finding weight shards.
 * @throws ModelFileError for anything that is not a valid supported model.
 */
export function importModelBytes(bytes: Uint8Array, file: string, options: ImportOptions = {}): CheckedModel {
  const read = importAnyModelBytes(bytes, file, options);
  if (read.format === 'tfjs-graph-model') throw new ModelFileError('a TF.js graph model has nodes, not a Keras topology; read it with readModelFile', { file });
  return read;
}

/** `importModelBytes`, TF.js graph models included (they are analysed per node, not built as layers). */
function importAnyModelBytes(bytes: Uint8Array, file: string, options: ImportOptions = {}): CheckedModel | GraphModelFile {
  let imported: ImportedModel;
  if (isZip(bytes)) {
    throw new ModelFileError('.keras archives are read from disk (readModelFile), not from bytes', { file });
  } else if (file.toLowerCase().endsWith('.keras')) {
    throw new ModelFileError('a .keras file must be a zip archive (holding config.json), but this one is not', { file });
  } else if (isHdf5(bytes)) {
    throw new ModelFileError('HDF5 files are read from disk (readModelFile), not from bytes', { file });
  } else {
    const json = parseJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), file);
    if (isGraphModelJson(json)) return importGraphModel(json, file);
    if (isTfjsModelJson(json)) imported = importTfjsModelJson(json, file, options);
    else if (isKerasModelJson(json)) imported = importKerasJson(json, file, options);
    else {
      const keys = isObject(json) ? Object.keys(json).slice(0, 6).join(', ') || 'none' : Array.isArray(json) ? 'a list' : typeof json;
      throw new ModelFileError(
        `not a Keras or TF.js model: expected "modelTopology" (TF.js model.json) or "class_name" and "config" (Keras model config) at the top level; found ${isObject(json) ? `keys ${keys}` : keys}`,
        { file },
      );
    }
  }
  return withReport(imported);
}

/** An import with its static report: the registry's analysis with the importer's diagnostics first. */
function withReport(imported: ImportedModel): CheckedModel {
  const listed = new Map<string, number[][]>();
  for (const spec of (imported.weightsManifest ?? []).flatMap((g) => g.weights)) {
    const owner = spec.name.slice(0, spec.name.lastIndexOf('/'));
    listed.set(owner, [...(listed.get(owner) ?? []), spec.shape]);
  }
  const report = analyzeTopology(imported.topology, {
    name: modelDisplayName(imported.file),
    source: imported.file,
    file: imported.file,
    listedWeights: (path) => listed.get(path),
  });
  const about: Diagnostic = { severity: 'info', message: `model file: ${imported.formatDescription}, model "${imported.topology.name}"` };
  return { ...imported, report: { ...report, diagnostics: [about, ...imported.diagnostics, ...report.diagnostics] } };
}

/**
 * A weights-only Xception file with the built-in Xception's static report: the registry's analysis
 * of Xception's Keras config, recorded without TF.js (model/xceptionConfig.ts), so that reading the
 * file needs no engine and allocates no weights; TF.js builds Xception only to time it. The stored
 * sizes are checked against the report's params (`checkStoredSizes`).
 * @throws ModelFileError naming the layer whose stored size is not Xception's.
 */
async function withXceptionReport(weights: XceptionWeightsFile): Promise<CheckedXceptionWeights> {
  const topology = parseKerasModel(xceptionKerasConfig({ includeTop: weights.includeTop, classes: weights.classes }), { file: weights.file, diagnostics: [] });
  const report = analyzeTopology(topology, { name: 'Xception', source: weights.file, file: weights.file });
  // The stored sizes against the registry's params (names and shapes only; no values read).
  const { layout, close } = await weights.storedWeights.open();
  try {
    checkStoredSizes(report, layout, weights.file);
  } finally {
    close();
  }
  const about: Diagnostic = { severity: 'info', message: `model file: ${weights.formatDescription}` };
  return { ...weights, report: { ...report, diagnostics: [about, ...weights.diagnostics, ...report.diagnostics] } };
}

/** The first `n` bytes of a file (fewer when it is shorter). */
function readHead(file: string, n: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const head = new Uint8Array(n);
    return head.subarray(0, readSync(fd, head, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and checks a model file (see `importModelBytes`; HDF5 files through `importKerasH5`, which
 * reads the config and weight shapes, not the values). Only reads: the file is never modified.
 * @throws ModelFileError when the file is missing, not a file, too large or not a valid model.
 */
export async function readModelFile(file: string, options: ImportOptions = {}): Promise<ModelFile> {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new ModelFileError('is not a file', { file });
    size = stat.size;
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    // The whole path: the message names the file by its base name, and model.json is everywhere.
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? (error as Error).message})`;
    throw new ModelFileError(`${why}: ${path.resolve(file)}`, { file });
  }
  const head = readHead(file, 8);
  const holdsWeights = isHdf5(head) || /\.(keras|h5|hdf5|onnx)$/i.test(file);
  const limit = holdsWeights ? MAX_WEIGHTS_FILE_BYTES : MAX_MODEL_FILE_BYTES;
  if (size > limit) {
    throw new ModelFileError(`is ${formatBytes(size)}; ${holdsWeights ? 'HDF5, .keras and .onnx' : 'JSON model'} files over ${formatBytes(limit)} are not read${holdsWeights ? '' : ' (weights belong in shard files)'}`, { file });
  }
  if (isHdf5(head)) {
    const imported = await importKerasH5(file, options);
    return imported.format === 'keras-h5-xception-weights' ? await withXceptionReport(imported) : withReport(imported);
  }
  // A .keras archive is read for its config entries only, never held whole.
  if (isZip(head)) return withReport(await readKerasZip(file, options));
  if (isOnnxFile(file)) return importOnnx(readFileSync(file), file);
  return importAnyModelBytes(readFileSync(file), file, options);
}

/** Display name of a model file: `mobilenet-v1` for `mobilenet-v1.model.json`, the folder for `model.json`. */
export function modelDisplayName(file: string): string {
  const base = path.basename(file);
  if (/^(model|config)\.json$/i.test(base)) return path.basename(path.dirname(path.resolve(file))) || base;
  return base.replace(/(\.model)?\.(json|keras|h5|hdf5|onnx)$/i, '') || base;
}

/**
 * The static report of a checked import once TF.js has built it: the registry's numbers stand;
 * the build's diagnostics are added, and every layer TF.js builds differently is flagged
 * (analysis/engineCheck.ts).
 */
export function analyzeImportedModel(
  model: tfTypes.LayersModel,
  checked: CheckedModel,
  buildDiagnostics: Diagnostic[] = [],
  executions: Map<string, LayerExecution> = new Map(),
  names: Map<string, string> = new Map(),
): ArchitectureReport {
  const engine = checkBuiltModel(checked.report, checked.topology, model, (n) => names.get(n) ?? n);
  // How each layer runs, when not as TF.js's own class (faithful replacement or stand-in).
  const layers = checked.report.layers.map((l) => (executions.has(l.name) ? { ...l, execution: executions.get(l.name) } : l));
  return { ...checked.report, layers, diagnostics: [...checked.report.diagnostics, ...buildDiagnostics, ...engine] };
}

/**
 * Checks each faithful replacement against its independent reference on the `cpu` backend
 * (profiler/correctness.ts `checkFaithful`): an error per layer that differs, one info line otherwise.
 */
async function faithfulDiagnostics(tf: Tf, model: tfTypes.LayersModel, executions: Map<string, LayerExecution>): Promise<Diagnostic[]> {
  const checks = await checkFaithful(tf, model, executions);
  if (checks.length === 0) return [];
  const diagnostics: Diagnostic[] = checks
    .filter((c) => !c.ok)
    .map((c) => ({ severity: 'error', code: 'faithful-mismatch', layer: c.layer, message: `layer "${c.layer}" (${c.className}): its faithful replacement differs from the reference computation (relative error ${c.maxRelError.toExponential(1)}); its numbers and timing are not Keras's` }));
  const checked = checks.filter((c) => !c.error);
  const worst = Math.max(0, ...checked.map((c) => c.maxRelError));
  const unchecked = checks.filter((c) => c.error).map((c) => `"${c.layer}" (${c.error})`);
  diagnostics.push({
    severity: 'info',
    message: `faithful replacements checked against independent references on the cpu backend: ${checked.length} layer${checked.length === 1 ? '' : 's'}, largest relative error ${worst.toExponential(1)}${unchecked.length ? `; not checked: ${unchecked.join(', ')}` : ''}`,
  });
  return diagnostics;
}

/** A model file built into a TF.js model, with its static report. Dispose `model` when done. */
export interface LoadedModel {
  model: tfTypes.LayersModel;
  report: ArchitectureReport;
  checked: CheckedModel | CheckedXceptionWeights;
}

/**
 * Reads, checks, builds (with weights when the shards are present) and analyses a model file.
 * @throws ModelFileError for a bad file (before TF.js is involved) or a graph TF.js cannot build.
 */
export async function loadModelFile(tf: Tf, file: string, options: BuildOptions & ImportOptions = {}): Promise<LoadedModel> {
  const read = await readModelFile(file, options);
  if (read.format === 'tfjs-graph-model' || read.format === 'onnx') throw new ModelFileError(`is a graph of nodes (${read.formatDescription}), not a Keras model: load it with graphModelLoad.ts / onnxLoad.ts`, { file });
  return buildCheckedModel(tf, read, options);
}

/**
 * Builds (with weights when the shards are present) and analyses a model file already read and
 * checked by `readModelFile`; the model is disposed if the analysis throws.
 * @throws ModelFileError for a graph TF.js cannot build.
 */
export async function buildCheckedModel(tf: Tf, checked: CheckedModel | CheckedXceptionWeights, options: BuildOptions = {}): Promise<LoadedModel> {
  if (checked.format === 'keras-h5-xception-weights') return buildXceptionWithWeights(tf, checked, options);
  const built = await buildModel(tf, checked, options);
  try {
    const checks = await faithfulDiagnostics(tf, built.model, built.executions);
    return { model: built.model, report: analyzeImportedModel(built.model, checked, [...built.diagnostics, ...checks], built.executions, built.names), checked };
  } catch (error) {
    built.model.dispose();
    throw error;
  }
}

/**
 * The built-in Xception (299x299, Keras Applications' architecture) with the weights of a
 * Keras Applications weights file, matched as Keras's `load_weights` matches a weights-only file.
 * The report is the static one `readModelFile` made, with the weights' note added.
 * @throws ModelFileError naming the layer and the weight when a stored shape is not Xception's.
 */
async function buildXceptionWithWeights(tf: Tf, checked: CheckedXceptionWeights, options: BuildOptions): Promise<LoadedModel> {
  const model = buildXception(tf, { includeTop: checked.includeTop, classes: checked.classes, zeroWeights: true });
  try {
    const loaded = await applyStoredWeights(tf, model, checked.storedWeights, options.loadWeights !== false);
    // After the file's own notes (the first 1 + checked.diagnostics.length), before the analysis's.
    const notes = checked.report.diagnostics;
    const split = 1 + checked.diagnostics.length;
    return { model, report: { ...checked.report, diagnostics: [...notes.slice(0, split), loaded, ...notes.slice(split)] }, checked };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
