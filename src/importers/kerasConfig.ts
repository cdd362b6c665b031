/**
 * Reads a Keras model config (what `model.get_config()` / `model.to_json()` write, in Keras 2 and
 * Keras 3 form, Functional or Sequential, with nested models) into a normalised `Topology`.
 *
 * Normalisations (so that TF.js and the analysis see one form):
 * - Keras 3 `inbound_nodes` entries `{args, kwargs}` with `__keras_tensor__` / `keras_history`
 *   become plain tensor references; tensors inside kwargs are dropped (masks), plain kwargs kept.
 * - `batch_shape` (Keras 3) and `shape` become `batch_input_shape`; the batch dimension becomes
 *   null; an image input with an unknown height or width gets `DEFAULT_IMAGE_SIZE` (with a warning).
 * - `dtype` policies (`{"class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}`) become
 *   plain dtypes; float16 / bfloat16 / float64 are analysed as float32 (TF.js computes in float32).
 * - Sequential models become functional graphs (an InputLayer named `<first layer>_input` is added
 *   when the config has none, from `batch_input_shape` or `build_input_shape`).
 * - Node indices of references to nested models are made 0-based calls. Keras 2 (and TF.js) count
 *   a nested model's built-in node as node 0, so its first call is node 1; Keras 3 does so only in
 *   `input_layers` / `output_layers` of Functional models. When an index is 0 or equals the number
 *   of calls, that decides; otherwise the format's convention does.
 */
import type { Diagnostic } from '../report/schema';
import { isObject, ModelFileError, preview, type ModelFileLocation } from './errors';
import { MAX_NESTING_DEPTH, MODEL_CLASSES, type LayerCall, type TensorRef, type Topology, type TopologyLayer } from './topology';

/** Height and width given to image inputs whose size the file leaves unknown (`null`), pixels. */
export const DEFAULT_IMAGE_SIZE = 224;

/** What the parser needs besides the config: where it came from, and where to put warnings. */
export interface ParseContext {
  file?: string;
  diagnostics: Diagnostic[];
  /** Size for image inputs whose height and width are open (see `ImportOptions.inputSize`). */
  inputSize?: number;
}

/** A reference as written in the file, before nested-model node indices are resolved. */
interface RawRef {
  layer: string;
  node: number;
  tensor: number;
  /** `keras2`: `[name, node, tensor, kwargs]`; `keras3-args`: `keras_history` in a call's args; `io`: input/output_layers. */
  style: 'keras2' | 'keras3-args' | 'io';
  keras3: boolean;
}

interface RawLayer {
  layer: TopologyLayer;
  rawCalls: { inputs: RawRef[]; kwargs: Record<string, unknown> }[];
  /** Sequential models built without an input shape have no built-in node even in Keras 2. */
  hasBuiltInNode: boolean;
}

const REDUCED_PRECISION = new Set(['float16', 'bfloat16', 'float64', 'mixed_float16', 'mixed_bfloat16', 'half', 'double']);

/** Keeps only keyword arguments with plain values (tensors and references are not arguments TF.js can take). */
function plainKwargs(x: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObject(x)) return out;
  for (const [k, v] of Object.entries(x)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
  return out;
}

function isIndex(x: unknown): x is number {
  return Number.isInteger(x) && (x as number) >= 0;
}

/** A `[name, node, tensor(, kwargs)]` entry, or undefined when `x` has another form. */
function asKeras2Entry(x: unknown): { layer: string; node: number; tensor: number; kwargs: unknown } | undefined {
  if (!Array.isArray(x) || x.length < 3 || x.length > 4) return undefined;
  const [layer, node, tensor, kwargs] = x as unknown[];
  if (typeof layer !== 'string' || !isIndex(node) || !isIndex(tensor)) return undefined;
  if (kwargs !== undefined && kwargs !== null && !isObject(kwargs)) return undefined;
  return { layer, node, tensor, kwargs };
}

/** Collects Keras 3 tensor references (`keras_history`) from a call's args, in order. */
function collectKerasTensors(x: unknown, out: RawRef[], depth = 0): void {
  if (depth > 16 || out.length > 10_000) return;
  if (Array.isArray(x)) {
    for (const item of x) collectKerasTensors(item, out, depth + 1);
    return;
  }
  if (!isObject(x)) return;
  const config = isObject(x.config) ? x.config : undefined;
  const history = (x.class_name === '__keras_tensor__' ? config?.keras_history : undefined) ?? x.keras_history;
  if (Array.isArray(history)) {
    const [layer, node, tensor] = history as unknown[];
    if (typeof layer === 'string' && isIndex(node) && isIndex(tensor)) out.push({ layer, node, tensor, style: 'keras3-args', keras3: true });
    return;
  }
  for (const v of Object.values(x)) collectKerasTensors(v, out, depth + 1);
}

