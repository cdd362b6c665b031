import type * as tfTypes from '@tensorflow/tfjs';

/** Half-width of the uniform range of a weight: ~ sqrt(3 / fan-in) for kernels (keeps activations O(1) through deep nets). */
function range(name: string, shape: number[]): [number, number] {
  if (/moving_variance|gamma/.test(name)) return [0.5, 1.5];
  if (!/kernel/.test(name)) return [-0.5, 0.5];
  const fanIn = /depthwise/.test(name) ? shape[0] * shape[1] : shape.slice(0, -1).reduce((a, d) => a * d, 1);
  const r = Math.sqrt(3 / Math.max(fanIn, 1));
  return [-r, r];
}

/**
 * Gives every weight of `model` seeded random values (BN moving variances and gammas positive,
 * kernels scaled by their fan-in), so that a comparison of two engines cannot pass on initial
 * weights (zeros, ones, identity BN).
 */
export function randomizeWeights(tf: typeof tfTypes, model: tfTypes.LayersModel, seed = 11): void {
  let s = seed;
  for (const layer of model.layers) {
    if ('nodesByDepth' in layer) {
      randomizeWeights(tf, layer as unknown as tfTypes.LayersModel, s + 1000);
      continue;
    }
    if (!layer.weights.length) continue;
    const values = layer.weights.map((w) => {
      const [lo, hi] = range(w.originalName ?? w.name, w.shape as number[]);
      return tf.randomUniform(w.shape as number[], lo, hi, 'float32', s++);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}
