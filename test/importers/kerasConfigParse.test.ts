/**
 * `parseKerasModel` on small inline configs: the Keras 2 and Keras 3 forms of inbound nodes and
 * model inputs / outputs become the same references and keyword arguments, and every malformed
 * entry is refused with its exact message.
 */
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/importers/errors';
import { parseKerasModel } from '../../src/importers/kerasConfig';
import type { Topology } from '../../src/importers/topology';

type Json = Record<string, unknown>;

const input = { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 4] }, inbound_nodes: [] };
const second = { class_name: 'InputLayer', name: 'in2', config: { name: 'in2', batch_input_shape: [null, 4] }, inbound_nodes: [] };
/** A Keras 3 tensor: `__keras_tensor__` with its `keras_history`. */
const tensor = (layer: string, node = 0, index = 0): Json => ({ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: [layer, node, index] } });

/** A functional model of `in`, `in2` and `layers`, output the last layer. */
function functional(layers: Json[], extra: Json = {}, io: Json = {}): Json {
  return {
    class_name: 'Functional',
    config: { name: 'm', layers: [input, second, ...layers], input_layers: [['in', 0, 0], ['in2', 0, 0]], output_layers: [[layers[layers.length - 1].name, 0, 0]], ...io },
    ...extra,
  };
}
const parse = (json: Json): Topology => parseKerasModel(json, { file: 'm.json', diagnostics: [] });
const callsOf = (t: Topology, name: string) => t.layers.find((l) => l.name === name)!.calls;
const errorOf = (json: Json): string => {
  try {
    parse(json);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    return (e as Error).message;
  }
  return 'no error';
};

describe('Keras 3 inbound nodes', () => {
  it('take the tensors of args in order (nested lists too), and only the plain kwargs', () => {
    const add = {
      class_name: 'Add',
      name: 'add',
      config: { name: 'add' },
      inbound_nodes: [{ args: [[tensor('in'), tensor('in2')]], kwargs: { training: false, mask: null, scale: 2, mode: 'x', other: tensor('in'), list: [1] } }],
    };
    expect(callsOf(parse(functional([add])), 'add')).toEqual([
      { inputs: [{ layer: 'in', call: 0, tensor: 0 }, { layer: 'in2', call: 0, tensor: 0 }], kwargs: { training: false, mask: null, scale: 2, mode: 'x' } },
    ]);
  });

  it('read keras_history on the tensor object itself (older Keras 3), and a node with kwargs only', () => {
    const relu = { class_name: 'ReLU', name: 'r', config: { name: 'r' }, inbound_nodes: [{ args: [{ keras_history: ['in2', 0, 0] }] }, { kwargs: { inputs: tensor('in') } }] };
    expect(callsOf(parse(functional([relu], {}, { output_layers: [['r', 0, 0]] })), 'r')).toEqual([
      { inputs: [{ layer: 'in2', call: 0, tensor: 0 }], kwargs: {} },
      // kwargs are not searched for tensors: a call with its input in kwargs lists none.
      { inputs: [], kwargs: {} },
    ]);
  });

  it('skip a keras_history that is no [name, node, tensor] with indices >= 0', () => {
    const bad = [['in', -1, 0], ['in', 0, 0.5], [3, 0, 0]].map((h) => ({ class_name: '__keras_tensor__', config: { keras_history: h } }));
    const add = { class_name: 'Add', name: 'add', config: { name: 'add' }, inbound_nodes: [{ args: [[...bad, tensor('in', 0, 0), tensor('in2')]] }] };
    expect(callsOf(parse(functional([add])), 'add')[0].inputs).toEqual([{ layer: 'in', call: 0, tensor: 0 }, { layer: 'in2', call: 0, tensor: 0 }]);
  });

  it('take a __keras_tensor__ whose config lacks keras_history from the object, and nothing from other classes', () => {
    const odd = { class_name: 'Other', config: { keras_history: ['in2', 0, 0] } };
    const relu = { class_name: 'ReLU', name: 'r', config: { name: 'r' }, inbound_nodes: [{ args: [odd, { class_name: '__keras_tensor__', config: {}, keras_history: ['in', 0, 0] }] }] };
    // `odd` is searched as a plain object: its config's keras_history is found there.
    expect(callsOf(parse(functional([relu])), 'r')[0].inputs).toEqual([{ layer: 'in2', call: 0, tensor: 0 }, { layer: 'in', call: 0, tensor: 0 }]);
  });
});

