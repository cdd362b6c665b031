/** Typed view of the `xceptionProfiler.*` settings (contributes.configuration in package.json). */
import * as vscode from 'vscode';
import type { EngineChoice } from '../engine/resolve';

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
  /** A folder whose node_modules holds @tensorflow/tfjs-node(-gpu), or empty. */
  get nativeEnginePath(): string {
    return this.cfg.get<string>('nativeEnginePath', '');
  }
}
