/**
 * The report: the one contract between the code that computes (analysis, profiler) and the code
 * that shows (webview, tree, hovers, status bar, exporters). Plain JSON, versioned by
 * `schemaVersion`; documented field by field in the README ("Report format").
 *
 * Conventions used by every number in a report:
 * - Shapes are NHWC with the batch dimension as `null` (Keras's `model.summary()` convention).
 * - MACs and FLOPs are per image (batch 1). 1 MAC = 2 FLOPs (one multiply, one add).
 * - MACs count only Conv2D, the depthwise and pointwise parts of SeparableConv2D,
 *   DepthwiseConv2D, Conv2DTranspose and Dense. BatchNormalization, activations, Add, pooling and
 *   bias adds are element-wise ops, counted in `elementwiseOps`, never in `macs`.
 * - Bytes are float32 (4 bytes per value) unless the layer's dtype says otherwise.
 * - Times are milliseconds of wall-clock time.
 *
 * Provenance: each numeric field below names the function that computes it (`from`) and the test
 * that pins its value (`test`), so that any number on screen leads to its formula in one step.
 * Views (the view-model `viewModel.ts` and what renders it) only format these numbers.
 *
 * This module has no runtime dependencies so that the webview bundle can import it.
 */

/** Version of the report format. Bump on any incompatible change. */
export const SCHEMA_VERSION = 1 as const;

/** A tensor shape, NHWC for images, with `null` for the batch (or any unknown) dimension. */
export type Shape = (number | null)[];

/** Parameter counts (number of scalar weights, not bytes). */
export interface ParamCounts {
  /**
   * Weights updated by training (kernels, biases, BN gamma/beta).
   * From `analyzeTopology` (the registry's weights, analysis/analyze.ts); test:
   * test/analysis/cases.test.ts, test/model/xception.test.ts (Keras's 22,855,952).
   */
  trainable: number;
  /**
   * Weights not updated by gradient descent (BN moving mean/variance).
   * From `analyzeTopology` (the registry's weights that training does not update); test: test/analysis/cases.test.ts.
   */
  nonTrainable: number;
}

/**
 * Static cost totals over a set of layers: every field is the sum of the layers' field, from
 * `sumTotals` (analysis/analyze.ts); test: test/model/xception.test.ts (134 layers, 22,910,480
 * params, 8,357,403,496 MACs; the flows' MACs).
 */
export interface Totals {
  /** Number of layers (a nested model counts as one). */
  layers: number;
  params: ParamCounts;
  /** Multiply-accumulates per image (sum of `LayerReport.macs`). */
  macs: number;
  /** Floating-point operations per image = 2 x macs. */
  flops: number;
  /** Element-wise operations per image (BN, activations, Add, pooling, bias adds). */
  elementwiseOps: number;
  /** Sum of the layers' output sizes in bytes, batch 1. */
  activationBytes: number;
  /** Bytes of all weights. */
  weightBytes: number;
}

/** Time of one kernel (TF.js op, e.g. `FusedConv2D`, `DepthwiseConv2dNative`) inside a layer. */
export interface KernelTiming {
  /** TF.js kernel name as registered by the backend. */
  name: string;
  /**
   * Median over the timed runs of this kernel's total time within the layer, ms (the backend's
   * own kernel timer, not wall time); null when no run gave a number (see `naReason`).
   * From `summarize` over `profiledPass`'s kernel list (profiler/profile.ts); test:
   * test/profiler/profile.test.ts.
   */
  medianMs: number | null;
  /** Why `medianMs` is null: the backend's timer error (e.g. "timer not supported"), or "kernel time not recorded". */
  naReason?: string;
  /**
   * How many times the kernel ran per forward pass inside this layer (summed over a shared
   * layer's calls). From `profiledPass`; test: test/profiler/profile.test.ts (shared Dense: 2).
   */
  calls: number;
}