describe('Keras 2 inbound nodes', () => {
  const relu = (inbound: unknown): Json => ({ class_name: 'ReLU', name: 'r', config: { name: 'r' }, inbound_nodes: inbound });

  it('take [name, node, tensor] with or without kwargs (an object or null); the last entry gives the kwargs', () => {
    const add = { class_name: 'Add', name: 'add', config: { name: 'add' }, inbound_nodes: [[['in', 0, 0], ['in2', 0, 0, { training: true, t: tensor('in') }]], [['in', 0, 0, null], ['in2', 0, 0, {}]]] };
    expect(callsOf(parse(functional([add])), 'add')).toEqual([
      { inputs: [{ layer: 'in', call: 0, tensor: 0 }, { layer: 'in2', call: 0, tensor: 0 }], kwargs: { training: true } },
      { inputs: [{ layer: 'in', call: 0, tensor: 0 }, { layer: 'in2', call: 0, tensor: 0 }], kwargs: {} },
    ]);
    expect(callsOf(parse(functional([relu(null)])), 'r')).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['a 5-entry reference', ['in', 0, 0, {}, 1]],
    ['a 2-entry reference', ['in', 0]],
    ['no reference list', 5],
    ['a name that is no string', [7, 0, 0]],
    ['a fractional node index', ['in', 0.5, 0]],
    ['a negative tensor index', ['in', 0, -1]],
    ['kwargs that are no object', ['in', 0, 0, 'x']],
  ])('refuse %s', (_what, entry) => {
    expect(errorOf(functional([relu([[entry]])]))).toBe(`m.json: layer "r" (ReLU), field "inbound_nodes[0][0]": expected [layer name, node index, tensor index, kwargs] with indices >= 0, got ${JSON.stringify(entry)}`);
  });
});

describe('model inputs and outputs', () => {
  const relu = { class_name: 'ReLU', name: 'r', config: { name: 'r' }, inbound_nodes: [[['in', 0, 0, {}]]] };

  it('as a list, one triple (Keras 3) or a dict of triples', () => {
    expect(parse(functional([relu], {}, { output_layers: ['r', 0, 0] })).outputs).toEqual([{ layer: 'r', call: 0, tensor: 0 }]);
    expect(parse(functional([relu], {}, { output_layers: { a: ['r', 0, 0], b: [['in2', 0, 0]] } })).outputs).toEqual([{ layer: 'r', call: 0, tensor: 0 }, { layer: 'in2', call: 0, tensor: 0 }]);
    expect(parse(functional([relu], {}, { output_layers: [[[['r', 0, 0]]]] })).outputs).toEqual([{ layer: 'r', call: 0, tensor: 0 }]);
  });

  it('refuse what is no triple, with its path; nesting stops at 4 levels', () => {
    expect(errorOf(functional([relu], {}, { output_layers: [['r', 0, 0.5]] }))).toBe('m.json: field "output_layers[0]": expected [layer name, node index, tensor index] with indices >= 0, got ["r",0,0.5]');
    expect(errorOf(functional([relu], {}, { output_layers: [['r', -1, 0]] }))).toBe('m.json: field "output_layers[0]": expected [layer name, node index, tensor index] with indices >= 0, got ["r",-1,0]');
    expect(errorOf(functional([relu], {}, { output_layers: { a: 5 } }))).toBe('m.json: field "output_layers.a": expected [layer name, node index, tensor index], got 5');
    expect(errorOf(functional([relu], {}, { output_layers: [['r', 0]] }))).toBe('m.json: field "output_layers[0][0]": expected [layer name, node index, tensor index], got "r"');
    expect(errorOf(functional([relu], {}, { output_layers: [[[[[['r', 0, 0]]]]]] }))).toBe('m.json: field "output_layers[0][0][0][0]": expected [layer name, node index, tensor index], got [["r",0,0]]');
    expect(errorOf(functional([relu], {}, { output_layers: { a: { b: { c: { d: { e: ['r', 0, 0] } } } } } }))).toBe('m.json: field "output_layers.a.b.c.d": expected [layer name, node index, tensor index], got {"e":["r",0,0]}');
    expect(parse(functional([relu], {}, { output_layers: { a: { b: { c: { d: ['r', 0, 0] } } } } })).outputs).toEqual([{ layer: 'r', call: 0, tensor: 0 }]);
    expect(parse(functional([relu], {}, { output_layers: [[[[['r', 0, 0]]]]] })).outputs).toEqual([{ layer: 'r', call: 0, tensor: 0 }]);
  });
});

