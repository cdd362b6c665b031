// 'valid' padding on sizes the window and stride do not divide: Keras's conv_output_length is
// floor((n - k) / s) + 1, so 8x8 with a 3x3 window and stride 2 gives 3x3 (ceil would give 4x4).
// Seen through the importer's public checks: the window that fits a 3x3 map, and the one that does not.
import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importModelBytes } from '../../src/importers/modelFile';

/** input 8x8x2 -> `first` (3x3 window, stride 2, valid) -> Conv2D with a `k`x`k` valid kernel named `probe`. */
function model(first: Record<string, unknown>, k: number): Uint8Array {
  const layers = [
    { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 8, 8, 2], dtype: 'float32', name: 'in' }, inbound_nodes: [] },
    { ...first, inbound_nodes: [[['in', 0, 0, {}]]] },
    { class_name: 'Conv2D', name: 'probe', config: { name: 'probe', filters: 1, kernel_size: [k, k], strides: [1, 1], padding: 'valid' }, inbound_nodes: [[[first.name, 0, 0, {}]]] },
  ];
  const json = { class_name: 'Functional', config: { name: 'm', layers, input_layers: [['in', 0, 0]], output_layers: [['probe', 0, 0]] } };
  return strToU8(JSON.stringify(json));
}

const conv = { class_name: 'Conv2D', name: 'conv', config: { name: 'conv', filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'valid' } };
const pool = { class_name: 'MaxPooling2D', name: 'pool', config: { name: 'pool', pool_size: [3, 3], strides: [2, 2], padding: 'valid' } };

describe("'valid' padding rounds the output size down (Keras conv_output_length)", () => {
  it.each([
    ['Conv2D', conv, 4],
    ['MaxPooling2D', pool, 2],
  ])('%s 3x3/2 on 8x8 gives 3x3: a 3x3 kernel fits after it, a 4x4 one does not', (name, first, channels) => {
    const fits = importModelBytes(model(first, 3), 'm.json');
    expect(fits.report.layers.find((l) => l.name === first.name)!.outputShape).toEqual([null, 3, 3, channels]);
    expect(fits.report.model.outputShapes).toEqual([[null, 1, 1, 1]]);
    expect(() => importModelBytes(model(first, 4), 'm.json')).toThrow(
      'm.json: layer "probe" (Conv2D), field "kernel_size": kernel_size 4x4 is larger than its input 3x3 with padding "valid"; pad the input or use padding "same"',
    );
  });
});
