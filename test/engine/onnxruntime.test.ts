import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { detectProviders, probeProvider, type OrtModule } from '../../src/engine/onnxruntime';
import { splitRuns } from '../../src/engine/onnxruntimeProfile';

/** An onnxruntime-node stand-in listing `listed` backends (the detection logic only). */
function fakeOrt(listed: string[]): OrtModule {
  return { listSupportedBackends: () => listed.map((name) => ({ name, bundled: name === 'cpu' })) } as unknown as OrtModule;
}

describe('execution provider detection', () => {
  it('uses CUDA on Linux when the build lists it and a probe runs on it', async () => {
    const asked: string[] = [];
    const result = await detectProviders(fakeOrt(['cpu', 'cuda']), 'linux', async (_o, p) => (asked.push(p), undefined));
    expect(result).toEqual({ providers: ['cuda', 'cpu'], gpuProvider: 'cuda', skippedProviders: [] });
    expect(asked).toEqual(['cuda']);
  });

  it('falls back to the CPU, never labelled GPU, when the probe fails (no device, no CUDA libraries)', async () => {
    const result = await detectProviders(fakeOrt(['cpu', 'cuda']), 'linux', async () => 'Failed to load library libonnxruntime_providers_cuda.so');
    expect(result.providers).toEqual(['cpu']);
    expect(result.gpuProvider).toBeUndefined();
    expect(result.skippedProviders).toEqual([{ provider: 'cuda', reason: 'Failed to load library libonnxruntime_providers_cuda.so' }]);
  });

  it('tries DirectML on Windows and CoreML on macOS, and nothing a build does not list', async () => {
    expect((await detectProviders(fakeOrt(['cpu', 'dml']), 'win32', async () => undefined)).providers).toEqual(['dml', 'cpu']);
    expect((await detectProviders(fakeOrt(['cpu', 'coreml']), 'darwin', async () => undefined)).gpuProvider).toBe('coreml');
    const none = await detectProviders(fakeOrt(['cpu']), 'darwin', async () => undefined);
    expect(none).toEqual({ providers: ['cpu'], skippedProviders: [{ provider: 'coreml', reason: 'not in this onnxruntime-node build' }] });
    expect((await detectProviders(fakeOrt(['cpu']), 'freebsd', async () => undefined)).providers).toEqual(['cpu']);
  });

  it('probes the real onnxruntime-node with CPU fallback disabled: a provider that cannot take the Conv is refused with ORT\'s reason', async () => {
    const real = ort as unknown as OrtModule;
    // The CPU provider itself counts as a fallback, so the probe is only ever asked about GPU providers.
    expect(await probeProvider(real, 'cpu')).toMatch(/fallback to CPU EP has been explicitly disabled/);
    if (process.platform === 'linux' && !process.env.CUDA_PATH) expect(await probeProvider(real, 'cuda')).toMatch(/cuda|CUDA|provider|shared/i);
  });
});

describe("ONNX Runtime's profile", () => {
  it('is split into runs, each with the kernel times of the nodes inside it (us -> ms)', () => {
    const events = [
      { cat: 'Session', name: 'model_loading_array', ts: 0, dur: 500 },
      { cat: 'Session', name: 'model_run', ts: 1000, dur: 900 },
      { cat: 'Node', name: 'block1_conv1_kernel_time', ts: 1010, dur: 400, args: { op_name: 'Conv', provider: 'CPUExecutionProvider' } },
      { cat: 'Node', name: 'block1_conv1_fence_before', ts: 1005, dur: 0 },
      { cat: 'Node', name: 'predictions_kernel_time', ts: 1500, dur: 250, args: { op_name: 'Gemm', provider: 'CPUExecutionProvider' } },
      { cat: 'Session', name: 'model_run', ts: 3000, dur: 600 },
      { cat: 'Node', name: 'block1_conv1_kernel_time', ts: 3010, dur: 300 },
    ];
    const runs = splitRuns(events);
    expect(runs).toEqual([
      { runMs: 0.9, nodes: [{ node: 'block1_conv1', ms: 0.4, provider: 'CPUExecutionProvider' }, { node: 'predictions', ms: 0.25, provider: 'CPUExecutionProvider' }] },
      { runMs: 0.6, nodes: [{ node: 'block1_conv1', ms: 0.3, provider: undefined }] },
    ]);
    expect(() => splitRuns({})).toThrow('ONNX Runtime profile is not a list of events');
  });
});
