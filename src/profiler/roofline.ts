/**
 * The roofline model (Williams, Waterman, Patterson, "Roofline: an insightful visual performance
 * model for multicore architectures", CACM 2009), per layer: arithmetic intensity (FLOPs per byte
 * moved) from the static analysis, achieved GFLOP/s from the measured medians, and where each
 * layer stands under an engine's two roofs (measured by `roofs.ts`).
 *
 * Bytes moved are the minimum traffic of the layer: every input, weight and output value read or
 * written once (the convention of the roofline paper and of Nsight Compute's / Intel Advisor's
 * "DRAM" roofline). A SeparableConv2D runs as two kernels on every TF.js engine
 * (`DepthwiseConv2dNative`, then a 1x1 `Conv2D`, Xception paper section 2), so it has two points:
 * its depthwise part (input -> intermediate) and its pointwise part (intermediate -> output).
 *
 * Pure functions of the report, no runtime dependencies: the webview imports this module.
 */
import type { ArchitectureReport, EngineRoofs, LayerReport, RooflineKind, RooflinePart, Shape } from '../report/schema';

/** Values of a shape with the batch (and any unknown) dimension left out. */
function values(shape: Shape): number {
  return shape.slice(1).reduce<number>((n, d) => n * (d ?? 1), 1);
}

/** Bytes per value of a layer (float32: 4), from its output size; 4 when the output is empty. */
function bytesPerValue(layer: LayerReport): number {
  const n = values(layer.outputShape);
  return n > 0 && layer.activationBytes > 0 ? layer.activationBytes / n : 4;
}

/** `3x3` (the report's config form) -> 9; 1 when absent or unreadable. */
function kernelArea(layer: LayerReport): number {
  const k = layer.config.kernelSize;
  if (typeof k === 'number') return k * k;
  if (typeof k !== 'string') return 1;
  const dims = k.split('x').map(Number);
  const area = dims.length === 1 ? dims[0] * dims[0] : dims.reduce((a, b) => a * b, 1);
  return Number.isFinite(area) && area > 0 ? area : 1;
}

/**
 * The roofline kind of a layer (the colour of its dot), or undefined for layers that compute
 * nothing (InputLayer, Flatten, Reshape, Dropout, ZeroPadding2D, ...). A Conv2D with a 1x1
 * kernel is `pointwise`; a SeparableConv2D is `separable` as a whole, its parts `depthwise` and
 * `pointwise` (see `layerIntensity`).
 */
export function rooflineKind(layer: LayerReport): RooflineKind | undefined {
  switch (layer.className) {
    case 'Conv2D':
    case 'Conv2DTranspose':
      return kernelArea(layer) === 1 && layer.className === 'Conv2D' ? 'pointwise' : 'conv';
    case 'DepthwiseConv2D':
      return 'depthwise';
    case 'SeparableConv2D':
      return 'separable';
    case 'Dense':
      return 'dense';
    case 'BatchNormalization':
    case 'LayerNormalization':
      return 'bn';
    case 'MaxPooling2D':
    case 'AveragePooling2D':
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      return 'pool';
    default:
      return layer.macs > 0 ? 'conv' : layer.elementwiseOps > 0 ? 'elementwise' : undefined;
  }
}

/** One part's numbers for `batch` images: N x per-image activations, weights once. */
function part(name: RooflinePart['part'], kind: RooflineKind, flopsPerImage: number, activationBytesPerImage: number, weightBytes: number, batch: number): RooflinePart {
  const flops = flopsPerImage * batch;
  const bytes = activationBytesPerImage * batch + weightBytes;
  return { part: name, kind, flops, bytes, intensity: bytes > 0 ? flops / bytes : 0 };
}

