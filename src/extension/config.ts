/** Typed view of the `xceptionProfiler.*` settings (contributes.configuration in package.json). */
import * as vscode from 'vscode';
import type { EngineChoice } from '../engine/resolve';
import { isFlopsConvention, type FlopsConvention } from '../report/flopsConvention';
import { isMetricId, type MetricId } from '../report/messages';
import { DEFAULTS } from '../report/defaults';

export const CONFIG_SECTION = 'xceptionProfiler';

/** The settings, read fresh on every access so that changes apply without a reload. */
export class Config {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(CONFIG_SECTION);
  }
  /** Engine to try first (`auto` = fastest available). */
  get engine(): EngineChoice {
    return this.cfg.get<EngineChoice>('engine', DEFAULTS.engine);
  }
  /** Input height = width, pixels (>= 71). */
  get inputSize(): number {
    return this.cfg.get<number>('inputSize', DEFAULTS.inputSize);
  }
  get batchSize(): number {
    return this.cfg.get<number>('batchSize', DEFAULTS.batchSize);
  }
  get warmupRuns(): number {
    return this.cfg.get<number>('warmupRuns', DEFAULTS.warmupRuns);
  }
  get timedRuns(): number {
    return this.cfg.get<number>('timedRuns', DEFAULTS.timedRuns);
  }
  /** WASM threads; 0 = every core. */
  get wasmThreads(): number {
    return this.cfg.get<number>('wasmThreads', DEFAULTS.wasmThreads);
  }
  /** Keep profiling in the background after the first result. */
  get liveEnabled(): boolean {
    return this.cfg.get<boolean>('live.enabled', DEFAULTS['live.enabled']);
  }
  /** Pause between two live passes, ms. */
  get liveIntervalMs(): number {
    return this.cfg.get<number>('live.intervalMs', DEFAULTS['live.intervalMs']);
  }
  /** Live passes before live profiling stops by itself; 0 = until stopped. */
  get liveMaxRuns(): number {
    return this.cfg.get<number>('live.maxRuns', DEFAULTS['live.maxRuns']);
  }
  /** Rolling window: the median and p90 cover the last N passes. */
  get liveWindow(): number {
    return this.cfg.get<number>('live.window', DEFAULTS['live.window']);
  }
  /** A folder whose node_modules holds @tensorflow/tfjs-node(-gpu), or empty. */
  get nativeEnginePath(): string {
    return this.cfg.get<string>('nativeEnginePath', DEFAULTS.nativeEnginePath);
  }
  /** Default colour metric of the diagram (an unknown value falls back to `medianMs`). */
  get colorMetric(): MetricId {
    const v = this.cfg.get<unknown>('colorMetric', DEFAULTS.colorMetric);
    return isMetricId(v) ? v : DEFAULTS.colorMetric;
  }
  /** How the tree, hovers, hints and exports count compute (an unknown value falls back to `macs`). */
  get flopsConvention(): FlopsConvention {
    const v = this.cfg.get<unknown>('flopsConvention', DEFAULTS.flopsConvention);
    return isFlopsConvention(v) ? v : DEFAULTS.flopsConvention;
  }
  /** Shape hints after Keras layer constructions in Python (off by default). */
  get hintsEnabled(): boolean {
    return this.cfg.get<boolean>('hints.enabled', DEFAULTS['hints.enabled']) === true;
  }
}
