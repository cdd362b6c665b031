/**
 * Xception's Keras model config (the JSON `model.to_json()` writes: a Functional model with Keras 2
 * `inbound_nodes`) without TF.js: `buildXception` is run against a recorder that stands in for the
 * `tf` namespace and writes down each layer call instead of building the layer. The architecture
 * thus stays in one place (xception.ts), and the layer registry can analyse Xception (shapes,
 * params, MACs) with no engine loaded and no weights allocated; a weights-only Xception `.h5` is
 * analysed that way, and TF.js builds the model only when it is timed.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { buildXception, type XceptionOptions } from './xception';

/** A layer's Keras config entry in a Functional model config. */
interface LayerEntry {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, Record<string, never>][][];
}

/** A Functional model config in Keras 2 form. */
export interface XceptionKerasConfig {
  class_name: 'Functional';
  config: { name: string; layers: LayerEntry[]; input_layers: [string, number, number][]; output_layers: [string, number, number][] };
}

/** What a recorded layer call returns: the tensor it produced, by its layer's name. */
interface RecordedTensor {
  layer: string;
}

/** The Keras class of each TF.js layer factory that `buildXception` calls. */
const CLASSES = {
  conv2d: 'Conv2D',
  separableConv2d: 'SeparableConv2D',
  batchNormalization: 'BatchNormalization',
  activation: 'Activation',
  maxPooling2d: 'MaxPooling2D',
  add: 'Add',
  globalAveragePooling2d: 'GlobalAveragePooling2D',
  dense: 'Dense',
} as const;

/** `kernelSize` -> `kernel_size`: TF.js layer arguments are Keras's config fields in camelCase. */
const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Keras config fields of TF.js layer arguments; initialisers are left out (they do not shape the analysis). */
function kerasConfig(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([k]) => !k.endsWith('Initializer')).map(([k, v]) => [snakeCase(k), v]));
}

/**
 * Layers in the order Keras (and TF.js) list a Functional model's layers: by depth from the output,
 * deepest first, ties in the order a depth-first walk from the output meets them (Keras
 * `functional._map_graph_network`). Each layer here is called once, so a layer is its node.
 */
function kerasLayerOrder(layers: LayerEntry[], output: string): LayerEntry[] {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const inputsOf = (name: string): string[] => byName.get(name)!.inbound_nodes.flatMap((node) => node.map(([layer]) => layer));
  const discovered = new Map<string, number>();
  const finished: string[] = [];
  const visit = (name: string): void => {
    if (finished.includes(name)) return;
    if (!discovered.has(name)) discovered.set(name, discovered.size);
    for (const input of inputsOf(name)) visit(input);
    finished.push(name);
  };
  visit(output);
  const depth = new Map<string, number>();
  for (const name of [...finished].reverse()) {
    const d = depth.get(name) ?? 0;
    for (const input of inputsOf(name)) depth.set(input, Math.max(d + 1, depth.get(input) ?? 0));
  }
  const depthOf = (name: string): number => depth.get(name) ?? 0;
  return [...finished].sort((a, b) => depthOf(b) - depthOf(a) || discovered.get(a)! - discovered.get(b)!).map((name) => byName.get(name)!);
}

/**
 * The Keras model config of `buildXception(tf, options)`: the same layers, names, arguments and
 * connections, as `model.toJSON()` would give them, minus the weight initialisers. `seed` and
 * `separable: false` are honoured as the builder honours them.
 * @throws RangeError as `buildXception` does (input size under 71, classes not a positive integer).
 */
export function xceptionKerasConfig(options: XceptionOptions = {}): XceptionKerasConfig {
  const layers: LayerEntry[] = [];
  const factory =
    (className: string) =>
    (args: Record<string, unknown>): { apply(inputs: RecordedTensor | RecordedTensor[]): RecordedTensor } => ({
      apply(inputs) {
        const name = String(args.name);
        const list = Array.isArray(inputs) ? inputs : [inputs];
        layers.push({ class_name: className, name, config: kerasConfig(args), inbound_nodes: [list.map((t) => [t.layer, 0, 0, {}])] });
        return { layer: name };
      },
    });
  const recorder = {
    initializers: { glorotUniform: () => ({}), zeros: () => ({}) },
    layers: Object.fromEntries(Object.entries(CLASSES).map(([fn, className]) => [fn, factory(className)])),
    input({ shape, name }: { shape: number[]; name: string }): RecordedTensor {
      layers.push({ class_name: 'InputLayer', name, config: { name, batch_input_shape: [null, ...shape], dtype: 'float32' }, inbound_nodes: [] });
      return { layer: name };
    },
    model({ inputs, outputs, name }: { inputs: RecordedTensor; outputs: RecordedTensor; name: string }): XceptionKerasConfig {
      return { class_name: 'Functional', config: { name, layers: kerasLayerOrder(layers, outputs.layer), input_layers: [[inputs.layer, 0, 0]], output_layers: [[outputs.layer, 0, 0]] } };
    },
  };
  // The recorder implements the part of the tf namespace that buildXception calls.
  return buildXception(recorder as unknown as typeof tfTypes, options) as unknown as XceptionKerasConfig;
}
