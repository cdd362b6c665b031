/**
 * A layer shared by two calls: the report shows its call 0 (schema.ts: "the first call's for shared
 * layers"), whatever order the calls are walked in, and counts the MACs of both calls.
 */
import { describe, expect, it } from 'vitest';
import { analyzeTopology } from '../../src/analysis/analyze';
import type { Topology, TopologyLayer } from '../../src/importers/topology';

const ref = (layer: string, call = 0) => ({ layer, call, tensor: 0 });
const input = (name: string, shape: number[]): TopologyLayer => ({ name, className: 'InputLayer', config: { name, batch_input_shape: [null, ...shape], dtype: 'float32' }, calls: [] });

describe('a shared Dense layer', () => {
  // dense (4 -> 2) is called first on relu(x): (None, 3, 4) -> (None, 3, 2), then on y: (None, 4)
  // -> (None, 2). Its call 1 is ready before its call 0 (y needs no layer before it).
  const topology: Topology = {
    name: 'shared',
    layers: [
      input('x', [3, 4]),
      input('y', [4]),
      { name: 'relu', className: 'ReLU', config: { name: 'relu' }, calls: [{ inputs: [ref('x')], kwargs: {} }] },
      { name: 'dense', className: 'Dense', config: { name: 'dense', units: 2, use_bias: true, activation: 'linear' }, calls: [{ inputs: [ref('relu')], kwargs: {} }, { inputs: [ref('y')], kwargs: {} }] },
    ],
    inputs: [ref('x'), ref('y')],
    outputs: [ref('dense'), ref('dense', 1)],
  };

  it("shows call 0's output shape, input shapes and inbound layer; counts both calls' MACs", () => {
    const report = analyzeTopology(topology, { name: 'shared', source: 'test' });
    const dense = report.layers.find((l) => l.name === 'dense')!;
    expect(dense.outputShape).toEqual([null, 3, 2]);
    expect(dense.inputShapes).toEqual([[null, 3, 4]]);
    expect(dense.inbound).toEqual(['relu']);
    // Params once: 4 x 2 + 2 = 10. MACs: call 0 3 x 2 outputs x 4 = 24, call 1 2 x 4 = 8.
    expect(dense.params).toEqual({ trainable: 10, nonTrainable: 0 });
    expect(dense.macs).toBe(32);
    expect(report.model.outputShapes).toEqual([[null, 3, 2], [null, 2]]);
  });
});
