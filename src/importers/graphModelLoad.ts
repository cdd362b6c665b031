/**
 * A TF.js graph model from file to report: load it into TF.js (graphModelRun.ts), run it once
 * with batch 1 for every node's shape, and analyse it per node, grouped by name scope
 * (graphModelAnalysis.ts). A graph with an op TF.js lacks is analysed from the file alone (shapes
 * known only at the signature) and cannot be timed.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { ArchitectureReport, Diagnostic } from '../report/schema';
import { ModelFileError } from './errors';
import type { GraphModelFile } from './graphModel';
import { analyzeGraphModel, nodeGroups } from './graphModelAnalysis';
import { loadGraphModel, recordShapes } from './graphModelRun';
import { readModelFile } from './modelFile';

type Tf = typeof tfTypes;

/** A graph model loaded and analysed. Dispose `model` when done. */
export interface LoadedGraphModel {
  model: tfTypes.GraphModel;
  report: ArchitectureReport;
  graph: GraphModelFile;
  /** False when an op TF.js lacks keeps the graph from running (then it is not timed). */
  runnable: boolean;
  /** The graph runs with executeAsync (control flow): timed as a whole model. */
  async: boolean;
  /** The report "layer" (name-scope group) of a node. */
  groupOf: (nodeName: string) => string;
}

/**
 * Loads a checked graph model and builds its report (shapes from one batch-1 run).
 * @param options.loadWeights read the weight shards (default true); without, zeros of their shapes.
 * @throws ModelFileError when TF.js cannot read the graph or the run fails (naming the file).
 */
export async function buildGraphModel(tf: Tf, graph: GraphModelFile, options: { loadWeights?: boolean } = {}): Promise<LoadedGraphModel> {
  const loaded = await loadGraphModel(tf, graph, options.loadWeights !== false);
  const { model } = loaded;
  try {
    const runnable = loaded.unsupportedOps.length === 0;
    const async = graph.controlFlowOps.length > 0;
    let shapes;
    if (runnable) {
      try {
        shapes = await recordShapes(tf, model, async);
      } catch (error) {
        throw new ModelFileError(`TF.js could not run the graph once: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { file: graph.file });
      }
    }
    const report = analyzeGraphModel(graph, shapes);
    const about: Diagnostic = { severity: 'info', message: `model file: ${graph.formatDescription}` };
    report.diagnostics = [about, ...graph.diagnostics, ...loaded.diagnostics, ...report.diagnostics];
    return { model, report, graph, runnable, async, groupOf: nodeGroups(graph).groupOf };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Reads, checks, loads and analyses a graph model file (see `buildGraphModel`). */
export async function loadGraphModelFile(tf: Tf, file: string, options: { loadWeights?: boolean } = {}): Promise<LoadedGraphModel> {
  const read = await readModelFile(file);
  if (read.format !== 'tfjs-graph-model') throw new ModelFileError('is not a TF.js graph model ("format": "graph-model")', { file, field: 'format' });
  return buildGraphModel(tf, read, options);
}