/** Reads `inbound_nodes` (Keras 2 lists or Keras 3 `{args, kwargs}` objects) into raw calls. */
function parseInboundNodes(value: unknown, at: (field: string) => ModelFileLocation): RawLayer['rawCalls'] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ModelFileError(`expected a list of inbound nodes, got ${preview(value)}`, at('inbound_nodes'));
  return value.map((node: unknown, i) => {
    if (isObject(node) && ('args' in node || 'kwargs' in node)) {
      const inputs: RawRef[] = [];
      collectKerasTensors(node.args, inputs);
      return { inputs, kwargs: plainKwargs(node.kwargs) };
    }
    if (!Array.isArray(node)) {
      throw new ModelFileError(
        `expected a list of [layer name, node index, tensor index, kwargs] entries (Keras 2) or an {"args", "kwargs"} object (Keras 3), got ${preview(node)}`,
        at(`inbound_nodes[${i}]`),
      );
    }
    if (typeof node[0] === 'string') {
      throw new ModelFileError(
        `one level of nesting is missing: each inbound node is a list of entries, e.g. [["${node[0]}", 0, 0, {}]], but got ${preview(node)}`,
        at(`inbound_nodes[${i}]`),
      );
    }
    let kwargs: Record<string, unknown> = {};
    const inputs = node.map((entry: unknown, j): RawRef => {
      const parsed = asKeras2Entry(entry);
      if (!parsed) {
        throw new ModelFileError(`expected [layer name, node index, tensor index, kwargs] with indices >= 0, got ${preview(entry)}`, at(`inbound_nodes[${i}][${j}]`));
      }
      kwargs = plainKwargs(parsed.kwargs);
      return { layer: parsed.layer, node: parsed.node, tensor: parsed.tensor, style: 'keras2', keras3: false };
    });
    return { inputs, kwargs };
  });
}

/** Reads `input_layers` / `output_layers`: a list of `[name, node, tensor]`, one such triple (Keras 3), or a dict of them. */
function parseIoRefs(value: unknown, field: string, at: (field: string) => ModelFileLocation, keras3: boolean): RawRef[] {
  const out: RawRef[] = [];
  const visit = (x: unknown, path: string, depth: number): void => {
    if (Array.isArray(x) && x.length === 3 && typeof x[0] === 'string') {
      if (!isIndex(x[1]) || !isIndex(x[2])) throw new ModelFileError(`expected [layer name, node index, tensor index] with indices >= 0, got ${preview(x)}`, at(path));
      out.push({ layer: x[0], node: x[1], tensor: x[2], style: 'io', keras3 });
    } else if (Array.isArray(x) && depth < 4) {
      x.forEach((item, i) => visit(item, `${path}[${i}]`, depth + 1));
    } else if (isObject(x) && depth < 4) {
      for (const [k, v] of Object.entries(x)) visit(v, `${path}.${k}`, depth + 1);
    } else {
      throw new ModelFileError(`expected [layer name, node index, tensor index], got ${preview(x)}`, at(path));
    }
  };
  if (value === undefined) throw new ModelFileError('is missing', at(field));
  visit(value, field, 0);
  return out;
}

/**
 * Parses a model config object `{class_name, config}` (Functional, Model or Sequential).
 * @param prefix qualified name of the enclosing layer for nested models ('' at the top).
 * @throws ModelFileError naming the layer and field of the first problem found.
 */
