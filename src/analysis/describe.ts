/**
 * Reads a built TF.js LayersModel into `CountableLayer`s for the analysis, exact for what model
 * files contain (and for the built-in Xception, which has none of it): only the layer calls
 * that belong to this model's graph are read (a nested model's built-in node is skipped), a
 * shared layer lists its later calls (each one costs), and a nested model lists its own layers.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { CountableLayer } from './counting';
import { shapeSize } from './graph';
import type { Shape } from '../report/schema';

type Node = tfTypes.LayersModel['layers'][number]['inboundNodes'][number];

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, complex64: 8 };

/** A node's input or output shapes as a list (TF.js gives a single shape for one tensor). */
function shapeList(s: unknown): Shape[] {
  if (s == null) return [];
  return Array.isArray(s) && (Array.isArray(s[0]) || s.length === 0) ? (s as Shape[]) : [s as Shape];
}

/**
 * Layers of `model` in execution order (`model.layers`), each with its calls in this graph.
 * @returns one `CountableLayer` per layer; nested models carry `children`.
 */
export function describeLayers(model: tfTypes.LayersModel): CountableLayer[] {
  const own = new Set<Node>(Object.values(model.nodesByDepth).flat() as Node[]);
  return model.layers.map((layer): CountableLayer => {
    const className = layer.getClassName();
    const calls = layer.inboundNodes.filter((n) => own.has(n));
    const first = calls[0];
    const isInput = className === 'InputLayer';
    const count = (weights: tfTypes.LayerVariable[]): number => weights.reduce((n, w) => n + shapeSize(w.shape), 0);
    const dtype = (layer as unknown as { dtype?: string }).dtype ?? 'float32';
    const described: CountableLayer = {
      name: layer.name,
      className,
      config: layer.getConfig() as Record<string, unknown>,
      inbound: isInput || !first ? [] : first.inboundLayers.map((l) => l.name),
      inputShapes: isInput || !first ? [] : shapeList(first.inputShapes),
      outputShapes: first ? shapeList(first.outputShapes) : [],
      params: { trainable: count(layer.trainableWeights), nonTrainable: count(layer.nonTrainableWeights) },
      bytesPerValue: BYTES_PER_DTYPE[dtype] ?? 4,
    };
    if (!isInput && calls.length > 1) {
      described.laterCalls = calls.slice(1).map((n) => ({ inputShapes: shapeList(n.inputShapes), outputShapes: shapeList(n.outputShapes) }));
    }
    if ('nodesByDepth' in layer) described.children = describeLayers(layer as unknown as tfTypes.LayersModel);
    return described;
  });
}
