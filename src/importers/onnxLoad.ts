/**
 * An ONNX file from file to report: shapes from one ONNX Runtime run (every node output exposed;
 * onnxRun.ts), then the graph analysis per node grouped by name scope (graphModelAnalysis.ts with
 * the ONNX counting rules of onnxOps.ts). Without ONNX Runtime, or when it cannot run the model,
 * only the shapes the file declares are known and the model is not timed.
 */
import type { OrtRuntime } from '../engine/onnxruntime';
import type { ArchitectureReport, Diagnostic } from '../report/schema';
import { ModelFileError } from './errors';
import { analyzeGraphModel, nodeGroups } from './graphModelAnalysis';
import { readModelFile } from './modelFile';
import type { OnnxModelFile } from './onnxModel';
import { countOnnxNode } from './onnxOps';
import { onnxShapes } from './onnxRun';

/** An ONNX file analysed; `runnable` when ONNX Runtime ran it (then it can be timed). */
export interface LoadedOnnxModel {
  report: ArchitectureReport;
  onnx: OnnxModelFile;
  runnable: boolean;
  groupOf: (nodeName: string) => string;
}

/**
 * Analyses a checked ONNX file, with shapes from one run on `runtime` when given.
 * Never throws for a model ORT rejects: the reason is a warning and the model is not runnable.
 */
export async function buildOnnxModel(runtime: OrtRuntime | undefined, onnx: OnnxModelFile): Promise<LoadedOnnxModel> {
  const notes: Diagnostic[] = [];
  let shapes;
  if (runtime) {
    try {
      shapes = await onnxShapes(runtime, onnx);
    } catch (error) {
      notes.push({ severity: 'warning', message: `ONNX Runtime could not run the model (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): shapes are known only where the file declares them, and it is not timed` });
    }
  } else notes.push({ severity: 'warning', message: 'ONNX Runtime (onnxruntime-node) is not available: shapes are known only where the file declares them, and the model is not timed' });
  const report = analyzeGraphModel(onnx, shapes, countOnnxNode);
  const unknownDims = onnx.inputs.some((t) => (t.shape ?? []).slice(1).some((d) => d === null));
  if (unknownDims) notes.push({ severity: 'warning', message: `input sizes the file leaves open are run as 224 (${onnx.inputs.map((t) => `${t.name} [${(t.shape ?? []).map((d) => d ?? '?').join(', ')}]`).join(', ')})` });
  notes.push({ severity: 'info', message: 'shapes are NCHW (channels first), as ONNX defines its tensors' });
  report.diagnostics = [{ severity: 'info', message: `model file: ${onnx.formatDescription}` }, ...notes, ...report.diagnostics];
  return { report, onnx, runnable: shapes !== undefined, groupOf: nodeGroups(onnx).groupOf };
}

/** Reads, checks and analyses an ONNX file (see `buildOnnxModel`). */
export async function loadOnnxFile(runtime: OrtRuntime | undefined, file: string): Promise<LoadedOnnxModel> {
  const read = await readModelFile(file);
  if (read.format !== 'onnx') throw new ModelFileError('is not an ONNX model (.onnx)', { file });
  return buildOnnxModel(runtime, read);
}
