/**
 * The settings' defaults, written once. `package.json` (contributes.configuration), the extension's
 * `Config`, the CLI's options and `profileModel` read them from here; `test/report/defaults.test.ts`
 * checks that `package.json` agrees. Keys are the setting names after `xceptionProfiler.`.
 * No runtime dependencies (the webview may import it).
 */
export const DEFAULTS = {
  /** Engine to try first (`auto` = the fastest one present). */
  engine: 'auto',
  /** A folder whose node_modules holds @tensorflow/tfjs-node(-gpu); empty = none. */
  nativeEnginePath: '',
  /** Input height = width, pixels (Keras's Xception default; 71 is its minimum). */
  inputSize: 299,
  /** Images per pass. */
  batchSize: 1,
  /** Untimed passes before the timed ones (compile kernels, warm caches). */
  warmupRuns: 2,
  /** Timed passes behind each median and p90. */
  timedRuns: 10,
  /** WASM threads; 0 = every core. */
  wasmThreads: 0,
  /** Keep profiling in the background after the first result. */
  'live.enabled': true,
  /** Pause between two live passes, ms. */
  'live.intervalMs': 1000,
  /** Live passes before live profiling stops by itself; 0 = until stopped. */
  'live.maxRuns': 300,
  /** Rolling window: the live median and p90 cover the last N passes. */
  'live.window': 20,
  /** Default colour metric of the diagram. */
  colorMetric: 'medianMs',
  /** How the tree, hovers, hints and exports count compute. */
  flopsConvention: 'macs',
  /** Shape hints after Keras layer constructions in Python. */
  'hints.enabled': false,
} as const;

/** A setting name (after `xceptionProfiler.`). */
export type SettingKey = keyof typeof DEFAULTS;
