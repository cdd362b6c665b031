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
 * A layer's config as the counting reads it. TF.js 4.22's SeparableConv2D.getConfig() leaves out
 * `depthMultiplier` (its DepthwiseConv2D keeps it), so it is read from the layer itself: without
 * it a separable conv with depth_multiplier m would be counted as if m were 1.
 */
function layerConfig(layer: tfTypes.layers.Layer): Record<string, unknown> {
  const config = layer.getConfig() as Record<string, unknown>;
  const depthMultiplier = (layer as unknown as { depthMultiplier?: unknown }).depthMultiplier;
  if (config.depthMultiplier === undefined && typeof depthMultiplier === 'number') config.depthMultiplier = depthMultiplier;
  return config;
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
      config: layerConfig(layer),
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
