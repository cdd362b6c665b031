import { describe, expect, it } from 'vitest';
import { layersByName } from '../../src/report/layerIndex';
import type { ArchitectureReport } from '../../src/report/schema';

/** A report whose only content is layers with these names (the index reads nothing else). */
function reportWithLayers(names: string[]): ArchitectureReport {
  const totals = { layers: names.length, params: { trainable: 0, nonTrainable: 0 }, macs: 0, flops: 0, elementwiseOps: 0, activationBytes: 0, weightBytes: 0 };
  return {
    schemaVersion: 1,
    model: { name: 'm', source: 'test', grouping: 'downsampling', inputShapes: [], outputShapes: [] },
    layers: names.map((name) => ({
      name, className: 'ReLU', kind: 'activation', label: 'ReLU', flow: 'f', block: 'b', inbound: [], inputShapes: [], outputShape: [null, 1],
      params: { trainable: 0, nonTrainable: 0 }, macs: 0, flops: 0, tfProfilerFlops: 0, elementwiseOps: 0, activationBytes: 4, weightBytes: 0, config: {},
    })),
    blocks: [],
    flows: [],
    totals,
    diagnostics: [],
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('layersByName', () => {
  it('finds every layer by its Keras name', () => {
    const report = reportWithLayers(['input_1', 'conv', 'relu']);
    const index = layersByName(report);
    expect([...index.keys()]).toEqual(['input_1', 'conv', 'relu']);
    expect(index.get('conv')).toBe(report.layers[1]);
    expect(index.get('nope')).toBeUndefined();
  });

  it('is built once per report object and sees timings merged into its layers', () => {
    const report = reportWithLayers(['a', 'b']);
    const first = layersByName(report);
    report.layers[1].timing = { medianMs: 2, minMs: 1, p90Ms: 3, runs: 5, kernels: [] };
    expect(layersByName(report)).toBe(first);
    expect(layersByName(report).get('b')?.timing?.medianMs).toBe(2);
    const other: ArchitectureReport = { ...report, layers: [report.layers[0]] };
    expect([...layersByName(other).keys()]).toEqual(['a']);
  });
});
