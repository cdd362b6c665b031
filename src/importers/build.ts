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
import type { Diagnostic, LayerExecution } from '../report/schema';
import { ModelFileError } from './errors';
import { H5OpenError } from './h5';
import { applyStoredWeights, withZeroInitializers } from './h5Weights';
import { allLayers, toKerasJson, type TopologyLayer } from './topology';
import { planBuild } from './faithful/plan';
import type { ImportedModel, WeightsGroup, WeightSpec } from './types';
import { applyWeights, readShards } from './weights';

type Tf = typeof tfTypes;

/** A built model and what the build found (stand-ins, weights loaded or not). */
export interface BuiltModel {
  model: tfTypes.LayersModel;
  diagnostics: Diagnostic[];
  /** Qualified names of layers replaced by a shape-preserving stand-in. */
  standIns: string[];
  /** Per layer path (original names): layers that do not run TF.js's own class, and why. */
  executions: Map<string, LayerExecution>;
  /** Internal name -> original name of the layers renamed while TF.js built (their weights keep the internal names). */
  names: Map<string, string>;
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
 * Gives the layers of a built model their original names again: TF.js checks names only while it
 * builds (tensor and weight names), so the profiler, the report and every view can use the
 * names of the file.
 */
function restoreNames(model: tfTypes.LayersModel, names: Map<string, string>): void {
  for (const layer of model.layers) {
    const original = names.get(layer.name);
    if (original !== undefined) (layer as { name: string }).name = original;
    if ('nodesByDepth' in layer) restoreNames(layer as unknown as tfTypes.LayersModel, names);
  }
}

/** A weights manifest with the layer names TF.js got (`<internal>/kernel` for `<original>/kernel`). */
function renameWeights(groups: WeightsGroup[], names: Map<string, string>): WeightsGroup[] {
  if (names.size === 0) return groups;
  const internalOf = [...names].map(([internal, original]) => [original, internal] as const).sort((a, b) => b[0].length - a[0].length);
  const rename = (name: string): string => {
    const hit = internalOf.find(([original]) => name.startsWith(`${original}/`));
    if (hit) return hit[1] + name.slice(hit[0].length);
    return name.split('/').map((part) => internalOf.find(([original]) => original === part)?.[1] ?? part).join('/');
  };
  return groups.map((g) => ({ ...g, weights: g.weights.map((w) => ({ ...w, name: rename(w.name) })) }));
}

/**
 * Builds the model of a checked import with `tf.models.modelFromJSON` so that it computes what
 * Keras computes (see faithful/plan.ts: training-only config dropped, safe names, faithful
 * replacements), with stand-ins for unknown layer classes, then loads the weight shards next to
 * a model.json when they are all present. The built model's layers carry the original names.
 * @throws ModelFileError when TF.js cannot build the graph (the message names the stand-ins), or
 *   when a layer's activation cannot run as Keras's (layer and field named).
 */
export async function buildModel(tf: Tf, imported: ImportedModel, options: BuildOptions = {}): Promise<BuiltModel> {
  const plan = planBuild(tf, imported);
  const diagnostics: Diagnostic[] = [...plan.diagnostics];
  const executions = new Map(plan.executions);
  const standIns: string[] = [];
  const unknownClasses = new Set<string>();
  const standInLayers = new Set<TopologyLayer>();
  const originals = [...allLayers(imported.topology)];
  [...allLayers(plan.topology)].forEach(({ layer }, i) => {
    const path = originals[i].path;
    if (layer.model || layer.className === 'InputLayer' || tfjsHasLayer(tf, layer.className)) return;
    unknownClasses.add(layer.className);
    standInLayers.add(layer);
    standIns.push(path);
    const why = `TF.js has no layer class "${layer.className}": its output is its first input (0 MACs; weights only as the weights manifest lists them), so its timing is not the real layer's`;
    executions.set(path, { kind: 'stand-in', why });
    diagnostics.push({
      severity: 'info',
      code: 'stand-in',
      layer: path,
      message: `layer "${path}" of class "${layer.className}" is not supported by TF.js: it is analysed and timed as a shape-preserving stand-in (output = its first input; 0 MACs; weights only as the weights manifest lists them)`,
    });
  });
  const manifest = imported.weightsManifest ? renameWeights(imported.weightsManifest, plan.names) : undefined;
  // Manifest weights of top-level stand-ins (`<layer>/<weight>`; nested names vary by converter).
  const weightsByLayer = new Map<string, WeightSpec[]>();
  const topLevel = new Set(plan.topology.layers.filter((l) => standInLayers.has(l)).map((l) => l.name));
  for (const spec of (manifest ?? []).flatMap((g) => g.weights)) {
    const owner = spec.name.slice(0, spec.name.lastIndexOf('/'));
    if (topLevel.has(owner)) weightsByLayer.set(owner, [...(weightsByLayer.get(owner) ?? []), spec]);
  }
  const customObjects: Record<string, unknown> = { ...plan.customObjects };
  for (const className of unknownClasses) {
    const cls = standInClass(tf, className, weightsByLayer);
    customObjects[className] = [cls, (c: new (config: unknown) => unknown, config: unknown) => new c(config)];
  }
  // Weights stored in HDF5 replace the initial values (or are not needed): zeros initialise fastest.
  const initial = (config: Record<string, unknown> | undefined, className: string): Record<string, unknown> | undefined =>
    imported.storedWeights && config ? withZeroInitializers(config, className) : config;
  const json = toKerasJson(plan.topology, (layer) =>
    standInLayers.has(layer) ? { name: layer.name, trainable: true, dtype: 'float32' } : initial(plan.tfjsConfig.get(layer) ?? layer.config, layer.className),
  );
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
  // Original names from here on: stored (HDF5) weights are matched by layer name; manifest
  // weights by the variables' names, which keep the internal ones (see renameWeights).
  restoreNames(model, plan.names);
  if (imported.storedWeights) {
    try {
      diagnostics.push(await applyStoredWeights(tf, model, imported.storedWeights, options.loadWeights !== false));
    } catch (error) {
      // A .keras archive is read for its config; weights HDF5 cannot open are not its model, as
      // missing shards are not a model.json's: profile without them, and say so.
      if (imported.format === 'keras-zip' && error instanceof H5OpenError) {
        diagnostics.push({ severity: 'warning', message: `weights: ${error.message}; profiling with zero weights instead (timings do not depend on weight values)` });
      } else {
        model.dispose();
        throw error;
      }
    }
  }
  if (options.loadWeights !== false && manifest) {
    const read = readShards(imported.file, manifest);
    diagnostics.push(...(read.ok ? applyWeights(tf, model, read) : [read.diagnostic]));
  }
  return { model, diagnostics, standIns, executions, names: plan.names };
}