describe('Sequential models', () => {
  const dense = (name: string, extra: Json = {}): Json => ({ class_name: 'Dense', config: { name, units: 2, ...extra } });
  const parseWith = (json: Json, inputSize?: number) => {
    const diagnostics: { severity: string; message: string; layer?: string }[] = [];
    const topology = parseKerasModel(json, { file: 's.json', diagnostics: diagnostics as never, inputSize });
    return { topology, diagnostics };
  };

  it('become a chain after an InputLayer named <first layer>_input, with the first layer\'s shape and dtype', () => {
    const { topology } = parseWith({ class_name: 'Sequential', config: { name: 'seq', layers: [dense('d1', { batch_input_shape: [5, 4], dtype: 'int32' }), dense('d2')] } });
    expect(topology.name).toBe('seq');
    expect(topology.layers.map((l) => [l.name, l.className])).toEqual([['d1_input', 'InputLayer'], ['d1', 'Dense'], ['d2', 'Dense']]);
    expect(topology.layers[0].config).toEqual({ batch_input_shape: [null, 4], dtype: 'int32', sparse: false, name: 'd1_input' });
    expect(topology.layers[2].calls).toEqual([{ inputs: [{ layer: 'd1', call: 0, tensor: 0 }], kwargs: {} }]);
    expect(topology.inputs).toEqual([{ layer: 'd1_input', call: 0, tensor: 0 }]);
    expect(topology.outputs).toEqual([{ layer: 'd2', call: 0, tensor: 0 }]);
  });

  it('name the input so that it is unique, analyse a reduced-precision first layer as float32, and are called "sequential" when unnamed', () => {
    const { topology } = parseWith({ class_name: 'Sequential', config: [dense('d', { batch_input_shape: [null, 4], dtype: 'float16' }), dense('d_input'), dense('d_input_')] });
    expect(topology.name).toBe('sequential');
    expect(topology.layers[0].name).toBe('d_input__');
    expect(topology.layers[0].config.dtype).toBe('float32');
    expect(parseWith({ class_name: 'Sequential', config: { layers: [dense('d', { batch_input_shape: [null, 4] })] } }).topology.name).toBe('sequential');
  });

  it('take the input shape from build_input_shape or build_config when the first layer has none', () => {
    expect(parseWith({ class_name: 'Sequential', config: { name: 's', layers: [dense('d')], build_input_shape: [null, 3] } }).topology.layers[0].config.batch_input_shape).toEqual([null, 3]);
    expect(parseWith({ class_name: 'Sequential', config: { name: 's', layers: [{ ...dense('d'), build_config: { input_shape: [null, 6] } }] } }).topology.layers[0].config.batch_input_shape).toEqual([null, 6]);
  });
});

describe('dtype policies and open image sizes', () => {
  it('analyse float16 / mixed policies as float32, with one note for the model', () => {
    const diagnostics: { severity: string; message: string }[] = [];
    const policy = (name: string): Json => ({ module: 'keras', class_name: 'DTypePolicy', config: { name } });
    const layers = [
      { class_name: 'ReLU', name: 'a', config: { name: 'a', dtype: policy('mixed_float16') }, inbound_nodes: [[['in', 0, 0, {}]]] },
      { class_name: 'ReLU', name: 'b', config: { name: 'b', dtype: policy('mixed_float16') }, inbound_nodes: [[['a', 0, 0, {}]]] },
      { class_name: 'ReLU', name: 'c', config: { name: 'c', dtype: 'float32' }, inbound_nodes: [[['b', 0, 0, {}]]] },
    ];
    const t = parseKerasModel(functional(layers), { file: 'm.json', diagnostics: diagnostics as never });
    expect(t.layers.filter((l) => l.className === 'ReLU').map((l) => l.config.dtype)).toEqual(['float32', 'float32', 'float32']);
    expect(diagnostics).toEqual([{ severity: 'info', message: 'dtype policy "mixed_float16" is analysed as float32 (TF.js computes layers in float32)' }]);
  });

  it(`give an image input with an open height or width ${224}x${224} with a warning, or the asked size without one`, () => {
    const image = (shape: unknown[]): Json => ({
      class_name: 'Functional',
      config: { name: 'm', layers: [{ class_name: 'InputLayer', name: 'img', config: { name: 'img', batch_shape: shape } }], input_layers: [['img', 0, 0]], output_layers: [['img', 0, 0]] },
    });
    const diagnostics: { severity: string; message: string; layer?: string }[] = [];
    const open = parseKerasModel(image([null, null, 32, 3]), { file: 'm.json', diagnostics: diagnostics as never });
    expect(open.layers[0].config.batch_input_shape).toEqual([null, 224, 32, 3]);
    expect(diagnostics).toEqual([{ severity: 'warning', layer: 'img', message: 'input "img" leaves its height or width open ([null,null,32,3]); analysed at 224x224 (choose another size with --input-size or the inputSize setting)' }]);
    const asked: unknown[] = [];
    expect(parseKerasModel(image([8, 40, null, 3]), { file: 'm.json', diagnostics: asked as never, inputSize: 71 }).layers[0].config.batch_input_shape).toEqual([null, 40, 71, 3]);
    expect(asked).toEqual([]);
    // A fixed size that is the asked one is fine; one open dimension of a non-image input is not.
    expect(parseKerasModel(image([null, 71, 71, 3]), { file: 'm.json', diagnostics: [], inputSize: 71 }).layers[0].config.batch_input_shape).toEqual([null, 71, 71, 3]);
    expect(() => parseKerasModel(image([null, 71, 70, 3]), { file: 'm.json', diagnostics: [], inputSize: 71 })).toThrow('the input has a fixed size of 71x70, so an input size of 71 cannot be applied');
    expect(() => parseKerasModel(image([null, 71, 70, null]), { file: 'm.json', diagnostics: [] })).toThrow('m.json: layer "img" (InputLayer), field "batch_shape": dimension 3 is unknown (null); analysis and timing need fixed sizes');
    expect(() => parseKerasModel(image([null, 0, 70, 3]), { file: 'm.json', diagnostics: [] })).toThrow('m.json: layer "img" (InputLayer), field "batch_shape": dimension 1 must be positive, got 0');
  });
});

