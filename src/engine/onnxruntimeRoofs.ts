/**
 * The roofs of the `onnxruntime` engine: the same probes as TF.js's (src/profiler/roofs.ts), as
 * one-node ONNX models run in sessions with the engine's own options (providers, threads, full
 * optimisation). Inputs are graph inputs, never initializers, so nothing is constant-folded.
 */
import type { RoofProbe } from '../profiler/roofs';
import { encodeModel, IR_VERSION, node, OPSET_VERSION, valueInfo } from '../onnx/proto';
import { sessionOptions, type OrtRuntime, type OrtSession, type OrtTensor } from './onnxruntime';

/** Side n of the matmul and of the 1x1 conv's channels (as the TF.js probe on fast engines). */
const MATMUL_N = 512;

/** A one-graph model: `nodes` from inputs of `inputs` shapes to output `y` of `out` shape. */
function model(name: string, nodes: ReturnType<typeof node>[], inputs: Record<string, number[]>, out: number[]): Uint8Array {
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'xception-profiler roofs',
    graph: { name, node: nodes, input: Object.entries(inputs).map(([n, s]) => valueInfo(n, s)), output: [valueInfo('y', out)] },
  });
}

/**
 * An ONNX Runtime probe. The add is followed by a ReduceSum to a scalar so that the run does not
 * copy a 16 MiB result back to JavaScript: 16 bytes per element (a, b read; c written and read).
 */
export function ortRoofProbe(runtime: OrtRuntime): RoofProbe {
  const sessions = new Map<string, { session: Promise<OrtSession>; feeds: Record<string, OrtTensor> }>();
  const tensor = (shape: number[]): OrtTensor => new runtime.ort.Tensor('float32', new Float32Array(shape.reduce((a, d) => a * d, 1)).fill(0.5), shape);
  const run = async (key: string, make: () => { bytes: Uint8Array; inputs: Record<string, number[]> }): Promise<void> => {
    let s = sessions.get(key);
    if (!s) {
      const { bytes, inputs } = make();
      s = { session: runtime.ort.InferenceSession.create(bytes, sessionOptions(runtime)), feeds: Object.fromEntries(Object.entries(inputs).map(([n, shape]) => [n, tensor(shape)])) };
      sessions.set(key, s);
    }
    await (await s.session).run(s.feeds);
  };
  return {
    matmulN: MATMUL_N,
    addBytesPerElement: 16,
    matmul: (n) => run(`mm${n}`, () => ({ bytes: model('matmul', [node('MatMul', ['a', 'b'], ['y'], 'mm')], { a: [n, n], b: [n, n] }, [n, n]), inputs: { a: [n, n], b: [n, n] } })),
    pointwiseConv: (n) => {
      const s = n / 32;
      return run(`pw${n}`, () => ({
        bytes: model('conv1x1', [node('Conv', ['x', 'w'], ['y'], 'pw', { kernel_shape: [1, 1] })], { x: [1, n, s, s], w: [n, n, 1, 1] }, [1, n, s, s]),
        inputs: { x: [1, n, s, s], w: [n, n, 1, 1] },
      }));
    },
    add: (elements) =>
      run(`add${elements}`, () => ({
        bytes: model('add', [node('Add', ['a', 'b'], ['c'], 'add'), node('ReduceSum', ['c'], ['y'], 'sum', { keepdims: 0 })], { a: [elements], b: [elements] }, []),
        inputs: { a: [elements], b: [elements] },
      })),
    dispose() {
      for (const s of sessions.values()) void s.session.then((x) => x.release()).catch(() => undefined);
      sessions.clear();
    },
  };
}