export function parseKerasModel(json: unknown, ctx: ParseContext, prefix = '', depth = 0): Topology {
  const at = (field?: string): ModelFileLocation => ({ file: ctx.file, layer: prefix || undefined, field });
  if (depth > MAX_NESTING_DEPTH) throw new ModelFileError(`models are nested more than ${MAX_NESTING_DEPTH} levels deep`, at());
  if (!isObject(json)) throw new ModelFileError(`expected a model config object {"class_name", "config"}, got ${preview(json)}`, at());
  const className = json.class_name;
  if (typeof className !== 'string') throw new ModelFileError(`expected the model's class name, got ${preview(className)}`, at('class_name'));
  if (className === 'Sequential') return parseSequential(json, ctx, prefix, depth);
  if (className !== 'Functional' && className !== 'Model') {
    throw new ModelFileError(`"${className}" is not a model class; expected Functional, Model or Sequential`, at('class_name'));
  }
  const config = json.config;
  if (!isObject(config)) throw new ModelFileError(`expected an object with "layers", "input_layers" and "output_layers", got ${preview(config)}`, at('config'));
  if (!Array.isArray(config.layers)) throw new ModelFileError(`expected a list of layers, got ${preview(config.layers)}`, at('config.layers'));

  const raws = config.layers.map((entry: unknown, i) => parseLayerEntry(entry, i, ctx, prefix, depth));
  const keras3 = raws.some((r) => r.rawCalls.some((c) => c.inputs.some((x) => x.keras3))) || 'module' in json;
  const inputs = parseIoRefs(config.input_layers, 'input_layers', at, keras3);
  const outputs = parseIoRefs(config.output_layers, 'output_layers', at, keras3);
  const byName = new Map(raws.map((r) => [r.layer.name, r]));
  for (const raw of raws) {
    raw.layer.calls = raw.rawCalls.map((c): LayerCall => ({ inputs: c.inputs.map((r) => resolveRef(r, byName)), kwargs: c.kwargs }));
  }
  return {
    name: typeof config.name === 'string' ? config.name : prefix || 'model',
    layers: raws.map((r) => r.layer),
    inputs: inputs.map((r) => resolveRef(r, byName)),
    outputs: outputs.map((r) => resolveRef(r, byName)),
  };
}

/** Turns a file's node index into a 0-based call index (see the module docstring). */
function resolveRef(ref: RawRef, byName: Map<string, RawLayer>): TensorRef {
  const producer = byName.get(ref.layer);
  if (!producer?.layer.model || ref.node === 0) return { layer: ref.layer, call: ref.node, tensor: ref.tensor };
  const calls = producer.rawCalls.length;
  let offset: number;
  if (ref.node === calls) offset = 1;
  else if (ref.style === 'keras3-args') offset = 0;
  else if (ref.style === 'io' && ref.keras3) offset = producer.layer.className === 'Functional' ? 1 : 0;
  else offset = producer.hasBuiltInNode ? 1 : 0;
  return { layer: ref.layer, call: ref.node - offset, tensor: ref.tensor };
}

/** One entry of `config.layers`: class, name, normalised config, calls, nested model. */
function parseLayerEntry(entry: unknown, index: number, ctx: ParseContext, prefix: string, depth: number): RawLayer {
  const q = (name: string): string => (prefix ? `${prefix}/${name}` : name);
  if (!isObject(entry)) throw new ModelFileError(`expected a layer object, got ${preview(entry)}`, { file: ctx.file, layer: prefix || undefined, field: `layers[${index}]` });
  const className = entry.class_name;
  const config = entry.config;
  const name = typeof entry.name === 'string' ? entry.name : isObject(config) && typeof config.name === 'string' ? config.name : undefined;
  if (typeof className !== 'string' || className === '') {
    throw new ModelFileError(`expected a class name, got ${preview(className)}`, { file: ctx.file, layer: name ? q(name) : prefix || undefined, field: name ? 'class_name' : `layers[${index}].class_name` });
  }
  if (name === undefined || name === '') {
    throw new ModelFileError('the layer has no name', { file: ctx.file, layer: prefix || undefined, className, field: `layers[${index}].name` });
  }
  const at = (field: string): ModelFileLocation => ({ file: ctx.file, layer: q(name), className, field });
  const rawCalls = parseInboundNodes(entry.inbound_nodes, at);
  if (MODEL_CLASSES.has(className)) {
    const model = parseKerasModel({ class_name: className, config, ...('module' in entry ? { module: entry.module } : {}) }, ctx, q(name), depth + 1);
    const hasBuiltInNode = className !== 'Sequential' || sequentialHasInputLayer(config);
    // A frozen nested model (Keras `base_model.trainable = False`) makes all its weights non-trainable.
    const frozen = isObject(config) && config.trainable === false;
    return { layer: { name, className: 'Functional', config: frozen ? { trainable: false } : {}, calls: [], model }, rawCalls, hasBuiltInNode };
  }
  if (!isObject(config)) throw new ModelFileError(`expected the layer's config object, got ${preview(config)}`, at('config'));
  return { layer: { name, className, config: normaliseConfig(className, config, ctx, at), calls: [] }, rawCalls, hasBuiltInNode: false };
}

