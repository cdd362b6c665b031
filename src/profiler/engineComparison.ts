/**
 * Engines side by side: the same model's per-layer medians on each engine, and each engine's
 * time split by kind of work (regular conv, depthwise, pointwise, BN, element-wise): does the
 * separable convolution's MAC saving (Xception paper, section 3) show up on this engine?
 */
import type { ArchitectureReport, EngineComparison, LayerReport, OpKind } from '../report/schema';

/** Kinds in display order. */
export const OP_KINDS: readonly OpKind[] = ['regular conv', 'depthwise', 'pointwise', 'BN', 'element-wise', 'dense', 'other'];

const ELEMENTWISE_CLASSES = new Set([
  'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax', 'Add', 'Multiply', 'Subtract', 'Maximum', 'Minimum', 'Average',
  'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'ZeroPadding2D', 'Concatenate',
]);

/** Kind of a whole layer by its Keras class (used when no kernel says more). */
export function layerOpKind(className: string): OpKind {
  if (className === 'Conv2D' || className === 'Conv2DTranspose') return 'regular conv';
  if (className === 'DepthwiseConv2D') return 'depthwise';
  if (className === 'SeparableConv2D') return 'pointwise';
  if (className === 'BatchNormalization') return 'BN';
  if (className === 'Dense') return 'dense';
  return ELEMENTWISE_CLASSES.has(className) ? 'element-wise' : 'other';
}

const ROLE_KINDS: Record<string, OpKind> = { depthwise: 'depthwise', pointwise: 'pointwise', bn: 'BN', dense: 'dense', layout: 'other' };

/**
 * Kind of one kernel of a layer. TF.js kernels: `DepthwiseConv2dNative` is depthwise, the
 * `Conv2D` / `FusedConv2D` of a SeparableConv2D its pointwise part. ONNX Runtime nodes are
 * labelled `<op> [<roles>]` (src/onnx/fusion.ts): the first role decides (`Conv [pointwise+bn]`
 * is pointwise: the BN it absorbed costs nothing there).
 */
export function kernelOpKind(layer: Pick<LayerReport, 'className'>, kernel: string): OpKind {
  const roles = /\[([^\]]*)\]$/.exec(kernel)?.[1];
  if (roles !== undefined) {
    const first = roles.split('+')[0];
    if (first === 'conv') return layerOpKind(layer.className) === 'depthwise' ? 'depthwise' : 'regular conv';
    return ROLE_KINDS[first] ?? (layerOpKind(layer.className) === 'BN' ? 'BN' : 'element-wise');
  }
  if (/^Depthwise/.test(kernel)) return 'depthwise';
  if (layer.className === 'SeparableConv2D' && /Conv2D$/.test(kernel)) return 'pointwise';
  const kind = layerOpKind(layer.className);
  // A separable layer's other kernels (bias add, activation) are element-wise work.
  return layer.className === 'SeparableConv2D' ? 'element-wise' : kind;
}

/** Milliseconds per kind of work in `report` (kernel medians; a layer without kernels by its class). */
export function kindSplit(report: ArchitectureReport): Record<OpKind, number> {
  const out = Object.fromEntries(OP_KINDS.map((k) => [k, 0])) as Record<OpKind, number>;
  for (const l of report.layers) {
    const t = l.timing;
    if (!t || t.medianMs == null) continue;
    const kernels = t.kernels.filter((k) => k.medianMs != null && Number.isFinite(k.medianMs));
    if (!kernels.length) {
      out[layerOpKind(l.className)] += t.medianMs;
      continue;
    }
    for (const k of kernels) out[kernelOpKind(l, k.name)] += k.medianMs!;
  }
  return out;
}

/**
 * Puts reports of the same model on different engines side by side.
 * @param reports one per engine that ran, in column order (each with `engine` and timings).
 * @param skipped engines asked for that did not run.
 */
export function compareEngines(reports: ArchitectureReport[], skipped: EngineComparison['skipped'] = []): EngineComparison {
  const byEngine = reports.map((r) => new Map(r.layers.map((l) => [l.name, l])));
  const base = reports[0]?.layers ?? [];
  const splits = reports.map(kindSplit);
  return {
    engines: reports.map((r) => ({
      name: r.engine!.name,
      label: r.engine!.name === 'onnxruntime' ? `onnxruntime (${r.engine!.backend.replace(/^onnxruntime-/, '')})` : r.engine!.name,
      predictMedianMs: r.timing?.predictMedianMs ?? null,
      profiledMedianMs: r.timing?.profiledMedianMs ?? null,
      why: r.engine!.why,
    })),
    skipped,
    layers: base.map((l) => ({
      name: l.name,
      className: l.className,
      macs: l.macs,
      medianMs: byEngine.map((m) => m.get(l.name)?.timing?.medianMs ?? null),
      foldedInto: byEngine.map((m) => m.get(l.name)?.timing?.foldedInto ?? null),
    })),
    kinds: OP_KINDS.map((kind) => ({ kind, ms: splits.map((s) => s[kind]) })).filter((k) => k.ms.some((v) => v > 0)),
  };
}