/**
 * Arithmetic intensity of one layer for a pass of `batch` images: one part (`layer`), and for a
 * SeparableConv2D also its `depthwise` and `pointwise` parts (the whole layer, kind `separable`,
 * counts its input, weights and output; the parts count the intermediate tensor too). Empty for
 * layers that compute nothing.
 *
 * - FLOPs: 2 x MACs for layers with MACs (1 MAC = 2 FLOPs); the element-wise ops otherwise
 *   (BatchNormalization 2 per value, pooling, Add, activations; counting rules of the analysis).
 * - Bytes: batch x (inputs + outputs) + weights, each value read or written once, at the layer's
 *   bytes per value (float32: 4).
 * - SeparableConv2D (Keras: depthwise kh x kw x Cin x depthMultiplier, then pointwise
 *   1 x 1 x (Cin x depthMultiplier) x Cout + bias): the depthwise part reads the input and writes
 *   the intermediate Hout x Wout x Cin x depthMultiplier; the pointwise part reads it and writes
 *   the output. MACs split by the analysis's `pointwiseMacs`.
 *
 * Pinned by test/profiler/roofline.test.ts with hand-worked values (Conv2D, DepthwiseConv2D,
 * pointwise Conv2D, SeparableConv2D, BatchNormalization, Dense).
 */
export function layerIntensity(layer: LayerReport, batch = 1): RooflinePart[] {
  const kind = rooflineKind(layer);
  if (!kind) return [];
  const bpv = bytesPerValue(layer);
  const inBytes = layer.inputShapes.reduce((n, s) => n + values(s), 0) * bpv;
  const outBytes = layer.activationBytes;
  if (layer.className === 'SeparableConv2D' && layer.pointwiseMacs != null) {
    const cin = layer.inputShapes[0]?.[3] ?? 0;
    const depthMultiplier = typeof layer.config.depthMultiplier === 'number' ? layer.config.depthMultiplier : 1;
    const outSpatial = values(layer.outputShape) / (layer.outputShape[3] ?? 1);
    const midBytes = outSpatial * (cin ?? 0) * depthMultiplier * bpv;
    const depthwiseWeights = kernelArea(layer) * (cin ?? 0) * depthMultiplier * bpv;
    return [
      part('layer', 'separable', 2 * layer.macs, inBytes + outBytes, layer.weightBytes, batch),
      part('depthwise', 'depthwise', 2 * (layer.macs - layer.pointwiseMacs), inBytes + midBytes, depthwiseWeights, batch),
      part('pointwise', 'pointwise', 2 * layer.pointwiseMacs, midBytes + outBytes, layer.weightBytes - depthwiseWeights, batch),
    ];
  }
  const flops = layer.macs > 0 ? 2 * layer.macs : layer.elementwiseOps;
  return [part('layer', kind, flops, inBytes + outBytes, layer.weightBytes, batch)];
}

/** Puts each layer's intensity parts (for `batch` images per pass) into the report. */
export function withIntensity(report: ArchitectureReport, batch: number): ArchitectureReport {
  return {
    ...report,
    layers: report.layers.map((l) => {
      const parts = layerIntensity(l, batch);
      return parts.length ? { ...l, roofline: parts } : l;
    }),
    roofline: { ...report.roofline, batch },
  };
}

/**
 * Measured median of one part of a layer, ms: the layer's median for a whole layer; for the parts
 * of a separable conv, the medians of its depthwise kernels (`DepthwiseConv2dNative`, ORT's
 * `Conv [depthwise]`) or of its pointwise ones (`Conv2D`, `FusedConv2D`, ORT's `Conv [pointwise...]`).
 * Null when not timed.
 */
export function partMedianMs(layer: LayerReport, which: RooflinePart['part']): number | null {
  const t = layer.timing;
  if (!t) return null;
  if (which === 'layer') return t.medianMs != null && Number.isFinite(t.medianMs) ? t.medianMs : null;
  // TF.js kernels (DepthwiseConv2dNative; Conv2D / FusedConv2D) or ONNX Runtime nodes (`Conv [depthwise]`, `Conv [pointwise+bn]`).
  const isDepthwise = (name: string): boolean => name.startsWith('Depthwise') || name.includes('[depthwise');
  const isPointwise = (name: string): boolean => (/Conv2D$/.test(name) && !isDepthwise(name)) || name.includes('[pointwise');
  const kernels = t.kernels.filter((k) => (which === 'depthwise' ? isDepthwise(k.name) : isPointwise(k.name)));
  if (!kernels.length || kernels.some((k) => k.medianMs == null || !Number.isFinite(k.medianMs))) return null;
  return kernels.reduce((s, k) => s + k.medianMs!, 0);
}

