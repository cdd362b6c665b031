import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/importers/errors';
import { allLayers, checkTopology, MAX_NESTING_DEPTH, outputCount, toKerasJson, type Topology, type TopologyLayer } from '../../src/importers/topology';

const ref = (layer: string, call = 0, tensor = 0) => ({ layer, call, tensor });
const input = (name: string): TopologyLayer => ({ name, className: 'InputLayer', config: {}, calls: [] });
const layer = (name: string, ...inputs: ReturnType<typeof ref>[][]): TopologyLayer => ({
  name,
  className: 'ReLU',
  config: { name },
  calls: inputs.map((i) => ({ inputs: i, kwargs: {} })),
});
const model = (layers: TopologyLayer[], inputs = [ref(layers[0].name)], outputs = [ref(layers[layers.length - 1].name)]): Topology => ({ name: 'm', layers, inputs, outputs });

describe('checkTopology', () => {
  it('orders layer calls producers first, a shared layer once per call', () => {
    // x -> a -> b -> a (shared: call 1) -> out
    const t = model([input('x'), layer('a', [ref('x')], [ref('b')]), layer('b', [ref('a')])], [ref('x')], [ref('a', 1)]);
    expect(checkTopology(t).map((c) => `${c.layer.name}:${c.call}`)).toEqual(['x:0', 'a:0', 'b:0', 'a:1']);
  });

  it("puts a shared layer's calls in call order even when a later call is ready first", () => {
    // a's call 1 reads the input x directly; its call 0 waits for b. Without the order of calls,
    // Kahn's algorithm (last ready first) reaches a:1 before b and a:0.
    const t = model([input('x'), layer('b', [ref('x')]), layer('a', [ref('b')], [ref('x')]), layer('c', [ref('a'), ref('a', 1)])], [ref('x')], [ref('c')]);
    expect(checkTopology(t).map((c) => `${c.layer.name}:${c.call}`)).toEqual(['x:0', 'b:0', 'a:0', 'a:1', 'c:0']);
  });

  it('keeps a valid order when a call of a shared layer depends on a later one (a hand-written file)', () => {
    // a:0 reads b, which reads a:1: a:1 must come before a:0.
    const t = model([input('x'), layer('a', [ref('b')], [ref('x')]), layer('b', [ref('a', 1)])], [ref('x')], [ref('a')]);
    expect(checkTopology(t).map((c) => `${c.layer.name}:${c.call}`)).toEqual(['x:0', 'a:1', 'b:0', 'a:0']);
  });

  it('names the layer and the field at fault, with the exact message', () => {
    const bad = (t: Topology, message: string | RegExp) => {
      let error: unknown;
      try {
        checkTopology(t, { file: 'm.json' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ModelFileError);
      if (typeof message === 'string') expect((error as Error).message).toBe(message);
      else expect((error as Error).message).toMatch(message);
    };
    bad(model([input('x'), layer('x', [ref('x')])]), 'm.json: layer "x" (ReLU), field "name": two layers are named "x"; layer names must be unique');
    bad(model([input('x'), layer('a', [ref('nope')])]), 'm.json: layer "a" (ReLU), field "inbound_nodes[0][0]": refers to layer "nope", which is not in the model');
    bad(model([input('x'), layer('a', [ref('x', 1)])]), 'm.json: layer "a" (ReLU), field "inbound_nodes[0][0]": refers to call 1 of layer "x", which is called 1 time(s)');
    bad(model([input('x'), layer('a', [ref('x', -1)])]), 'm.json: layer "a" (ReLU), field "inbound_nodes[0][0]": refers to call -1 of layer "x", which is called 1 time(s)');
    bad(model([input('x'), layer('a', [ref('x', 0.5)])]), 'm.json: layer "a" (ReLU), field "inbound_nodes[0][0]": refers to call 0.5 of layer "x", which is called 1 time(s)');
    bad(model([input('x'), layer('a', [ref('x', 0, 2)])]), 'm.json: layer "a" (ReLU), field "inbound_nodes[0][0]": refers to output 2 of layer "x", which has 1 output(s)');
    bad(model([input('x'), layer('a', [ref('x', 0, -1)])]), 'm.json: layer "a" (ReLU), field "inbound_nodes[0][0]": refers to output -1 of layer "x", which has 1 output(s)');
    bad(model([input('x'), layer('a', [ref('x', 0, 0.5)])]), 'm.json: layer "a" (ReLU), field "inbound_nodes[0][0]": refers to output 0.5 of layer "x", which has 1 output(s)');
    bad(model([input('x'), layer('a', [ref('x')], [])]), 'm.json: layer "a" (ReLU), field "inbound_nodes[1]": inbound node 1 lists no input tensors');
    bad(model([input('x'), layer('a', [ref('x')])], [ref('x'), ref('a')]), 'm.json: field "input_layers[1]": names layer "a" (ReLU) as a model input; model inputs must be InputLayers');
    bad(model([input('x'), layer('a', [ref('x')])], [ref('gone')]), 'm.json: field "input_layers[0]": refers to layer "gone", which is not in the model');
    bad(model([input('x'), layer('a', [ref('x')])], [ref('x')], []), 'm.json: field "output_layers": the model lists no outputs');
    bad(model([input('x'), layer('a', [ref('x')])], [ref('x')], [ref('a', 1)]), 'm.json: field "output_layers[0]": refers to call 1 of layer "a", which is called 1 time(s)');
    // Kahn's algorithm leaves the cycle a -> b -> a and what hangs off it (c); the message names the cycle alone.
    bad(model([input('x'), layer('c', [ref('b')]), layer('a', [ref('b')]), layer('b', [ref('a')])], [ref('x')], [ref('c')]), /^m\.json: layer "(a|b)" \(ReLU\), field "inbound_nodes": the layers ("a" -> "b" -> "a"|"b" -> "a" -> "b") form a cycle; a model must be a directed acyclic graph$/);
  });

  it('checks nested models with their path, and bounds the nesting depth', () => {
    const inner = model([input('ix'), layer('c', [ref('nope')])]);
    const outer = model([input('x'), { name: 'sub', className: 'Functional', config: {}, calls: [{ inputs: [ref('x')], kwargs: {} }], model: inner }]);
    expect(() => checkTopology(outer)).toThrow(/sub\/c/);
    let deep: Topology = model([input('x'), layer('a', [ref('x')])]);
    for (let i = 0; i <= MAX_NESTING_DEPTH; i++) {
      deep = model([input('x'), { name: `m${i}`, className: 'Functional', config: {}, calls: [{ inputs: [ref('x')], kwargs: {} }], model: deep }]);
    }
    expect(() => checkTopology(deep)).toThrow(`models are nested more than ${MAX_NESTING_DEPTH} levels deep`);
  });
});

describe('toKerasJson and allLayers', () => {
  const inner = model([input('ix'), layer('c', [ref('ix')])]);
  const outer = model([
    input('x'),
    { name: 'sub', className: 'Functional', config: {}, calls: [{ inputs: [ref('x')], kwargs: {} }, { inputs: [ref('sub')], kwargs: {} }], model: inner },
  ], [ref('x')], [ref('sub', 1)]);

  it("writes Keras 2 references, counting a nested model's built-in node 0", () => {
    expect(toKerasJson(outer)).toEqual({
      class_name: 'Model',
      config: {
        name: 'm',
        layers: [
          { name: 'x', class_name: 'InputLayer', config: {}, inbound_nodes: [] },
          {
            name: 'sub',
            class_name: 'Functional',
            config: {
              name: 'sub',
              layers: [
                { name: 'ix', class_name: 'InputLayer', config: {}, inbound_nodes: [] },
                { name: 'c', class_name: 'ReLU', config: { name: 'c' }, inbound_nodes: [[['ix', 0, 0, {}]]] },
              ],
              input_layers: [['ix', 0, 0]],
              output_layers: [['c', 0, 0]],
            },
            // Call 0 of sub reads x; call 1 reads call 0 of sub, which is sub's node 1.
            inbound_nodes: [[['x', 0, 0, {}]], [['sub', 1, 0, {}]]],
          },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['sub', 2, 0]],
      },
    });
    expect(outputCount(outer.layers[1])).toBe(1);
  });

  it('lists nested layers depth first with qualified names', () => {
    expect([...allLayers(outer)].map((l) => l.path)).toEqual(['x', 'sub', 'sub/ix', 'sub/c']);
  });

  it('lets a stand-in replace a layer config', () => {
    const json = toKerasJson(inner, (l) => (l.name === 'c' ? { name: 'c', standIn: true } : undefined)) as { config: { layers: { config: unknown }[] } };
    expect(json.config.layers[1].config).toEqual({ name: 'c', standIn: true });
  });
});
