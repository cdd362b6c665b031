/**
 * Builds a TF.js LayersModel from a checked topology (`tf` is a parameter: the resolved engine's).
 *
 * Layer classes TF.js does not have (e.g. `FixedDropout` of EfficientNet ports, `SpatialDropout2D`)
 * are replaced by a shape-preserving stand-in of the same class name: its output is its first
 * input, it costs no MACs, and it has only the weights the weights manifest lists for it. That is exact for inference-time dropouts and
 * identities and an approximation otherwise; the report says which layers were stood in, and the
 * build fails with a named error when the layers after a stand-in cannot take its shape.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Diagnostic } from '../report/schema';
import { ModelFileError } from './errors';
import type { ShapeCheck } from './shapes';
import { applyStoredWeights } from './h5Weights';
import { allLayers, toKerasJson, type TopologyLayer } from './topology';
import type { ImportedModel, WeightSpec } from './types';
import { applyWeights, readShards } from './weights';

type Tf = typeof tfTypes;

/** A built model and what the build found (stand-ins, weights loaded or not). */
export interface BuiltModel {
  model: tfTypes.LayersModel;
  diagnostics: Diagnostic[];
  /** Qualified names of layers replaced by a shape-preserving stand-in. */
  standIns: string[];
}

export interface BuildOptions {
  /** Read the weight values: shards next to a model.json, HDF5 weights of a .h5 / .keras (default true). */
  loadWeights?: boolean;
}

/** True when TF.js has a layer class of this name (the registry also holds initialisers etc.). */
export function tfjsHasLayer(tf: Tf, className: string): boolean {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className] as unknown as [unknown, unknown] | undefined;
  const cls = entry?.[0] as { prototype?: unknown } | undefined;
  return typeof cls === 'function' && cls.prototype instanceof tf.layers.Layer;
}

/**
 * A layer class named `className` whose output is its (first) input. Layers of this class that
 * have weights in the weights manifest (`<layer name>/<weight>`) get weights of those shapes, so
 * that their params count and the shard values load; the stand-in computes nothing with them.
 */
function standInClass(tf: Tf, className: string, weightsByLayer: Map<string, WeightSpec[]>): unknown {
  class StandIn extends tf.layers.Layer {
    static className = className;
    override build(inputShape: tfTypes.Shape | tfTypes.Shape[]): void {
      for (const spec of weightsByLayer.get(this.name) ?? []) {
        this.addWeight(spec.name.slice(this.name.length + 1), spec.shape, 'float32', tf.initializers.zeros());
      }
      super.build(inputShape);
    }
    override computeOutputShape(inputShape: tfTypes.Shape | tfTypes.Shape[]): tfTypes.Shape | tfTypes.Shape[] {
      return Array.isArray(inputShape[0]) ? (inputShape as tfTypes.Shape[])[0] : inputShape;
    }
    override call(inputs: tfTypes.Tensor | tfTypes.Tensor[]): tfTypes.Tensor {
      return tf.clone(Array.isArray(inputs) ? inputs[0] : inputs);
    }
  }
  return StandIn;
}

/**
 * Throws a ModelFileError naming the layer and the field when a layer's `activation` is one TF.js
 * does not know (TF.js's own error names neither). TF.js camel-cases Keras's snake_case names
 * (`hard_sigmoid` -> `hardSigmoid`) when it reads a config, so the probe does too.
 */
function checkActivations(tf: Tf, imported: ImportedModel): void {
  for (const { layer, path } of allLayers(imported.topology)) {
    const activation = layer.config.activation;
    if (typeof activation !== 'string') continue;
    const name = activation.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
    try {
      tf.layers.activation({ activation: name as never });
    } catch {
      throw new ModelFileError(`activation "${activation}" is not one TF.js knows`, { file: imported.file, layer: path, className: layer.className, field: 'activation' });
    }
  }
}

/** Throws when any layer call of the built model has an output dimension below 1. */
function checkBuiltShapes(model: tfTypes.LayersModel, file: string, prefix = ''): void {
  for (const layer of model.layers) {
    const path = prefix ? `${prefix}/${layer.name}` : layer.name;
    for (const node of layer.inboundNodes) {
      const shapes = (Array.isArray(node.outputShapes[0]) || node.outputShapes.length === 0 ? node.outputShapes : [node.outputShapes]) as tfTypes.Shape[];
      for (const shape of shapes) {
        if (shape.some((d) => d !== null && !(d >= 1))) {
          throw new ModelFileError(`TF.js computes the output shape [${shape.map(String).join(', ')}], which has a dimension below 1`, { file, layer: path, className: layer.getClassName(), field: 'output shape' });
        }
      }
    }
    if ('nodesByDepth' in layer) checkBuiltShapes(layer as unknown as tfTypes.LayersModel, file, path);
  }
}