/** A dot of the roofline chart: one layer, or one part of a separable conv. */
export interface RooflinePoint {
  layer: string;
  part: RooflinePart['part'];
  kind: RooflineKind;
  /** FLOPs per byte moved. */
  intensity: number;
  /** Achieved GFLOP/s (part FLOPs per pass / part median), null until timed. */
  gflops: number | null;
  /** Median of the part, ms per pass. */
  ms: number | null;
}

/**
 * Every layer part with an intensity, with its achieved GFLOP/s once timed, in execution order.
 * `kernels`: the points of the chart, a separable conv as its depthwise and pointwise kernels;
 * `layers`: one point per layer (a separable conv as a whole).
 */
export function rooflinePoints(report: ArchitectureReport, which: 'kernels' | 'layers' = 'kernels'): RooflinePoint[] {
  const points: RooflinePoint[] = [];
  for (const l of report.layers) {
    const parts = l.roofline ?? [];
    const split = parts.length > 1;
    for (const p of parts) {
      if (which === 'layers' ? p.part !== 'layer' : split && p.part === 'layer') continue;
      const ms = partMedianMs(l, p.part);
      const gflops = ms != null && ms > 0 && p.flops > 0 ? p.flops / (ms * 1e6) : null;
      points.push({ layer: l.name, part: p.part, kind: p.kind, intensity: p.intensity, gflops, ms });
    }
  }
  return points;
}

/** Where a point stands under the roofs. */
export interface Standing {
  /** Memory-bound left of the ridge (intensity < peak / bandwidth), compute-bound right of it. */
  bound: 'memory' | 'compute';
  /** Attainable GFLOP/s at this intensity: min(peak, bandwidth x intensity). */
  attainableGflops: number;
  /** achieved / attainable (0..1, above 1 when the part beat the measured roof). */
  fraction: number;
}

/** The ridge point: the intensity (FLOPs per byte) where the bandwidth roof meets the compute roof. */
export function ridgeIntensity(roofs: EngineRoofs): number {
  return roofs.computeGflops / roofs.bandwidthGBs;
}

/** The bandwidth roof at `intensity` FLOPs per byte, GFLOP/s: bandwidth (GB/s) x intensity. */
export function memoryRoofGflops(roofs: EngineRoofs, intensity: number): number {
  return roofs.bandwidthGBs * intensity;
}

/** Attainable GFLOP/s at `intensity` (the roofline itself): min(peak, bandwidth x intensity). */
export function attainableGflops(roofs: EngineRoofs, intensity: number): number {
  return Math.min(memoryRoofGflops(roofs, intensity), roofs.computeGflops);
}

/** Where `point` stands under `roofs`; undefined until it is timed or when it has no FLOPs. */
export function standing(point: Pick<RooflinePoint, 'intensity' | 'gflops'>, roofs: EngineRoofs): Standing | undefined {
  if (point.gflops == null || !(point.intensity > 0)) return undefined;
  const bound = memoryRoofGflops(roofs, point.intensity) < roofs.computeGflops ? 'memory' : 'compute';
  const attainable = attainableGflops(roofs, point.intensity);
  return { bound, attainableGflops: attainable, fraction: point.gflops / attainable };
}

/**
 * `memory-bound: 38 % of the bandwidth roof` / `compute-bound: 71 % of peak`. The bandwidth roof
 * is memory's (its probe streams 3x the L3); a layer whose tensors stay in the caches can beat
 * it, and the text says so rather than show an impossible share.
 */
export function standingText(s: Standing): string {
  const pct = `${(100 * s.fraction).toFixed(s.fraction < 0.1 ? 1 : 0)} %`;
  if (s.bound === 'compute') return `compute-bound: ${pct} of peak`;
  return s.fraction > 1 ? `memory-bound: ${pct} of the bandwidth roof (above it: its data stays in the caches)` : `memory-bound: ${pct} of the bandwidth roof`;
}

/** Intensity with 3 significant digits: `0.250`, `21.9`, `131`. */
export function formatIntensity(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}