/** Measured time of one layer over the timed runs (warm-up runs excluded). */
export interface LayerTiming {
  /**
   * Median wall time of the layer's call (for the whole batch), ms; null when no valid sample
   * exists ("n/a", reason in `naReason`). From `summarize` -> `median` (profiler/profile.ts,
   * stats.ts); test: test/profiler/stats.test.ts, test/profiler/profile.test.ts.
   */
  medianMs: number | null;
  /** Smallest wall time, ms. From `summarize` -> `minimum`; test: test/profiler/stats.test.ts. */
  minMs: number | null;
  /** 90th percentile (nearest-rank) of the samples, ms. From `summarize` -> `percentile`; test: test/profiler/stats.test.ts. */
  p90Ms: number | null;
  /** Why the statistics are null (e.g. "no valid sample"). */
  naReason?: string;
  /** Number of valid samples behind the statistics. From `summarize`; test: test/profiler/profile.test.ts. */
  runs: number;
  /** Kernels the layer ran, attributed by instrumenting the layer call, in execution order (ONNX Runtime: its graph nodes, `Conv [pointwise+bn+activation]`). */
  kernels: KernelTiming[];
  /**
   * The engine computed this layer inside a node owned by the layer named here (ONNX Runtime
   * fuses Conv + BatchNormalization + activation): its time is in that layer's row, and this
   * row's statistics are null.
   */
  foldedInto?: string;
}

/**
 * What kind of computation a layer is (from the layer registry, `src/analysis/layers/registry.ts`):
 * for icons, colours and per-kind time splits. `unknown`: a class the registry does not know.
 */
export type LayerKind =
  | 'input'
  | 'conv'
  | 'depthwise'
  | 'separable'
  | 'transposed-conv'
  | 'dense'
  | 'normalization'
  | 'activation'
  | 'pooling'
  | 'merge'
  | 'data-movement'
  | 'wrapper'
  | 'model'
  | 'unknown';

/** How an engine runs a layer when its own layer class would not compute what Keras computes. */
export interface LayerExecution {
  /**
   * `faithful-replacement`: a replacement that computes what Keras computes (checked against an
   * independent reference); `stand-in`: a shape-preserving stand-in that does NOT compute the
   * layer, so its time is not the layer's.
   */
  kind: 'faithful-replacement' | 'stand-in';
  /** Why, for people. */
  why: string;
}

/** One Keras layer as analysed (and, when profiled, measured). */
export interface LayerReport {
  /** Keras layer name as in the model file, e.g. `block4_sepconv2`. Text from the model: always render as text. */
  name: string;
  /** Keras class name, e.g. `SeparableConv2D`; `Functional` for a nested model. */
  className: string;
  /** Kind of computation (`analyzeTopology`, from the layer registry). */
  kind: LayerKind;
  /** Short label for the diagram, e.g. `SepConv 3x3, 728` (the registry's `label`). */
  label: string;
  /**
   * Number of calls when the layer is shared (called more than once); its costs sum over calls.
   * From `analyzeTopology`; test: test/analysis/layers/registry.test.ts.
   */
  calls?: number;
  /** Flow (`entry` | `middle` | `exit` for Xception) or group name for other models. */
  flow: string;
  /** Block (`block4`, ...) or sub-group name; `input` and `top` for the stem input and the head. */
  block: string;
  /** Names of the layers whose outputs this layer consumes, in order. */
  inbound: string[];
  /** Input shapes, one per inbound tensor. From `analyzeTopology` (the producing layers' outputs); test: test/analysis/shapes.test.ts. */
  inputShapes: Shape[];
  /** Output shape (the first output for layers with several; the first call's for shared layers). From the registry's `call` via `analyzeTopology`; test: test/analysis/layers/registry.test.ts. */
  outputShape: Shape;
  /** All output shapes, for layers with several outputs (nested models). */
  outputShapes?: Shape[];
  params: ParamCounts;
  /**
   * Multiply-accumulates per image (bias adds, BN and activations are not MACs).
   * From `analyzeTopology` (the layer registry, src/analysis/layers/registry.ts); test: test/analysis/layers/registry.test.ts (hand-computed).
   */
  macs: number;
  /** 2 x macs. From `analyzeTopology` (analysis/analyze.ts); test: test/model/xception.test.ts. */
  flops: number;
  /**
   * FLOPs as `tf.profiler`'s `float_ops` counts them: 2 x MACs, plus K x output values for
   * MaxPooling2D. From `analyzeTopology` (the registry's `tfProfilerFlops`); test:
   * test/analysis/layers/registry.test.ts.
   */
  tfProfilerFlops: number;
  /** Element-wise operations per image; see the README's counting rules. From `analyzeTopology` (the layer registry); test: test/analysis/layers/registry.test.ts. */
  elementwiseOps: number;
  /** Output size in bytes for batch 1 (values x bytes per value). From `analyzeTopology`; test: test/model/xception.test.ts. */
  activationBytes: number;
  /** Size of the layer's weights in bytes (params x bytes per value). From `analyzeTopology`; test: test/model/xception.test.ts. */
  weightBytes: number;
  /** Selected config fields worth showing (kernel size, strides, padding, filters, activation). */
  config: Record<string, string | number | boolean | null>;
  /** SeparableConv2D only: MACs of a regular Conv2D with the same input, kernel and output. From `analyzeTopology` (the layer registry); test: test/model/xception.test.ts. */
  regularConvMacs?: number;
  /** SeparableConv2D only: regularConvMacs / macs (how many times cheaper the separable conv is). From `analyzeTopology`; test: test/model/xception.test.ts. */
  regularConvRatio?: number;
  /** SeparableConv2D only: the pointwise (1x1) part of `macs`; `macs - pointwiseMacs` is the depthwise part. From `analyzeTopology` (the layer registry); test: test/analysis/layers/registry.test.ts. */
  pointwiseMacs?: number;
  /** Present once the layer has been profiled. */
  timing?: LayerTiming;
  /**
   * Graph models (TF.js graph, ONNX) only: this "layer" is a group of graph nodes sharing a name
   * scope (`model/block4_sepconv2/...`); its nodes in execution order.
   */
  graphNodes?: GraphNodeReport[];
  /**
   * Arithmetic intensity for a pass of `ArchitectureReport.roofline.batch` images: the layer, and
   * for a SeparableConv2D also its depthwise and pointwise parts; absent for layers that compute nothing.
   * Computed by `layerIntensity` (src/profiler/roofline.ts), pinned by test/profiler/roofline.test.ts.
   */
  roofline?: RooflinePart[];
  /** A nested model's layers (their costs summed over the model's calls). */
  children?: LayerReport[];
  /** Set when TF.js does not run its own class for this layer (see `LayerExecution`). */
  execution?: LayerExecution;
}

