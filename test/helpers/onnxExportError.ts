import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../../src/onnx/export';
import { maxErrors } from '../../src/profiler/correctness';

/**
 * Runs `model` on TF.js's cpu backend and its ONNX export in ONNX Runtime on the same random
 * NHWC input; returns the largest relative error over the outputs (max |ort - tf| / max |tf|),
 * the number of outputs and the dims of ORT's first output.
 */
export async function exportError(model: tf.LayersModel): Promise<{ rel: number; outputs: number; dims: readonly number[] }> {
  const exported = exportOnnx(model);
  const inputs = model.inputs.map((t, i) => tf.randomUniform([1, ...t.shape.slice(1).map((d) => d ?? 1)], -1, 1, 'float32', 5 + i));
  const out = model.predict(inputs.length === 1 ? inputs[0] : inputs);
  const refs = (Array.isArray(out) ? out : [out]).map((o) => o.dataSync());
  const session = await ort.InferenceSession.create(exported.bytes, { graphOptimizationLevel: 'all' });
  const feeds = Object.fromEntries(exported.inputNames.map((n, i) => [n, new ort.Tensor('float32', inputs[i].dataSync() as Float32Array, inputs[i].shape)]));
  const results = await session.run(feeds);
  await session.release();
  let rel = 0;
  const dims = results[exported.outputNames[0]].dims;
  exported.outputNames.forEach((n, i) => {
    const e = maxErrors(results[n].data as Float32Array, refs[i]);
    rel = Math.max(rel, e.rel);
  });
  tf.dispose([...inputs, ...(Array.isArray(out) ? out : [out])]);
  return { rel, outputs: refs.length, dims };
}