describe('references to a nested model called three times', () => {
  // sub: in -> sub (call 0) -> sub (call 1) -> sub (call 2). Keras 2 counts sub's built-in node as
  // node 0, so call k is node k + 1; Keras 3 does not in inbound args, and does in a Functional
  // model's output_layers. An index of 0, or equal to the number of calls (3), decides alone.
  const inner = {
    name: 'sub',
    layers: [{ class_name: 'InputLayer', name: 'ix', config: { name: 'ix', batch_input_shape: [null, 4] } }, { class_name: 'ReLU', name: 'c', config: { name: 'c' }, inbound_nodes: [[['ix', 0, 0, {}]]] }],
    input_layers: [['ix', 0, 0]],
    output_layers: [['c', 0, 0]],
  };
  const outer = (sub: Json, outputs: unknown, keras3: boolean): Json => ({
    class_name: 'Functional',
    config: { name: 'm', layers: [input, { class_name: 'Functional', name: 'sub', config: inner, ...sub }], input_layers: [['in', 0, 0]], output_layers: outputs },
    ...(keras3 ? { module: 'keras' } : {}),
  });
  const calls = (t: Topology) => t.layers[1].calls.map((c) => c.inputs.map((r) => `${r.layer}:${r.call}`).join(','));

  it('Keras 2: node k + 1 is call k', () => {
    const t = parse(outer({ inbound_nodes: [[['in', 0, 0, {}]], [['sub', 1, 0, {}]], [['sub', 2, 0, {}]]] }, [['sub', 2, 0], ['sub', 3, 0]], false));
    expect(calls(t)).toEqual(['in:0', 'sub:0', 'sub:1']);
    expect(t.outputs).toEqual([{ layer: 'sub', call: 1, tensor: 0 }, { layer: 'sub', call: 2, tensor: 0 }]);
    expect(t.layers[1].model!.layers.map((l) => l.name)).toEqual(['ix', 'c']);
  });

  it('Keras 3: node k of inbound args is call k; output_layers of a Functional model count the built-in node', () => {
    const t = parse(outer({ inbound_nodes: [{ args: [tensor('in')] }, { args: [tensor('sub', 0)] }, { args: [tensor('sub', 1)] }] }, [['sub', 2, 0], ['sub', 1, 0]], true));
    expect(calls(t)).toEqual(['in:0', 'sub:0', 'sub:1']);
    expect(t.outputs).toEqual([{ layer: 'sub', call: 1, tensor: 0 }, { layer: 'sub', call: 0, tensor: 0 }]);
  });

  it('a Keras 3 file is known by its tensors even without "module"', () => {
    const t = parse(outer({ inbound_nodes: [{ args: [tensor('in')] }, { args: [tensor('sub', 0)] }, { args: [tensor('sub', 1)] }] }, [['sub', 2, 0]], false));
    expect(t.outputs).toEqual([{ layer: 'sub', call: 1, tensor: 0 }]);
  });

  it('a frozen nested model keeps trainable: false; the topology takes the config name, else "model"', () => {
    const t = parse(outer({ config: { ...inner, trainable: false }, inbound_nodes: [[['in', 0, 0, {}]]] }, [['sub', 1, 0]], false));
    expect(t.layers[1].config).toEqual({ trainable: false });
    expect(t.layers[1].model!.name).toBe('sub');
    expect(t.name).toBe('m');
    const unnamed = outer({ inbound_nodes: [[['in', 0, 0, {}]]] }, [['sub', 1, 0]], false);
    delete (unnamed.config as Json).name;
    expect(parse(unnamed).name).toBe('model');
  });
});
