/** Typed view of the `xceptionProfiler.*` settings (contributes.configuration in package.json). */
import * as vscode from 'vscode';
import type { EngineChoice } from '../engine/resolve';
import { isFlopsConvention, type FlopsConvention } from '../report/flopsConvention';
import { isMetricId, type MetricId } from '../report/messages';

export const CONFIG_SECTION = 'xceptionProfiler';

/** The settings, read fresh on every access so that changes apply without a reload. */
export class Config {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(CONFIG_SECTION);
  }
  /** Engine to try first (`auto` = fastest available). */
  get engine(): EngineChoice {
    return this.cfg.get<EngineChoice>('engine', 'auto');
  }
  /** Input height = width, pixels (>= 71). */
  get inputSize(): number {
    return this.cfg.get<number>('inputSize', 299);
  }
  get batchSize(): number {
    return this.cfg.get<number>('batchSize', 1);
  }
  get warmupRuns(): number {
    return this.cfg.get<number>('warmupRuns', 2);
  }
  get timedRuns(): number {
    return this.cfg.get<number>('timedRuns', 10);
  }
  /** WASM threads; 0 = every core. */
  get wasmThreads(): number {
    return this.cfg.get<number>('wasmThreads', 0);
  }
  /** Keep profiling in the background after the first result. */
  get liveEnabled(): boolean {
    return this.cfg.get<boolean>('live.enabled', true);
  }
  /** Pause between two live passes, ms. */
  get liveIntervalMs(): number {
    return this.cfg.get<number>('live.intervalMs', 1000);
  }
  /** Live passes before live profiling stops by itself; 0 = until stopped. */
  get liveMaxRuns(): number {
    return this.cfg.get<number>('live.maxRuns', 300);
  }
  /** Rolling window: the median and p90 cover the last N passes. */
  get liveWindow(): number {
    return this.cfg.get<number>('live.window', 20);
  }
  /** A folder whose node_modules holds @tensorflow/tfjs-node(-gpu), or empty. */
  get nativeEnginePath(): string {
    return this.cfg.get<string>('nativeEnginePath', '');
  }
  /** Default colour metric of the diagram (an unknown value falls back to `medianMs`). */
  get colorMetric(): MetricId {
    const v = this.cfg.get<unknown>('colorMetric', 'medianMs');
    return isMetricId(v) ? v : 'medianMs';
  }
  /** How the tree, hovers, hints and exports count compute (an unknown value falls back to `macs`). */
  get flopsConvention(): FlopsConvention {
    const v = this.cfg.get<unknown>('flopsConvention', 'macs');
    return isFlopsConvention(v) ? v : 'macs';
  }
  /** Shape hints after Keras layer constructions in Python (off by default). */
  get hintsEnabled(): boolean {
    return this.cfg.get<boolean>('hints.enabled', false) === true;
  }
}
