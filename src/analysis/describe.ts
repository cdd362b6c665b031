/**
 * Reads what TF.js built for each top-level layer of a LayersModel (output shape of its first call
 * in this graph, weight counts), so that the engine's model can be checked against the registry.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { ParamCounts, Shape } from '../report/schema';

type Node = tfTypes.LayersModel['layers'][number]['inboundNodes'][number];

/** What TF.js built for one layer. */
export interface BuiltLayer {
  /** TF.js layer name (may be an internal name when the file's name is one TF.js refuses). */
  name: string;
  className: string;
  /** Output shapes of the layer's first call in this model, batch null. */
  outputShapes: Shape[];
  params: ParamCounts;
}

/** A node's shapes as a list (TF.js gives a single shape for one tensor). */
function shapeList(s: unknown): Shape[] {
  if (s == null) return [];
  return Array.isArray(s) && (Array.isArray(s[0]) || s.length === 0) ? (s as Shape[]) : [s as Shape];
}

const count = (weights: tfTypes.LayerVariable[]): number => weights.reduce((n, w) => n + w.shape.reduce<number>((m, d) => m * (d ?? 1), 1), 0);

/** Top-level layers of `model` in `model.layers` order, as TF.js built them. */
export function describeBuiltLayers(model: tfTypes.LayersModel): BuiltLayer[] {
  const own = new Set<Node>(Object.values(model.nodesByDepth).flat() as Node[]);
  return model.layers.map((layer) => {
    const first = layer.inboundNodes.find((n) => own.has(n));
    return {
      name: layer.name,
      className: layer.getClassName(),
      outputShapes: first ? shapeList(first.outputShapes) : [],
      params: { trainable: count(layer.trainableWeights), nonTrainable: count(layer.nonTrainableWeights) },
    };
  });
}
