import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initWasmBackend } from '../../src/engine/wasmSetup';
import { buildXception } from '../../src/model/xception';
import { checkAgainstCpu } from '../../src/profiler/correctness';

// Xception's layers on WASM (seconds a run): a heavy suite of the mutation run (vitest.mutation.config.mts);
// correctness.test.ts checks correctness.ts on tiny models.
describe('checkAgainstCpu on the WASM engine, Xception 71x71', () => {
  beforeAll(async () => {
    await initWasmBackend(tf, { threads: 1 });
  });

  it('finds every kind of layer in Xception correct on WASM', async () => {
    const model = buildXception(tf, { inputSize: 71 });
    const result = await checkAgainstCpu(tf, model);
    expect(result.backend).toBe('wasm');
    const kinds = result.checks.map((c) => c.kind.split('(')[0]);
    expect(new Set(kinds)).toEqual(new Set(['Conv2D', 'BatchNormalization', 'Activation', 'SeparableConv2D', 'MaxPooling2D', 'Add', 'GlobalAveragePooling2D', 'Dense']));
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    // All 34 separable convs share one kind (3x3, stride 1, same).
    expect(result.checks.find((c) => c.kind.startsWith('SeparableConv2D'))!.layers).toHaveLength(34);
    model.dispose();
  });
});
