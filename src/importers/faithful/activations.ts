/**
 * Keras activation names, and how TF.js 4.22 computes each one the way Keras does.
 *
 * Source of every formula: Keras 3 `keras/src/activations/activations.py` (and Keras 2.x
 * `keras/activations.py` where the two differ: only `hard_sigmoid`). Keras 3 serialises `swish`
 * as `silu` and `hard_swish` as `hard_silu`; these aliases are listed under both names.
 *
 * Three cases per name:
 * - `native`: TF.js has an activation of that name (after its snake_case -> camelCase reading)
 *   computing the same function;
 * - `renamed`: TF.js computes the same function under another name (`silu` is TF.js's `swish`);
 * - `faithful`: TF.js has no such function; `apply` computes Keras's formula with TF.js ops.
 * Names not listed (`glu`, `sparsemax`, `threshold`, custom functions) are not executed.
 */
import type * as tfTypes from '@tensorflow/tfjs';

type Tf = typeof tfTypes;
type Tensor = tfTypes.Tensor;

/** How one Keras activation runs in TF.js. */
export type ActivationPlan =
  | { kind: 'native'; name: string }
  | { kind: 'renamed'; name: string; tfjs: string }
  | { kind: 'faithful'; name: string; formula: string; apply: (tf: Tf, x: Tensor) => Tensor };

type Faithful = Omit<Extract<ActivationPlan, { kind: 'faithful' }>, 'name' | 'kind'>;

/** Keras 3: relu6(x + 3) / 6. (Keras 2: clip(0.2 x + 0.5, 0, 1), which is TF.js's `hardSigmoid`.) */
const hardSigmoid3 = (tf: Tf, x: Tensor): Tensor => tf.div(tf.relu6(tf.add(x, 3)), 6);

const FAITHFUL: Record<string, Faithful> = {
  hard_silu: { formula: 'x * relu6(x + 3) / 6', apply: (tf, x) => tf.mul(x, hardSigmoid3(tf, x)) },
  leaky_relu: { formula: 'x if x >= 0 else 0.2 x', apply: (tf, x) => tf.leakyRelu(x, 0.2) },
  exponential: { formula: 'exp(x)', apply: (tf, x) => tf.exp(x) },
  celu: { formula: 'max(x, 0) + min(exp(x) - 1, 0)', apply: (tf, x) => tf.add(tf.relu(x), tf.minimum(tf.sub(tf.exp(x), 1), 0)) },
  hard_tanh: { formula: 'clip(x, -1, 1)', apply: (tf, x) => tf.clipByValue(x, -1, 1) },
  log_sigmoid: { formula: '-softplus(-x)', apply: (tf, x) => tf.neg(tf.softplus(tf.neg(x))) },
  tanh_shrink: { formula: 'x - tanh(x)', apply: (tf, x) => tf.sub(x, tf.tanh(x)) },
  squareplus: { formula: '(x + sqrt(x^2 + 4)) / 2', apply: (tf, x) => tf.div(tf.add(x, tf.sqrt(tf.add(tf.square(x), 4))), 2) },
  sparse_plus: {
    formula: '0 if x <= -1, x if x >= 1, else (x + 1)^2 / 4',
    apply: (tf, x) => tf.where(tf.lessEqual(x, -1), tf.zerosLike(x), tf.where(tf.greaterEqual(x, 1), x, tf.div(tf.square(tf.add(x, 1)), 4))),
  },
  sparse_sigmoid: { formula: 'clip((x + 1) / 2, 0, 1)', apply: (tf, x) => tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1) },
  soft_shrink: {
    formula: 'x - 0.5 if x > 0.5, x + 0.5 if x < -0.5, else 0',
    apply: (tf, x) => tf.where(tf.greater(x, 0.5), tf.sub(x, 0.5), tf.where(tf.less(x, -0.5), tf.add(x, 0.5), tf.zerosLike(x))),
  },
  hard_shrink: { formula: 'x if |x| > 0.5, else 0', apply: (tf, x) => tf.where(tf.greater(tf.abs(x), 0.5), x, tf.zerosLike(x)) },
};
FAITHFUL.hard_swish = FAITHFUL.hard_silu;

/** Keras names TF.js computes the same way under another name. */
const RENAMED: Record<string, string> = { silu: 'swish' };

/** Keras names TF.js has under the same name (after camel-casing), computing the same function. */
const NATIVE = new Set(['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'softmax', 'softplus', 'softsign', 'log_softmax', 'gelu', 'mish', 'swish']);

/** TF.js's reading of a snake_case value (`hard_silu` -> `hardSilu`), as its `convertPythonicToTs` does. */
export function tfjsCamelCase(name: string): string {
  return name.length <= 1 || !name.includes('_') ? name : name.replace(/[_]+(\w|$)/g, (_, c: string) => c.toUpperCase());
}

/**
 * How the Keras activation `name` runs in TF.js, or undefined when it cannot run faithfully.
 * `gelu` is Keras's exact (erf) form, as TF.js's `gelu`; `hard_sigmoid` differs by Keras version.
 * @param kerasMajor 3 for files written by Keras 3, else 2.
 */
export function activationPlan(name: string, kerasMajor: number): ActivationPlan | undefined {
  if (name === 'hard_sigmoid') {
    return kerasMajor >= 3 ? { kind: 'faithful', name, formula: 'relu6(x + 3) / 6 (Keras 3)', apply: hardSigmoid3 } : { kind: 'native', name };
  }
  if (NATIVE.has(name)) return { kind: 'native', name };
  if (name in RENAMED) return { kind: 'renamed', name, tfjs: RENAMED[name] };
  const faithful = FAITHFUL[name];
  return faithful ? { kind: 'faithful', name, ...faithful } : undefined;
}

/** The Keras name behind TF.js's camel-cased reading of it (`hardSilu` -> `hard_silu`), for the names above. */
export function kerasActivationName(tfjsName: string): string {
  const known = ['hard_sigmoid', ...NATIVE, ...Object.keys(RENAMED), ...Object.keys(FAITHFUL)];
  return known.find((n) => tfjsCamelCase(n) === tfjsName) ?? tfjsName;
}

/**
 * TF.js's activation object interface (`apply`, `getClassName`, `getConfig`) for a faithful
 * activation, so that TF.js layers call it where they call their own. Its class name is the
 * Keras name, which TF.js never fuses into a kernel.
 */
export function faithfulActivation(tf: Tf, plan: Extract<ActivationPlan, { kind: 'faithful' }>): { apply: (x: Tensor) => Tensor; getClassName: () => string; getConfig: () => object } {
  return { apply: (x) => tf.tidy(() => plan.apply(tf, x)), getClassName: () => plan.name, getConfig: () => ({}) };
}