/**
 * One node of a graph model, inside its name-scope group (`LayerReport.graphNodes`).
 * From `analyzeGraphModel` (src/importers/graphModelAnalysis.ts); test: test/importers/graphModel.test.ts.
 */
export interface GraphNodeReport {
  /** Node name as in the file, e.g. `StatefulPartitionedCall/model/block4_sepconv2/separable_conv2d/depthwise`. */
  name: string;
  /** TensorFlow / ONNX op, e.g. `DepthwiseConv2dNative`, `_FusedConv2D`, `Conv`. */
  op: string;
  /** First output's shape, batch `null`; `[]` when unknown (the graph could not run). */
  outputShape: Shape;
  /** Values of the stored weights this node reads. */
  params: number;
  /** Multiply-accumulates per image. */
  macs: number;
}

/**
 * Colour of a layer's dot in the roofline chart. `separable` is a SeparableConv2D as a whole; the
 * chart shows it as its `depthwise` and `pointwise` kernels.
 */
export type RooflineKind = 'conv' | 'separable' | 'depthwise' | 'pointwise' | 'bn' | 'elementwise' | 'pool' | 'dense';

/**
 * A layer (or one kernel's part of a SeparableConv2D) as a roofline point, static numbers only.
 * Every number from `layerIntensity` (src/profiler/roofline.ts); test: test/profiler/roofline.test.ts.
 */
export interface RooflinePart {
  /** `layer`, or the `depthwise` / `pointwise` kernel of a SeparableConv2D. */
  part: 'layer' | 'depthwise' | 'pointwise';
  kind: RooflineKind;
  /** FLOPs per pass: 2 x MACs, or the element-wise ops of a layer without MACs. */
  flops: number;
  /** Bytes moved per pass: inputs, weights and outputs each read or written once. */
  bytes: number;
  /** Arithmetic intensity, FLOPs per byte: flops / bytes. */
  intensity: number;
}

/**
 * An engine's two roofs, measured on this machine by `measureRoofs` (src/profiler/roofs.ts) and
 * cached per engine and machine; stability over runs is printed by `npm run bench -- --roofs`.
 * From `measureRoofs`; test: test/profiler/roofs.test.ts.
 */
