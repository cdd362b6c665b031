/**
 * "Correct before fast" for ONNX Runtime, as `checkAgainstCpu` does for the TF.js engines: the
 * first layer of each kind, alone in a model (a copy with the same config and weights, on the
 * same reduced input shape `testShapes` picks), is exported to ONNX and run in ONNX Runtime, and
 * its output is compared with TF.js's plain-JS `cpu` backend (relative tolerance 1e-4). This
 * checks the export and ORT's kernels together, which is what the timings measure.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { exportOnnx } from '../onnx/export';
import { shortReason } from '../report/guards';
import { CORRECTNESS_RTOL, layerKind, maxErrors, testShapes, type CorrectnessResult } from '../profiler/correctness';
import { feeds, sessionOptions, type OrtRuntime } from './onnxruntime';

type Tf = typeof tfTypes;
type Layer = tfTypes.layers.Layer;

/** `layer` alone in a model: a fresh layer of the same class, config and weights, inputs of `shapes` (batch 1). */
function singleLayerModel(tf: Tf, layer: Layer, shapes: number[][]): tfTypes.LayersModel {
  const cls = layer.constructor as unknown as { fromConfig: (cls: unknown, config: object) => Layer };
  const config = layer.getConfig();
  // TF.js 4.22's SeparableConv2D.getConfig leaves out depthMultiplier: the copy would get 1.
  const depthMultiplier = (layer as unknown as { depthMultiplier?: number }).depthMultiplier;
  if (depthMultiplier !== undefined) config.depthMultiplier = depthMultiplier;
  const copy = cls.fromConfig(layer.constructor, config);
  const inputs = shapes.map((s) => tf.input({ batchShape: [1, ...s.slice(1)] }));
  const out = copy.apply(inputs.length === 1 ? inputs[0] : inputs) as tfTypes.SymbolicTensor;
  copy.setWeights(layer.getWeights());
  return tf.model({ inputs, outputs: out });
}

/**
 * Runs the first layer of each kind of `model` in ONNX Runtime and on TF.js `cpu` (the active
 * backend of the `onnxruntime` engine's `tf`), on the same random input.
 * @returns one check per kind; a kind that cannot be run alone (a nested model) is `ok` with an
 *   `error` saying it was not checked.
 */
export async function checkOnnxAgainstCpu(tf: Tf, runtime: OrtRuntime, model: tfTypes.LayersModel): Promise<CorrectnessResult> {
  const result: CorrectnessResult = { backend: 'onnxruntime', checks: [] };
  const byKind = new Map<string, Layer[]>();
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const kind = layerKind(layer);
    byKind.set(kind, [...(byKind.get(kind) ?? []), layer]);
  }
  for (const [kind, layers] of byKind) {
    const layer = layers[0];
    const names = layers.map((l) => l.name);
    let single: tfTypes.LayersModel | undefined;
    let inputs: tfTypes.Tensor[] = [];
    try {
      if ('nodesByDepth' in layer) throw new Error('a nested model is checked through its own layers only in the whole-model test');
      const shapes = testShapes(layer);
      single = singleLayerModel(tf, layer, shapes);
      inputs = shapes.map((s) => tf.randomUniform(s, -1, 1, 'float32', 7));
      const reference = tf.tidy(() => (single!.predict(inputs.length === 1 ? inputs[0] : inputs) as tfTypes.Tensor).dataSync() as Float32Array);
      const exported = exportOnnx(single, { batch: 1 });
      let onOrt: Float32Array;
      try {
        const session = await runtime.ort.InferenceSession.create(exported.bytes, sessionOptions(runtime));
        const out = await session.run(feeds(runtime, exported.inputNames, inputs.map((t) => ({ data: t.dataSync() as Float32Array, shape: t.shape }))));
        onOrt = out[exported.outputNames[0]].data as Float32Array;
        await session.release();
      } catch (error) {
        result.checks.push({ layer: layer.name, layers: names, kind, maxAbsError: Infinity, maxRelError: Infinity, ok: false, error: `fails on onnxruntime: ${shortReason(error)}` });
        continue;
      }
      const { abs, rel } = maxErrors(onOrt, reference);
      result.checks.push({ layer: layer.name, layers: names, kind, maxAbsError: abs, maxRelError: rel, ok: rel <= CORRECTNESS_RTOL });
    } catch (error) {
      result.checks.push({ layer: layer.name, layers: names, kind, maxAbsError: NaN, maxRelError: NaN, ok: true, error: `not checked: ${shortReason(error)}` });
    } finally {
      tf.dispose(inputs);
      single?.dispose();
    }
  }
  return result;
}
