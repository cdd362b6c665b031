import { expect, it } from 'vitest';
import { decodeModel, encodeModel, floatTensor, IR_VERSION, readFloatTensor } from '../../src/onnx/proto';

it('floatTensor stores raw_data as a view of the values (no copy of the weights), and encodes them little-endian', () => {
  const backing = new Float32Array([9, 1.5, -2, 0.25, 9]);
  const values = backing.subarray(1, 4);
  const t = floatTensor('w', [3], values);
  expect(t.rawData!.buffer).toBe(backing.buffer);
  expect(t.rawData!.byteOffset).toBe(4);
  expect(t.rawData!.byteLength).toBe(12);
  const bytes = encodeModel({ irVersion: IR_VERSION, graph: { name: 'g', initializer: [t] } });
  const decoded = decodeModel(bytes).graph!.initializer![0];
  expect([...readFloatTensor(decoded)]).toEqual([1.5, -2, 0.25]);
  expect(() => floatTensor('w', [2], values)).toThrow(/3 values for shape \[2\]/);
});