function sequentialHasInputLayer(config: unknown): boolean {
  const layers = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : [];
  return isObject(layers[0]) && layers[0].class_name === 'InputLayer';
}

/** Plain dtype name of a dtype string or a Keras dtype policy object. */
function dtypeName(dtype: unknown): string | undefined {
  if (typeof dtype === 'string') return dtype;
  if (isObject(dtype) && isObject(dtype.config) && typeof dtype.config.name === 'string') return dtype.config.name;
  return undefined;
}

/** Copy of a layer config in Keras 2 form: plain dtype, `batch_input_shape` for inputs only. */
function normaliseConfig(className: string, config: Record<string, unknown>, ctx: ParseContext, at: (field: string) => ModelFileLocation): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  const dtype = dtypeName(config.dtype);
  if (dtype !== undefined) {
    if (REDUCED_PRECISION.has(dtype)) {
      const message = `dtype policy "${dtype}" is analysed as float32 (TF.js computes layers in float32)`;
      if (!ctx.diagnostics.some((d) => d.message === message)) ctx.diagnostics.push({ severity: 'info', message });
      out.dtype = 'float32';
    } else {
      out.dtype = dtype;
    }
  } else if (config.dtype !== undefined && config.dtype !== null) {
    throw new ModelFileError(`expected a dtype name or a dtype policy, got ${preview(config.dtype)}`, at('dtype'));
  }
  if (className === 'InputLayer') {
    const shape = inputShapeOf(config);
    if (!shape) throw new ModelFileError('an InputLayer needs "batch_input_shape" (Keras 2) or "batch_shape" (Keras 3)', at('batch_input_shape'));
    out.batch_input_shape = checkInputShape(shape.value, shape.field, ctx, at);
    delete out.batch_shape;
    delete out.shape;
    delete out.input_shape;
    // Keras 3 only: TF.js's InputLayer does not know these.
    delete out.optional;
    delete out.ragged;
    return out;
  }
  delete out.batch_input_shape;
  delete out.batch_shape;
  delete out.input_shape;
  delete out.input_dim;
  return out;
}

/** The input shape a config declares, with the batch dimension, and the field it came from. */
function inputShapeOf(config: Record<string, unknown>): { value: unknown; field: string } | undefined {
  if (config.batch_input_shape !== undefined && config.batch_input_shape !== null) return { value: config.batch_input_shape, field: 'batch_input_shape' };
  if (config.batch_shape !== undefined && config.batch_shape !== null) return { value: config.batch_shape, field: 'batch_shape' };
  for (const field of ['shape', 'input_shape']) {
    const v = config[field];
    if (Array.isArray(v)) return { value: [null, ...v], field };
  }
  return undefined;
}

/**
 * Validates an input shape with its batch dimension: a list of at least 2 entries, each null or a
 * positive integer. The batch becomes null; an image input (rank 4) with an open height or width
 * gets `ctx.inputSize` (default DEFAULT_IMAGE_SIZE, with a warning when none was asked for); a
 * fixed top-level image input whose size differs from an asked `ctx.inputSize` is an error; any
 * other unknown dimension is an error.
 */
function checkInputShape(value: unknown, field: string, ctx: ParseContext, at: (field: string) => ModelFileLocation): (number | null)[] {
  if (!Array.isArray(value) || value.length < 2) throw new ModelFileError(`expected [batch, ...dimensions], got ${preview(value)}`, at(field));
  const dims = value.map((d: unknown, i) => {
    if (d === null) return null;
    if (typeof d !== 'number' || !Number.isInteger(d)) throw new ModelFileError(`dimension ${i} must be a positive integer or null, got ${preview(d)}`, at(field));
    if (d <= 0) throw new ModelFileError(`dimension ${i} must be positive, got ${d}`, at(field));
    return d;
  });
  dims[0] = null;
  const location = at(field);
  const isImage = dims.length === 4 && dims[3] !== null;
  if (isImage && (dims[1] === null || dims[2] === null)) {
    const size = ctx.inputSize ?? DEFAULT_IMAGE_SIZE;
    if (ctx.inputSize === undefined) {
      ctx.diagnostics.push({
        severity: 'warning',
        layer: location.layer,
        message: `input "${location.layer}" leaves its height or width open (${preview(value)}); analysed at ${size}x${size} (choose another size with --input-size or the inputSize setting)`,
      });
    }
    dims[1] ??= size;
    dims[2] ??= size;
  } else if (isImage && ctx.inputSize !== undefined && !location.layer?.includes('/') && (dims[1] !== ctx.inputSize || dims[2] !== ctx.inputSize)) {
    throw new ModelFileError(
      `the input has a fixed size of ${String(dims[1])}x${String(dims[2])}, so an input size of ${ctx.inputSize} cannot be applied; an input size applies only to inputs whose height and width are open (null)`,
      location,
    );
  }
  const unknown = dims.findIndex((d, i) => i > 0 && d === null);
  if (unknown > 0) {
    throw new ModelFileError(`dimension ${unknown} is unknown (null); analysis and timing need fixed sizes`, at(field));
  }
  return dims;
}

