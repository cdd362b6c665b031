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

  it('names the layer and the field at fault', () => {
    const bad = (t: Topology, message: RegExp) => {
      let error: unknown;
      try {
        checkTopology(t, { file: 'm.json' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ModelFileError);
      expect((error as Error).message).toMatch(message);
    };
    bad(model([input('x'), layer('x', [ref('x')])]), /two layers are named "x"/);
    bad(model([input('x'), layer('a', [ref('nope')])]), /layer "a".*refers to layer "nope", which is not in the model/);
    bad(model([input('x'), layer('a', [ref('x', 1)])]), /refers to call 1 of layer "x", which is called 1 time/);
    bad(model([input('x'), layer('a', [ref('x', 0, 2)])]), /refers to output 2 of layer "x", which has 1 output/);
    bad(model([input('x'), layer('a', [])]), /inbound node 0 lists no input tensors/);
    bad(model([input('x'), layer('a', [ref('x')])], [ref('a')]), /names layer "a" \(ReLU\) as a model input/);
    bad(model([input('x'), layer('a', [ref('x')])], [ref('x')], []), /the model lists no outputs/);
    bad(model([input('x'), layer('a', [ref('b')]), layer('b', [ref('a')])]), /the layers "a" -> "b" -> "a" form a cycle|the layers "b" -> "a" -> "b" form a cycle/);
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
    const json = toKerasJson(outer) as { config: { layers: { name: string; inbound_nodes: unknown[] }[]; output_layers: unknown[] } };
    expect(json.config.output_layers).toEqual([['sub', 2, 0]]);
    expect(json.config.layers[1].inbound_nodes).toEqual([[['x', 0, 0, {}]], [['sub', 1, 0, {}]]]);
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
