/**
 * Readers of Keras layer config fields (snake_case, as Keras and the TF.js converter write them),
 * applying Keras's defaults and rejecting impossible values with a `ModelFileError` that names the
 * layer and the field. Shared by every entry of the layer registry (registry.ts).
 */
import { ModelFileError, preview, type ModelFileLocation } from '../../importers/errors';

/** Where a config problem is: gives the location of a field of the layer being read. */
export type At = (field?: string) => ModelFileLocation;
/** A Keras layer config (snake_case keys). */
export type Config = Record<string, unknown>;

/** Product of a list of sizes. */
export function product(dims: number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/** A positive integer field; `fallback` is Keras's default when the field is absent. */
export function positiveInt(config: Config, field: string, at: At, fallback?: number): number {
  const v = config[field] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ModelFileError(`expected a positive integer, got ${preview(v)}`, at(field));
  if (v <= 0) throw new ModelFileError(`must be positive, got ${v}`, at(field));
  return v;
}

/** An int or a list of one or two ints (height, width), each >= min. */
export function pair(config: Config, field: string, at: At, fallback: number | undefined, min = 1): [number, number] {
  const v = config[field] ?? fallback;
  const list = typeof v === 'number' ? [v, v] : Array.isArray(v) && (v.length === 1 || v.length === 2) ? [v[0], v[v.length - 1]] : undefined;
  if (!list || list.some((x) => typeof x !== 'number' || !Number.isInteger(x))) {
    throw new ModelFileError(`expected an integer or a pair of integers, got ${preview(v)}`, at(field));
  }
  const [a, b] = list as [number, number];
  if (a < min || b < min) {
    if (field === 'dilation_rate') throw new ModelFileError(`a dilation rate of ${preview(v)} is not allowed; it must be at least 1 (1 = no dilation)`, at(field));
    throw new ModelFileError(min >= 1 ? `must be positive, got ${preview(v)}` : `must not be negative, got ${preview(v)}`, at(field));
  }
  return [a, b];
}

/** `padding`: "valid" (Keras's default) or "same", any case. */
export function paddingMode(config: Config, at: At): 'valid' | 'same' {
  const v = typeof config.padding === 'string' ? config.padding.toLowerCase() : config.padding ?? 'valid';
  if (v !== 'valid' && v !== 'same') throw new ModelFileError(`expected "valid" or "same", got ${preview(config.padding)}`, at('padding'));
  return v;
}

/** Throws unless `data_format` is absent or channels_last (NHWC). */
function channelsLast(config: Config, at: At): void {
  const f = config.data_format;
  if (f !== undefined && f !== null && f !== 'channels_last') {
    throw new ModelFileError(`data_format ${preview(f)} is not supported; the analysis and profiling use NHWC (channels_last)`, at('data_format'));
  }
}

/** Throws unless `dims` (batch excluded) has rank `expected` - 1. */
export function rank(dims: number[], expected: number, at: At, what = 'input'): void {
  if (dims.length !== expected - 1) {
    throw new ModelFileError(`expects a ${expected}-D ${expected === 4 ? 'NHWC ' : ''}${what}, got [null, ${dims.join(', ')}]`, at('input'));
  }
}

/**
 * The prologue of every 2-D spatial layer (convolutions, pooling, padding, cropping, upsampling):
 * throws unless `data_format` is channels_last and `input` (batch excluded) is [H, W, C].
 */
export function nhwcInput(config: Config, input: number[], at: At): void {
  channelsLast(config, at);
  rank(input, 4, at);
}

/** A boolean field with Keras's default. */
export function bool(config: Config, field: string, fallback: boolean): boolean {
  return typeof config[field] === 'boolean' ? (config[field] as boolean) : fallback;
}

/**
 * Keras `conv_utils.conv_output_length` for height and width; throws when a valid-padded (dilated)
 * window does not fit its input.
 */
export function windowOutput(
  input: [number, number],
  window: [number, number],
  strides: [number, number],
  dilation: [number, number],
  padding: 'valid' | 'same',
  field: string,
  at: At,
): [number, number] {
  const effective: [number, number] = [(window[0] - 1) * dilation[0] + 1, (window[1] - 1) * dilation[1] + 1];
  if (padding === 'same') return [Math.ceil(input[0] / strides[0]), Math.ceil(input[1] / strides[1])];
  if (input[0] < effective[0] || input[1] < effective[1]) {
    const dilated = dilation[0] > 1 || dilation[1] > 1 ? ` (${effective[0]}x${effective[1]} with dilation)` : '';
    throw new ModelFileError(
      `${field} ${window[0]}x${window[1]}${dilated} is larger than its input ${input[0]}x${input[1]} with padding "valid"; pad the input or use padding "same"`,
      at(field),
    );
  }
  return [Math.floor((input[0] - effective[0]) / strides[0]) + 1, Math.floor((input[1] - effective[1]) / strides[1]) + 1];
}

/** Strides and dilation of a conv, with Keras's rule that they are not both > 1. */
export function stridesAndDilation(config: Config, at: At): { strides: [number, number]; dilation: [number, number] } {
  const strides = pair(config, 'strides', at, 1);
  const dilation = pair(config, 'dilation_rate', at, 1);
  if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
    throw new ModelFileError(`strides ${preview(config.strides)} > 1 cannot be combined with dilation_rate ${preview(config.dilation_rate)} > 1 (Keras's rule)`, at('strides'));
  }
  return { strides, dilation };
}

/** `[[top, bottom], [left, right]]` from an int, a pair, or a pair of pairs (ZeroPadding2D, Cropping2D). */
export function sides(config: Config, field: string, at: At, fallback: number): [[number, number], [number, number]] {
  const v = config[field] ?? fallback;
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
  let result: [[number, number], [number, number]] | undefined;
  if (ok(v)) result = [[v, v], [v, v]];
  else if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) result = [[v[0], v[0]], [v[1], v[1]]];
  else if (Array.isArray(v) && v.length === 2 && v.every((p) => Array.isArray(p) && p.length === 2 && ok(p[0]) && ok(p[1]))) {
    result = [[v[0][0], v[0][1]], [v[1][0], v[1][1]]] as [[number, number], [number, number]];
  }
  if (!result) throw new ModelFileError(`expected an integer, [rows, columns] or [[top, bottom], [left, right]], got ${preview(v)}`, at(field));
  if (result.flat().some((x) => x < 0)) throw new ModelFileError(`must not be negative, got ${preview(v)}`, at(field));
  return result;
}

/** Normalises an axis (negative counts from the end) of a shape of rank `rankWithBatch` (batch included). */
export function axisOf(value: unknown, rankWithBatch: number, field: string, at: At): number {
  const axis = typeof value === 'number' ? value : Array.isArray(value) && value.length === 1 && typeof value[0] === 'number' ? value[0] : undefined;
  if (axis === undefined || !Number.isInteger(axis)) throw new ModelFileError(`expected an axis (an integer), got ${preview(value)}`, at(field));
  const a = axis < 0 ? axis + rankWithBatch : axis;
  if (a < 1 || a >= rankWithBatch) throw new ModelFileError(`axis ${axis} is out of range for a ${rankWithBatch}-D input (the batch axis 0 is not allowed)`, at(field));
  return a;
}
