/**
 * Entry point for model files: reads a file (never writes it), recognises its format, validates
 * and normalises it (`readModelFile`, no TF.js involved), then builds it with the engine's `tf`
 * and analyses it (`loadModelFile`) into an `ArchitectureReport` whose `model.source` is the path.
 *
 * Formats: TF.js layers-model `model.json` (tfjsModelJson.ts), Keras model config JSON
 * (kerasJson.ts), `.keras` zip archives (kerasZip.ts). Every problem of the file is a
 * `ModelFileError` naming the file, the layer and the field, raised before TF.js sees anything.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { analyzeGraph } from '../analysis/analyze';
import { formatBytes } from '../report/format';
import type { ArchitectureReport, Diagnostic } from '../report/schema';
import { buildModel, type BuildOptions } from './build';
import { describeLayers } from '../analysis/describe';
import { isObject, ModelFileError, parseJson } from './errors';
import { importKerasJson, isKerasModelJson } from './kerasJson';
import { importKerasZip, isZip } from './kerasZip';
import { checkShapes, type ShapeCheck } from './shapes';
import { importTfjsModelJson, isTfjsModelJson } from './tfjsModelJson';
import type { ImportedModel } from './types';

type Tf = typeof tfTypes;

/** Largest model file accepted, bytes (a model.json or .keras holds the architecture; weights live in shards). */
export const MAX_MODEL_FILE_BYTES = 256 * 2 ** 20;

/** An imported model whose graph and shapes passed every static check. */
export interface CheckedModel extends ImportedModel {
  shapes: ShapeCheck;
}

/**
 * Recognises and imports a model file's bytes, then checks its graph and shapes.
 * @param file the path, for messages and for finding weight shards.
 * @throws ModelFileError for anything that is not a valid supported model.
 */
export function importModelBytes(bytes: Uint8Array, file: string): CheckedModel {
  let imported: ImportedModel;
  if (isZip(bytes)) {
    imported = importKerasZip(bytes, file);
  } else if (file.toLowerCase().endsWith('.keras')) {
    throw new ModelFileError('a .keras file must be a zip archive (holding config.json), but this one is not', { file });
  } else if (bytes.length >= 4 && bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46) {
    throw new ModelFileError('HDF5 (.h5) model files are not supported; save the model as .keras or convert it with tensorflowjs_converter', { file });
  } else {
    const json = parseJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), file);
    if (isTfjsModelJson(json)) imported = importTfjsModelJson(json, file);
    else if (isKerasModelJson(json)) imported = importKerasJson(json, file);
    else {
      const keys = isObject(json) ? Object.keys(json).slice(0, 6).join(', ') || 'none' : Array.isArray(json) ? 'a list' : typeof json;
      throw new ModelFileError(
        `not a Keras or TF.js model: expected "modelTopology" (TF.js model.json) or "class_name" and "config" (Keras model config) at the top level; found ${isObject(json) ? `keys ${keys}` : keys}`,
        { file },
      );
    }
  }
  const shapes = checkShapes(imported.topology, file);
  return { ...imported, shapes };
}

/**
 * Reads and checks a model file (see `importModelBytes`). Only reads: the file is never modified.
 * @throws ModelFileError when the file is missing, not a file, too large or not a valid model.
 */
export function readModelFile(file: string): CheckedModel {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new ModelFileError('is not a file', { file });
    size = stat.size;
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file });
  }
  if (size > MAX_MODEL_FILE_BYTES) {
    throw new ModelFileError(`is ${formatBytes(size)}; model files over ${formatBytes(MAX_MODEL_FILE_BYTES)} are not read (weights belong in shard files)`, { file });
  }
  return importModelBytes(readFileSync(file), file);
}

/** Display name of a model file: `mobilenet-v1` for `mobilenet-v1.model.json`, the folder for `model.json`. */
export function modelDisplayName(file: string): string {
  const base = path.basename(file);
  if (/^(model|config)\.json$/i.test(base)) return path.basename(path.dirname(path.resolve(file))) || base;
  return base.replace(/(\.model)?\.(json|keras)$/i, '') || base;
}

/**
 * Static analysis of a model built from a checked import: per-layer shapes, params, MACs, groups
 * (see analysis/grouping.ts), with the importer's and the build's diagnostics.
 */
export function analyzeImportedModel(model: tfTypes.LayersModel, checked: CheckedModel, buildDiagnostics: Diagnostic[] = []): ArchitectureReport {
  const report = analyzeGraph(describeLayers(model), {
    name: modelDisplayName(checked.file),
    source: checked.file,
    inputShapes: model.inputs.map((t) => t.shape),
    outputShapes: model.outputs.map((t) => t.shape),
  });
  const about: Diagnostic = { severity: 'info', message: `model file: ${checked.formatDescription}, model "${checked.topology.name}"` };
  return { ...report, diagnostics: [about, ...checked.diagnostics, ...buildDiagnostics, ...report.diagnostics] };
}

/** A model file built into a TF.js model, with its static report. Dispose `model` when done. */
export interface LoadedModel {
  model: tfTypes.LayersModel;
  report: ArchitectureReport;
  checked: CheckedModel;
}

/**
 * Reads, checks, builds (with weights when the shards are present) and analyses a model file.
 * @throws ModelFileError for a bad file (before TF.js is involved) or a graph TF.js cannot build.
 */
export async function loadModelFile(tf: Tf, file: string, options: BuildOptions = {}): Promise<LoadedModel> {
  return buildCheckedModel(tf, readModelFile(file), options);
}

/**
 * Builds (with weights when the shards are present) and analyses a model file already read and
 * checked by `readModelFile`; the model is disposed if the analysis throws.
 * @throws ModelFileError for a graph TF.js cannot build.
 */
export async function buildCheckedModel(tf: Tf, checked: CheckedModel, options: BuildOptions = {}): Promise<LoadedModel> {
  const built = await buildModel(tf, checked, options);
  try {
    return { model: built.model, report: analyzeImportedModel(built.model, checked, built.diagnostics), checked };
  } catch (error) {
    built.model.dispose();
    throw error;
  }
}
