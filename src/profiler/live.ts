/**
 * Live profiling: after the first result, keep running profiled passes in the background (in the
 * worker process) so the views show rolling statistics, until paused or stopped.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { createInputs, passPair, predictPass, type PassSample } from './profile';

type Tf = typeof tfTypes;

export type LiveState = 'running' | 'paused' | 'stopped';

/** Pause / resume / stop switch shared between the message handler and the loop. */
export class LiveControl {
  private current: LiveState = 'running';
  /** Live passes completed so far. */
  runs = 0;
  private wake: (() => void) | undefined;

  get state(): LiveState {
    return this.current;
  }

  /** Moves to `state` (a stopped control stays stopped) and wakes the loop if it waits. */
  set(state: LiveState): void {
    if (this.current === 'stopped') return;
    this.current = state;
    this.wake?.();
  }

  /** Waits `ms` (or until the state changes), then while paused; resolves false once stopped. */
  async next(ms: number): Promise<boolean> {
    await this.sleep(ms);
    while (this.current === 'paused') await this.sleep(Infinity);
    return this.current === 'running';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      this.wake = done;
    });
  }
}

export interface LiveOptions {
  /** Pause between two live passes, ms. */
  intervalMs: number;
  /** Stop after this many passes (default: until stopped). */
  maxRuns?: number;
  /** Images per pass. */
  batchSize: number;
  /**
   * Also run a plain `model.predict` beside each profiled pass, in alternating order
   * (`plainFirst` in profile.ts), so that the profiling overhead stays measured (interleaved,
   * same engine) while live, after an untimed plain pass that takes the wake-up cost of the pause.
   * Triples the work per live run.
   */
  comparePredict?: boolean;
  syncEachLayer?: boolean;
  /** Called after each pass with its 1-based index. */
  onPass: (sample: PassSample, run: number) => void;
}

/**
 * Runs profiled passes every `intervalMs` until `control` is stopped (or `maxRuns` is reached).
 * One input tensor is reused; every pass disposes what it creates, so `tf.memory().numTensors`
 * is the same after the loop as before it.
 * @returns the number of passes run.
 */
export async function runLive(tf: Tf, model: tfTypes.LayersModel, control: LiveControl, options: LiveOptions): Promise<number> {
  const inputs = createInputs(tf, model, options.batchSize);
  let run = 0;
  try {
    // The first live run waits the interval too: the report with timings has just been sent, and
    // every view re-renders for it (the webview's whole diagram, the tree, the saved report).
    while ((options.maxRuns === undefined || run < options.maxRuns) && (await control.next(options.intervalMs))) {
      // The first pass after the interval's pause pays a wake-up cost (cold caches, a CPU clock
      // that dropped while idle, parked WASM threads, V8 having flushed code while idle): measured
      // in the built worker at 71x71 on WASM x2, whichever pass went first was 25-35 % slower
      // (Node 24, code-server's) or ~10 % (Node 20). Always giving it to plain predict made
      // profiled/plain read 0.91-0.98 in VS Code's live mode (1.01-1.04 back to back in the CLI);
      // taking turns only spread it over both medians. An untimed plain pass takes it instead, so
      // both timed passes run warm, as in the CLI's back-to-back runs (a third pass per live run).
      if (options.comparePredict) await predictPass(tf, model, inputs);
      // Both timed passes run before the pair is sent (and the views repaint).
      const sample = await passPair(tf, model, inputs, run, { syncEachLayer: options.syncEachLayer, comparePredict: !!options.comparePredict });
      run++;
      control.runs = run;
      options.onPass(sample, run);
    }
  } finally {
    tf.dispose(inputs);
  }
  return run;
}