/**
 * A layer config without its regularizers, which only add training losses: inference is the same
 * without them, and TF.js does not know Keras 2.4+'s `L2` / `L1` classes (tf.keras `model.save`
 * writes them). Undefined when there is nothing to drop.
 */
function withoutTrainingOnlyFields(config: Record<string, unknown>): Record<string, unknown> | undefined {
  const regularizers = Object.keys(config).filter((k) => k.endsWith('_regularizer') && config[k] !== null);
  if (regularizers.length === 0) return undefined;
  return { ...config, ...Object.fromEntries(regularizers.map((k) => [k, null])) };
}

/**
 * Builds the model of a checked import with `tf.models.modelFromJSON`, with stand-ins for unknown
 * layer classes, then loads the weight shards next to a model.json when they are all present.
 * @throws ModelFileError when TF.js cannot build the graph (the message names the stand-ins).
 */
export async function buildModel(tf: Tf, imported: ImportedModel & { shapes?: ShapeCheck }, options: BuildOptions = {}): Promise<BuiltModel> {
  const diagnostics: Diagnostic[] = [];
  const standIns: string[] = [];
  const unknownClasses = new Set<string>();
  const standInLayers = new Set<TopologyLayer>();
  for (const { layer, path } of allLayers(imported.topology)) {
    if (layer.model || layer.className === 'InputLayer' || tfjsHasLayer(tf, layer.className)) continue;
    unknownClasses.add(layer.className);
    standInLayers.add(layer);
    standIns.push(path);
    diagnostics.push({
      severity: 'info',
      layer: path,
      message: `layer "${path}" of class "${layer.className}" is not supported by TF.js: it is analysed and timed as a shape-preserving stand-in (output = its first input; 0 MACs; weights only as the weights manifest lists them)`,
    });
  }
  for (const { layer, path } of allLayers(imported.topology)) {
    const groups = layer.config.groups;
    if (layer.className === 'Conv2D' && typeof groups === 'number' && groups > 1) {
      diagnostics.push({
        severity: 'warning',
        layer: path,
        message: `layer "${path}": TF.js has no grouped convolution, so this Conv2D with groups=${groups} is built, counted and timed as an ungrouped one (${groups}x the weights and MACs of the Keras layer)`,
      });
    }
  }
  // Manifest weights of top-level stand-ins (`<layer>/<weight>`; nested names vary by converter).
  const weightsByLayer = new Map<string, WeightSpec[]>();
  const topLevel = new Set(imported.topology.layers.filter((l) => standInLayers.has(l)).map((l) => l.name));
  for (const spec of (imported.weightsManifest ?? []).flatMap((g) => g.weights)) {
    const owner = spec.name.slice(0, spec.name.lastIndexOf('/'));
    if (topLevel.has(owner)) weightsByLayer.set(owner, [...(weightsByLayer.get(owner) ?? []), spec]);
  }
  const customObjects: Record<string, unknown> = {};
  for (const className of unknownClasses) {
    const cls = standInClass(tf, className, weightsByLayer);
    customObjects[className] = [cls, (c: new (config: unknown) => unknown, config: unknown) => new c(config)];
  }
  const json = toKerasJson(imported.topology, (layer) =>
    standInLayers.has(layer) ? { name: layer.name, trainable: true, dtype: 'float32' } : withoutTrainingOnlyFields(layer.config),
  );
  checkActivations(tf, imported);
  let model: tfTypes.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: json } as unknown as tfTypes.io.ModelJSON, customObjects as unknown as tfTypes.serialization.ConfigDict);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const stood = standIns.length ? `; unsupported layers stood in as shape-preserving: ${standIns.slice(0, 5).map((n) => `"${n}"`).join(', ')}` : '';
    throw new ModelFileError(`TF.js could not build the model: ${reason}${stood}`, { file: imported.file });
  }
  try {
    checkBuiltShapes(model, imported.file);
  } catch (error) {
    model.dispose();
    throw error;
  }
  if (imported.storedWeights) {
    try {
      diagnostics.push(await applyStoredWeights(tf, model, imported.storedWeights, options.loadWeights !== false));
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  if (options.loadWeights !== false && imported.weightsManifest) {
    const read = readShards(imported.file, imported.weightsManifest);
    diagnostics.push(...(read.ok ? applyWeights(tf, model, read) : [read.diagnostic]));
  }
  return { model, diagnostics, standIns };
}