export interface EngineRoofs {
  /** Engine the roofs belong to (name, threads, SIMD/GPU), e.g. `wasm x2 SIMD`. */
  engine: string;
  /** Attainable compute, GFLOP/s: the best of a large matmul and a 1x1 conv. */
  computeGflops: number;
  /** Attainable memory bandwidth, GB/s (1e9 bytes/s): a large element-wise add. */
  bandwidthGBs: number;
  /** How each roof was measured (shapes, repetitions, which statistic). */
  computeMethod: string;
  bandwidthMethod: string;
  /** ISO time of the measurement. */
  measuredAt: string;
  /** True when read from the cache rather than measured for this report. */
  cached: boolean;
}

/**
 * How a layer runs when TF.js's own class would compute something other than Keras:
 * `faithful-replacement` (a replacement computing Keras's function, checked against an
 * independent reference on the cpu backend) or `stand-in` (a layer TF.js cannot run: its output
 * is its first input, so its timing is not the real layer's).
 */
export interface LayerExecution {
  kind: 'faithful-replacement' | 'stand-in';
  /** One sentence: what TF.js would do and what runs instead. */
  why: string;
}

/** A block or flow with the names of its layers and its totals. */
export interface GroupReport {
  name: string;
  /** For a block, the flow it belongs to; for a flow, its own name. */
  flow: string;
  /** Layer names in execution order. */
  layers: string[];
  /** From `groupBy` -> `sumTotals` (analysis/analyze.ts); test: test/model/xception.test.ts. */
  totals: Totals;
  /**
   * Sum of the layers' median wall times, ms (present once profiled). From `attachTimings` /
   * `mergeTimings` (profiler/attach.ts); test: test/profiler/attach.test.ts.
   */
  medianMs?: number | null;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/**
 * What a diagnostic is about, for views that treat kinds differently (text is for people):
 * `unsupported-layer` (no counting rule: counted as 0), `engine-mismatch` (the engine computes the
 * layer wrong), `engine-shape-mismatch` (the engine builds another output shape or param count
 * than Keras's rules give; the report keeps Keras's), `timing-missing-kernels`, `timing-pass-gap` (pass vs layer sum beyond 5 %),
 * `faithful-replacement` / `stand-in` (the layer does not run TF.js's own class, see
 * `LayerExecution`), `faithful-mismatch` (a replacement differs from its reference),
 * `training-config-dropped` (initializers, regularizers, constraints not given to TF.js),
 * `layer-renamed` (names TF.js refuses were given internal names while it built the model).
 */
export type DiagnosticCode =
  | 'unsupported-layer'
  | 'engine-mismatch'
  | 'engine-shape-mismatch'
  | 'timing-missing-kernels'
  | 'timing-pass-gap'
  | 'faithful-replacement'
  | 'faithful-mismatch'
  | 'stand-in'
  | 'training-config-dropped'
  | 'layer-renamed';

/** Something the user should know: an unsupported layer, an engine that did not load, ... */
export interface Diagnostic {
  severity: DiagnosticSeverity;
  message: string;
  code?: DiagnosticCode;
  /** Layer the diagnostic is about, when there is one. */
  layer?: string;
}

/** Engine names, fastest first. */
export type EngineName = 'tensorflow-gpu' | 'tensorflow' | 'onnxruntime' | 'wasm' | 'cpu';

/** The parts of `process.versions` that decide whether a native engine loads. */
export interface RuntimeVersions {
  node: string;
  /** NODE_MODULE_VERSION: the ABI native modules must be built for. */
  modules: string;
  napi?: string;
  /** Set under VS Code (Electron). */
  electron?: string;
}

/** Which engine ran, and why the faster ones did not. */
export interface EngineInfo {
  name: EngineName;
  /** TF.js backend name (`tensorflow`, `wasm`, `cpu`), or `onnxruntime-<execution provider>` (`onnxruntime-cpu`, `onnxruntime-cuda`). */
  backend: string;
  /** Package that supplied the `tf` namespace, with its version and location. */
  package: string;
  version: string;
  /** Threads the engine computes with (WASM: its thread pool size; 1 = single-threaded). From `resolveEngine`; test: test/engine/resolve.test.ts. */
  threads: number;
  /** WASM SIMD in use (WASM only). */
  simd?: boolean;
  /** Whether kernels really ran on a GPU (tensorflow-gpu; onnxruntime when a GPU provider answered a probe with CPU fallback disabled). */
  gpu?: boolean;
  /** One sentence: why this engine was chosen. */
  why: string;
  /**
   * Engines tried before this one and why each was skipped. `reason` is the whole load error on
   * one line (e.g. `... NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 127 ...`).
   */
  skipped: { name: EngineName; reason: string }[];
  /**
   * The runtime that loaded the engine (`process.versions`): a native engine must be built for
   * its `modules` ABI (Electron's differs from Node's). From `runtimeVersions` (engine/resolve.ts);
   * test: test/engine/resolve.test.ts.
   */
  runtime?: RuntimeVersions;
  /**
   * "Correct before fast": each kind of layer run once on this engine and on the plain-JS `cpu`
   * backend (relative tolerance 1e-4). Absent when not checked (the `cpu` engine is the reference).
   */
  correctness?: {
    /** From `checkAgainstCpu` (profiler/correctness.ts); test: test/profiler/correctness.test.ts. */
    checkedKinds: number;
    /** Kinds whose outputs differ; their layers also get an error diagnostic. */
    mismatches: { layer: string; kind: string; maxRelError: number; layers: string[]; /** Set when the layer fails on the engine. */ error?: string }[];
  };
}

/**
 * Whole-pass timing, beside the per-layer sum. Every field from `summarize` (profiler/profile.ts);
 * test: test/profiler/profile.test.ts (and test/profiler/attach.test.ts for the gap diagnostic).
 */
export interface PassTiming {
  warmupRuns: number;
  timedRuns: number;
  /** Images per pass: times are per batch, MACs and FLOPs per image. */
  batchSize: number;
  /** Median of plain `model.predict` wall time, ms (same engine, interleaved with profiled runs). */
  predictMedianMs: number | null;
  /** Median of the profiled pass's wall time, ms. */
  profiledMedianMs: number | null;
  /** Sum of the layers' median wall times, ms. */
  layerSumMs: number | null;
  /** Median time of reading the model's outputs back after the last layer, ms (inside the profiled pass). */
  readbackMedianMs?: number | null;
  /** profiledMedianMs / predictMedianMs: the profiling overhead. */
  overheadRatio: number | null;
}

/**
 * One separable layer beside its regular-convolution twin (the Xception paper's argument,
 * measured). Every number from `compareWithTwin` (profiler/compare.ts); test:
 * test/profiler/compare.test.ts.
 */
export interface SeparableVsRegular {
  name: string;
  separableMacs: number;
  regularMacs: number;
  /** regularMacs / separableMacs. */
  macRatio: number;
  /** Median ms of the SeparableConv2D and of the twin's Conv2D, on the same engine. */
  separableMs: number | null;
  regularMs: number | null;
  /** regularMs / separableMs (null when either is n/a). */
  timeRatio: number | null;
}

/**
 * Xception against its regular-convolution twin (every SeparableConv2D replaced by a Conv2D).
 * From `compareWithTwin` (profiler/compare.ts); test: test/profiler/compare.test.ts.
 */
export interface RegularConvComparison {
  /** Input height = width of both models, pixels. */
  inputSize: number;
  /** Timed runs of the twin (after its warm-up). */
  runs: number;
  layers: SeparableVsRegular[];
  /** Sums over the separable layers only. */
  separableLayers: Omit<SeparableVsRegular, 'name'>;
  /** Whole models: total MACs and plain `predict` medians. */
  wholeModel: Omit<SeparableVsRegular, 'name'>;
  /** Why the comparison ran as it did (e.g. a smaller input size than the main run). */
  note?: string;
}

/**
 * Cost of one group of layers at one sweep point (a flow, or the separable / regular convs).
 * From `sweepPoint` (src/profiler/sweep.ts); test: test/profiler/sweep.test.ts.
 */
export interface SweepGroupCost {
  /** MACs per pass (per-image MACs x batch). */
  macs: number;
  /** Sum of the group's layer medians, ms per pass; null when not timed. */
  ms: number | null;
}

/**
 * One point of a scaling sweep: the model profiled at one batch size and input size.
 * From `sweepPoint` (src/profiler/sweep.ts); test: test/profiler/sweep.test.ts.
 */
export interface SweepPoint {
  batchSize: number;
  /** Input height = width, pixels. */
  inputSize: number;
  /** Median plain `predict` wall time for the whole batch, ms. */
  latencyMs: number | null;
  /** latencyMs / batchSize. */
  msPerImage: number | null;
  /** Images per second: 1000 x batchSize / latencyMs. */
  imagesPerSecond: number | null;
  /** MACs per pass (per-image MACs x batch). */
  macs: number;
  /** Keyed by flow name, and `separable convs` / `regular convs` (SeparableConv2D / Conv2D layers). */
  groups: Record<string, SweepGroupCost>;
}

/**
 * How measured time followed MACs for one group across an input-size sweep.
 * From `macTracking` (src/profiler/sweep.ts); test: test/profiler/sweep.test.ts.
 */
export interface MacTracking {
  group: string;
  /** MACs at the largest input / MACs at the smallest. */
  macRatio: number;
  /** Time at the largest input / time at the smallest; null when not timed. */
  timeRatio: number | null;
  /** timeRatio / macRatio: 1 = time exactly proportional to MACs, below 1 = fixed costs dominate small inputs. */
  tracking: number | null;
}

/**
 * A scaling sweep (`--sweep batch=1,2,4,8` or `--sweep input=71,150,224,299`): the same model
 * and engine profiled at each point. Computed by `runSweep` and `summarizeSweep`
 * (src/profiler/sweep.ts), pinned by test/profiler/sweep.test.ts.
 */
export interface SweepReport {
  axis: 'batch' | 'input';
  /** Engine every point ran on (`describeEngine` form). */
  engine: string;
  warmupRuns: number;
  timedRuns: number;
  points: SweepPoint[];
  /** Batch sweep: the batch after which time per image falls by less than 5 % per step; null when it kept falling. */
  plateauBatch?: number | null;
  /** Input sweep: per flow, separable and regular convs, and the whole model. */
  macTracking?: MacTracking[];
  /** The findings in words, for the CLI, the panel and the exports. */
  findings: string[];
}

/** Kinds of work the engine comparison splits a pass into (the Xception paper's question, per engine). */
export type OpKind = 'regular conv' | 'depthwise' | 'pointwise' | 'BN' | 'element-wise' | 'dense' | 'other';

/**
 * The same model profiled on several engines, per-layer medians side by side.
 * From `compareEngines` (src/profiler/engineComparison.ts); test: test/profiler/engineComparison.test.ts.
 */
export interface EngineComparison {
  /** The engines in column order, each with its whole-pass medians (ms) and why it ran as it did. */
  engines: { name: EngineName; label: string; predictMedianMs: number | null; profiledMedianMs: number | null; why: string }[];
  /** Engines asked for that did not run (not installed, failed), with the reason. */
  skipped: { name: string; reason: string }[];
  /** Every layer: its median on each engine (same order as `engines`; null = n/a), and the layer it was folded into on that engine. */
  layers: { name: string; className: string; macs: number; medianMs: (number | null)[]; foldedInto: (string | null)[] }[];
  /** Time per kind of work on each engine, ms (sum of kernel medians; a fused node counts for the kind of its first part). */
  kinds: { kind: OpKind; ms: (number | null)[] }[];
}

/** Everything known about one model: static analysis, and timings once measured. */
export interface ArchitectureReport {
  schemaVersion: typeof SCHEMA_VERSION;
  model: {
    name: string;
    /** `builtin:xception` or the path of the model file. */
    source: string;
    /** How layers were grouped into flows/blocks (`xception-flows`, `name-prefix`, `downsampling`). */
    grouping: string;
    inputShapes: Shape[];
    outputShapes: Shape[];
  };
  /** Layers in execution (topological) order. */
  layers: LayerReport[];
  /** Blocks in execution order. */
  blocks: GroupReport[];
  /** Flows (or top-level groups) in execution order. */
  flows: GroupReport[];
  totals: Totals;
  diagnostics: Diagnostic[];
  engine?: EngineInfo;
  timing?: PassTiming;
  /** Present when several engines were compared ("Compare Engines", `--engines`). */
  engineComparison?: EngineComparison;
  /** Present when profiled with the regular-convolution twin (`--compare-regular`). */
  regularComparison?: RegularConvComparison;
  /**
   * Roofline: the batch the layers' `roofline` intensities are for, and the engine's roofs once
   * measured. Set by `withIntensity` and `withRoofs` (src/profiler/roofline.ts, roofs.ts).
   * From `withIntensity`; test: test/profiler/roofline.test.ts.
   */
  roofline?: { batch: number; roofs?: EngineRoofs };
  /** Present after a scaling sweep (`--sweep`); computed by `runSweep` (src/profiler/sweep.ts). */
  sweep?: SweepReport;
  /** ISO time the report was produced. */
  createdAt: string;
}
