/**
 * Live profiling's plain-vs-profiled order: after each pause the first pass runs cold, so an
 * untimed plain pass takes the wake-up cost and the two timed passes take turns going first
 * (src/profiler/live.ts). Checked on the plain-JS backend with a
 * small model, by the order the two kinds of passes reach the engine.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LiveControl, livePlainFirst, runLive } from '../../src/profiler/live';

describe('live profiling pass order', () => {
  it('runs an untimed plain pass after each pause, then alternates plain predict before and after the profiled pass', async () => {
    await tf.setBackend('cpu');
    const input = tf.input({ shape: [8, 8, 3] });
    const out = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    // 'plain' when model.predict starts; 'conv' whenever the layer runs (in both kinds of pass).
    const order: string[] = [];
    const predict = model.predict.bind(model);
    model.predict = (x, args) => {
      order.push('plain');
      return predict(x, args);
    };
    const conv = model.getLayer('conv');
    const call = conv.call.bind(conv);
    conv.call = (x, kwargs) => {
      order.push('conv');
      return call(x, kwargs);
    };
    const control = new LiveControl();
    const before = tf.memory().numTensors;
    const runs = await runLive(tf, model, control, {
      intervalMs: 0,
      maxRuns: 4,
      batchSize: 1,
      comparePredict: true,
      onPass: (sample) => {
        order.push('|');
        expect(sample.predictMs).toBeGreaterThan(0);
      },
    });
    expect(runs).toBe(4);
    // Each run: the untimed warm-up (plain + its conv); then even runs: plain (plain + its conv),
    // then profiled (conv); odd runs: profiled first.
    const warmup = ['plain', 'conv'];
    const plainFirst = [...warmup, 'plain', 'conv', 'conv', '|'];
    const profiledFirst = [...warmup, 'conv', 'plain', 'conv', '|'];
    expect(order).toEqual([...plainFirst, ...profiledFirst, ...plainFirst, ...profiledFirst]);
    expect([0, 1, 2, 3].map(livePlainFirst)).toEqual([true, false, true, false]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});


describe('LiveControl', () => {
  it('running until stopped; a stopped control stays stopped', () => {
    const c = new LiveControl();
    expect(c.state).toBe('running');
    c.set('paused');
    expect(c.state).toBe('paused');
    c.set('stopped');
    c.set('running');
    expect(c.state).toBe('stopped');
  });
  it('next: true after the wait while running; waits while paused until resumed (true) or stopped (false)', async () => {
    const c = new LiveControl();
    expect(await c.next(0)).toBe(true);
    c.set('paused');
    let resolved: boolean | undefined;
    const waiting = c.next(0).then((r) => (resolved = r));
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toBeUndefined();
    c.set('running');
    expect(await waiting).toBe(true);
    c.set('paused');
    const stopped = c.next(0);
    await new Promise((r) => setTimeout(r, 20));
    c.set('stopped');
    expect(await stopped).toBe(false);
  });
  it('a state change wakes an endless wait (without it this test would never end)', async () => {
    const c = new LiveControl();
    const waiting = c.next(Infinity);
    c.set('running');
    expect(await waiting).toBe(true);
  });
});
