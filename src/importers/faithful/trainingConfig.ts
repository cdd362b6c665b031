/**
 * Training-only config: what a layer needs to be trained, not to compute its outputs.
 *
 * Keras writes initializers, regularizers and constraints on every layer with weights (and
 * Keras 2.2.4 wrote `kernel_initializer` / `kernel_regularizer` / `kernel_constraint` on every
 * SeparableConv2D, which has no `kernel`). TF.js refuses several of them ("Unknown regularizer:
 * L2" for Keras's `L2`, "Fields kernelInitializer ... are invalid for SeparableConv2D"), and none
 * changes what a layer computes for given weights, so they are dropped from the config TF.js sees.
 */

/** Kinds of training-only fields. */
export type TrainingConfigKind = 'initializers' | 'regularizers' | 'constraints';

/** The kind of a Keras config field, when it is training-only. */
export function trainingConfigKind(field: string): TrainingConfigKind | undefined {
  if (field.endsWith('_initializer')) return 'initializers';
  if (field.endsWith('_regularizer')) return 'regularizers';
  if (field.endsWith('_constraint')) return 'constraints';
  return undefined;
}

/**
 * The config without its training-only fields, and which non-null ones were dropped
 * (`{kind, field, value}`, value = the class name Keras wrote, e.g. `L2`).
 */
export function withoutTrainingConfig(config: Record<string, unknown>): { config: Record<string, unknown>; dropped: { kind: TrainingConfigKind; field: string; value: string }[] } {
  const out: Record<string, unknown> = {};
  const dropped: { kind: TrainingConfigKind; field: string; value: string }[] = [];
  for (const [field, value] of Object.entries(config)) {
    const kind = trainingConfigKind(field);
    if (!kind) {
      out[field] = value;
      continue;
    }
    if (value === null || value === undefined) continue;
    const named = typeof value === 'object' && typeof (value as { class_name?: unknown }).class_name === 'string' ? (value as { class_name: string }).class_name : String(value);
    dropped.push({ kind, field, value: named });
  }
  return { config: out, dropped };
}
