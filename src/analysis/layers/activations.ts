/**
 * Keras activation functions: canonical name of every spelling Keras 2, Keras 3 and TF.js write,
 * and the element-wise ops each costs per output value (inference). Keras 3 renamed `swish` to
 * `silu` and `hard_swish` to `hard_silu` (keras/src/activations/activations.py keeps both names).
 *
 * Ops per value: relu 1 (max); relu6 2 (max, min); leaky_relu 2 (multiply, max); elu 3; selu 4
 * (elu and a scale); softplus 2 (exp, log1p); softsign 3 (abs, add, divide); sigmoid 3 (exp, add,
 * divide); hard_sigmoid 3 (multiply-add, clip); silu / swish 4 (sigmoid, multiply); hard_silu /
 * hard_swish 5 (add, clip, multiply, divide); gelu 8 (tanh approximation: cube, multiply-adds,
 * tanh); tanh 5; softmax 3 (exp, sum, divide); log_softmax 4; exponential 1; mish 8 (softplus,
 * tanh, multiply); hard_tanh 2 (clip); log_sigmoid 3.
 */
import { isObject } from '../../report/guards';

/** Ops per output value of each canonical activation. */
const OPS: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  leaky_relu: 2,
  elu: 3,
  selu: 4,
  celu: 4,
  softplus: 2,
  softsign: 3,
  sigmoid: 3,
  hard_sigmoid: 3,
  silu: 4,
  hard_silu: 5,
  gelu: 8,
  tanh: 5,
  softmax: 3,
  log_softmax: 4,
  exponential: 1,
  mish: 8,
  hard_tanh: 2,
  log_sigmoid: 3,
};

/** Other spellings of the same functions. */
const ALIASES: Record<string, string> = {
  swish: 'silu',
  hard_swish: 'hard_silu',
  hardSigmoid: 'hard_sigmoid',
  hardswish: 'hard_silu',
  logSoftmax: 'log_softmax',
  leakyRelu: 'leaky_relu',
};

/**
 * The activation a config field names: a string (`"relu"`), null / absent (linear), or Keras 3's
 * serialised form `{"class_name": "function", "config": "relu", ...}`.
 * @returns the name as written, or undefined for none.
 */
export function activationName(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (isObject(value)) {
    if (typeof value.config === 'string') return value.config;
    if (isObject(value.config) && typeof value.config.name === 'string') return value.config.name;
    if (typeof value.class_name === 'string') return value.class_name;
  }
  return undefined;
}

/** Canonical Keras 3 name of an activation spelling (`swish` -> `silu`); unknown names unchanged. */
export function canonicalActivation(name: string): string {
  return ALIASES[name] ?? name;
}

/** True when the activation is one this table knows. */
export function isKnownActivation(name: string): boolean {
  return canonicalActivation(name) in OPS;
}

/**
 * Element-wise ops of an activation over `outputValues` values. An unknown name counts 1 op per
 * value (the analysis notes the layer).
 */
export function activationOps(value: unknown, outputValues: number): number {
  const name = activationName(value);
  if (name === undefined) return 0;
  return (OPS[canonicalActivation(name)] ?? 1) * outputValues;
}
