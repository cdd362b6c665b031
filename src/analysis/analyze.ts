/**
 * Static analysis: from a model graph to an `ArchitectureReport` (shapes, params, MACs, FLOPs,
 * element-wise ops, bytes), with totals per block, per flow and for the model.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import {
  SCHEMA_VERSION,
  type ArchitectureReport,
  type Diagnostic,
  type GroupReport,
  type LayerReport,
  type Totals,
} from '../report/schema';
import { countLayer } from './counting';
import { describeLayers } from './describe';
import { shapeSize, type LayerNode } from './graph';
import { groupLayers } from './grouping';

/** Config fields copied into the report for display. */
const SHOWN_CONFIG = [
  'filters',
  'units',
  'kernelSize',
  'poolSize',
  'strides',
  'padding',
  'dilationRate',
  'depthMultiplier',
  'groups',
  'useBias',
  'activation',
  'epsilon',
  'maxValue',
  'rate',
] as const;

function displayConfig(config: Record<string, unknown>): LayerReport['config'] {
  const shown: LayerReport['config'] = {};
  for (const key of SHOWN_CONFIG) {
    const v = config[key];
    if (v === undefined) continue;
    shown[key] = Array.isArray(v) ? v.join('x') : typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean | null);
  }
  return shown;
}

/** Totals over the given layers (layer count, params, MACs, FLOPs, ops, bytes). */
export function sumTotals(layers: LayerReport[]): Totals {
  const t: Totals = {
    layers: layers.length,
    params: { trainable: 0, nonTrainable: 0 },
    macs: 0,
    flops: 0,
    elementwiseOps: 0,
    activationBytes: 0,
    weightBytes: 0,
  };
  for (const l of layers) {
    t.params.trainable += l.params.trainable;
    t.params.nonTrainable += l.params.nonTrainable;
    t.macs += l.macs;
    t.flops += l.flops;
    t.elementwiseOps += l.elementwiseOps;
    t.activationBytes += l.activationBytes;
    t.weightBytes += l.weightBytes;
  }
  return t;
}

/** Groups layers by a key, keeping first-seen order of keys and execution order inside. */
function groupBy(layers: LayerReport[], key: (l: LayerReport) => string): GroupReport[] {
  const groups = new Map<string, LayerReport[]>();
  for (const l of layers) {
    const k = key(l);
    const list = groups.get(k) ?? [];
    list.push(l);
    groups.set(k, list);
  }
  return [...groups].map(([name, members]) => ({
    name,
    flow: members[0].flow,
    layers: members.map((l) => l.name),
    totals: sumTotals(members),
  }));
}

/** Options naming the model in the report. */
export interface AnalyzeOptions {
  /** Display name; defaults to the model's own name. */
  name?: string;
  /** `builtin:xception` or the model file's path. */
  source?: string;
}

/**
 * Analyses a graph of layers (see `describeLayers`) into an `ArchitectureReport` without timings.
 * Layers without a counting rule count as zero and add a warning diagnostic naming the layer and
 * its class. Never throws for unknown layers.
 */
export function analyzeGraph(
  nodes: LayerNode[],
  options: { name: string; source: string; inputShapes: LayerReport['outputShape'][]; outputShapes: LayerReport['outputShape'][] },
): ArchitectureReport {
  const diagnostics: Diagnostic[] = [];
  const { grouping, byLayer } = groupLayers(nodes);
  const layers: LayerReport[] = nodes.map((node) => {
    const cost = countLayer(node);
    if (cost.unsupported) diagnostics.push({ severity: 'warning', code: 'unsupported-layer', message: cost.unsupported, layer: node.name });
    const paramCount = node.params.trainable + node.params.nonTrainable;
    const outputShape = node.outputShapes[0] ?? [];
    const group = byLayer.get(node.name) ?? { flow: 'other', block: 'other' };
    const report: LayerReport = {
      name: node.name,
      className: node.className,
      flow: group.flow,
      block: group.block,
      inbound: node.inbound,
      inputShapes: node.inputShapes,
      outputShape,
      params: node.params,
      macs: cost.macs,
      flops: 2 * cost.macs,
      elementwiseOps: cost.elementwiseOps,
      activationBytes: node.outputShapes.reduce((n, s) => n + shapeSize(s), 0) * node.bytesPerValue,
      weightBytes: paramCount * node.bytesPerValue,
      config: displayConfig(node.config),
    };
    if (cost.regularConvMacs !== undefined) {
      report.regularConvMacs = cost.regularConvMacs;
      report.regularConvRatio = cost.macs > 0 ? cost.regularConvMacs / cost.macs : 0;
    }
    if (cost.pointwiseMacs !== undefined) report.pointwiseMacs = cost.pointwiseMacs;
    return report;
  });

  return {
    schemaVersion: SCHEMA_VERSION,
    model: {
      name: options.name,
      source: options.source,
      grouping,
      inputShapes: options.inputShapes,
      outputShapes: options.outputShapes,
    },
    layers,
    blocks: groupBy(layers, (l) => l.block),
    flows: groupBy(layers, (l) => l.flow),
    totals: sumTotals(layers),
    diagnostics,
    createdAt: new Date().toISOString(),
  };
}

/**
 * Analyses a built TF.js LayersModel: per-layer output shape (NHWC, batch null), params
 * (trainable / non-trainable), MACs, FLOPs (= 2 x MACs), element-wise ops, activation and weight
 * bytes, plus totals per block, per flow and for the model.
 *
 * For Keras's Xception at 299x299 with the top: 134 layers, 22,910,480 params, 8,357,403,496 MACs.
 */
export function analyzeModel(model: tfTypes.LayersModel, options: AnalyzeOptions = {}): ArchitectureReport {
  return analyzeGraph(describeLayers(model), {
    name: options.name ?? model.name,
    source: options.source ?? 'builtin:xception',
    inputShapes: model.inputs.map((t) => t.shape),
    outputShapes: model.outputs.map((t) => t.shape),
  });
}
