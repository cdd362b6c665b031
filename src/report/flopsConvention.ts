/**
 * The FLOPs conventions the views and exports can count by (setting
 * `xceptionProfiler.flopsConvention`). The numbers come from the report; this module only picks
 * and combines them. No runtime dependencies.
 *
 * - `macs`: multiply-accumulates (the report's `macs`).
 * - `flops`: 2 x MACs (one multiply and one add per MAC; the report's `flops`).
 * - `tf-profiler`: the report's `tfProfilerFlops`: 2 x MACs plus the comparisons of max pooling,
 *   to match the `float_ops` of `tf.compat.v1.profiler` (the layer registry computes it, see
 *   `src/analysis/layers/registry.ts`). tf.profiler also counts a few element-wise ops (Add,
 *   BiasAdd, Mean, Softmax) that this convention leaves out, as the setting's definition says.
 */
import type { LayerReport } from './schema';
import { formatCount } from './format';

/** How compute is counted where a view shows one number per layer. */
export type FlopsConvention = 'macs' | 'flops' | 'tf-profiler';

/** All conventions, in the order the setting lists them. */
export const FLOPS_CONVENTIONS: readonly FlopsConvention[] = ['macs', 'flops', 'tf-profiler'];

/** True for a known convention id. */
export function isFlopsConvention(x: unknown): x is FlopsConvention {
  return typeof x === 'string' && (FLOPS_CONVENTIONS as readonly string[]).includes(x);
}

/**
 * FLOPs of one layer per image under `convention`: the report's `flops` (2 x MACs), or its
 * `tfProfilerFlops` under `tf-profiler`. (`macs` counts FLOPs as 2 x MACs: it only changes which
 * number a view leads with, see `layerCount`.)
 */
export function layerFlops(layer: LayerReport, convention: FlopsConvention): number {
  return convention === 'tf-profiler' ? layer.tfProfilerFlops : layer.flops;
}

/** The one number a view shows for a layer's compute: MACs, or FLOPs under `convention`. */
export function layerCount(layer: LayerReport, convention: FlopsConvention): number {
  return convention === 'macs' ? layer.macs : layerFlops(layer, convention);
}

/** Sum of `layerCount` over layers (for blocks, flows, the model). */
export function sumCount(layers: Iterable<LayerReport>, convention: FlopsConvention): number {
  let n = 0;
  for (const l of layers) n += layerCount(l, convention);
  return n;
}

/** Unit word of `layerCount`: `MACs` or `FLOPs`. */
export function countUnit(convention: FlopsConvention): 'MACs' | 'FLOPs' {
  return convention === 'macs' ? 'MACs' : 'FLOPs';
}

/** `734517784, 'macs'` -> `734.5M MACs`; `1469035568, 'flops'` -> `1.47G FLOPs`. */
export function formatLayerCount(n: number, convention: FlopsConvention): string {
  return `${formatCount(n)} ${countUnit(convention)}`;
}

/** One line saying how FLOPs are counted, for footnotes and tooltips. */
export function describeFlopsConvention(convention: FlopsConvention): string {
  switch (convention) {
    case 'macs':
      return 'MACs: multiply-accumulates per image (1 MAC = 2 FLOPs)';
    case 'flops':
      return 'FLOPs = 2 x MACs per image';
    case 'tf-profiler':
      return "FLOPs = 2 x MACs plus max-pool comparisons (kernel area x output values), as tf.profiler's float_ops counts them";
  }
}