/**
 * The input shape a nested model declares with its own single InputLayer (a Sequential whose
 * first layer is such a model, e.g. `Sequential([base_model, Dense(...)])`, says it nowhere else).
 */
function nestedModelInput(layer: TopologyLayer): { value: unknown; field: string } | undefined {
  if (!layer.model || layer.model.inputs.length !== 1) return undefined;
  const input = layer.model.layers.find((l) => l.name === layer.model!.inputs[0].layer);
  const shape = input?.config.batch_input_shape;
  return Array.isArray(shape) ? { value: shape, field: `${input!.name}.batch_input_shape` } : undefined;
}

/** A Sequential config (a list of layers in Keras <= 2.1, else `{name, layers}`) as a functional graph. */
function parseSequential(json: Record<string, unknown>, ctx: ParseContext, prefix: string, depth: number): Topology {
  const at = (field?: string): ModelFileLocation => ({ file: ctx.file, layer: prefix || undefined, field });
  const config = json.config;
  const entries = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(entries)) throw new ModelFileError(`expected a Sequential config with a list of layers, got ${preview(config)}`, at('config.layers'));
  if (entries.length === 0) throw new ModelFileError('the Sequential model has no layers', at('config.layers'));
  const name = isObject(config) && typeof config.name === 'string' ? config.name : prefix || 'sequential';
  const raws = entries.map((entry: unknown, i) => parseLayerEntry(entry, i, ctx, prefix, depth));
  const layers = raws.map((r) => r.layer);

  if (layers[0].className !== 'InputLayer') {
    const first = entries[0] as Record<string, unknown>;
    const firstConfig = isObject(first.config) ? first.config : {};
    const buildConfig = isObject(first.build_config) ? first.build_config : {};
    const declared =
      inputShapeOf(firstConfig) ??
      (isObject(config) && Array.isArray(config.build_input_shape) ? { value: config.build_input_shape, field: 'build_input_shape' } : undefined) ??
      (Array.isArray(buildConfig.input_shape) ? { value: buildConfig.input_shape, field: 'build_config.input_shape' } : undefined) ??
      nestedModelInput(layers[0]);
    if (!declared) {
      throw new ModelFileError(
        'the Sequential model does not say its input shape (no InputLayer, no "batch_input_shape" on its first layer, no "build_input_shape")',
        at('config.layers[0]'),
      );
    }
    let inputName = `${layers[0].name}_input`;
    while (layers.some((l) => l.name === inputName)) inputName += '_';
    const location = (field: string): ModelFileLocation => ({ file: ctx.file, layer: layers[0].name, className: layers[0].className, field });
    const batchInputShape = checkInputShape(declared.value, declared.field, ctx, location);
    const dtype = dtypeName(firstConfig.dtype);
    layers.unshift({
      name: inputName,
      className: 'InputLayer',
      config: { batch_input_shape: batchInputShape, dtype: dtype && !REDUCED_PRECISION.has(dtype) ? dtype : 'float32', sparse: false, name: inputName },
      calls: [],
    });
  }
  for (let i = 1; i < layers.length; i++) {
    if (layers[i].className === 'InputLayer') {
      throw new ModelFileError('an InputLayer can only be the first layer of a Sequential model', { file: ctx.file, layer: layers[i].name, className: 'InputLayer', field: 'class_name' });
    }
    layers[i].calls = [{ inputs: [{ layer: layers[i - 1].name, call: 0, tensor: 0 }], kwargs: {} }];
  }
  const last = layers[layers.length - 1];
  return { name, layers, inputs: [{ layer: layers[0].name, call: 0, tensor: 0 }], outputs: [{ layer: last.name, call: 0, tensor: 0 }] };
}
