/**
 * The order of plain `predict` and profiled passes, and when a pair is handed on (to be posted to
 * the views): each pair takes turns going first (src/profiler/profile.ts `plainFirst`), in the timed
 * passes and in live mode, and its sample is handed on only after both of its passes ran; live
 * mode also runs an untimed plain pass after each pause (src/profiler/live.ts). Checked on the
 * plain-JS backend with a small model, by the order the kinds of passes reach the engine.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LiveControl, runLive } from '../../src/profiler/live';
import { plainFirst, profileModel } from '../../src/profiler/profile';

/** One conv layer; `order` gets 'plain' when model.predict starts and 'conv' whenever the layer runs (in both kinds of pass). */
async function spiedModel(): Promise<{ model: tf.LayersModel; order: string[] }> {
  await tf.setBackend('cpu');
  const input = tf.input({ shape: [8, 8, 3] });
  const out = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv' }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
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
  return { model, order };
}

// A plain pass is 'plain' then its 'conv'; a profiled pass is a 'conv' alone; '|' marks a sample handed on.
const plainThenProfiled = ['plain', 'conv', 'conv', '|'];
const profiledThenPlain = ['conv', 'plain', 'conv', '|'];

describe('pass order', () => {
  it('plainFirst: plain predict goes first in even pairs, the profiled pass in odd ones', () => {
    expect([0, 1, 2, 3, 4].map(plainFirst)).toEqual([true, false, true, false, true]);
  });

  it('timed passes: the pairs take turns going first, warm-up and timed pairs each from plain first, each sample handed on after both passes', async () => {
    const { model, order } = await spiedModel();
    const before = tf.memory().numTensors;
    const warmups: boolean[] = [];
    const result = await profileModel(tf, model, {
      warmupRuns: 2,
      runs: 4,
      onPass: (sample, _i, warmup) => {
        order.push('|');
        warmups.push(warmup);
        expect(sample.predictMs).toBeGreaterThan(0);
      },
    });
    expect(warmups).toEqual([true, true, false, false, false, false]);
    expect(order).toEqual([...plainThenProfiled, ...profiledThenPlain, ...plainThenProfiled, ...profiledThenPlain, ...plainThenProfiled, ...profiledThenPlain]);
    expect(result.pass.timedRuns).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('timed passes without comparePredict: profiled passes only, predictMs null', async () => {
    const { model, order } = await spiedModel();
    await profileModel(tf, model, { warmupRuns: 0, runs: 2, comparePredict: false, onPass: (sample) => (order.push('|'), expect(sample.predictMs).toBeNull()) });
    expect(order).toEqual(['conv', '|', 'conv', '|']);
    model.dispose();
  });

  it('live: an untimed plain pass after each pause, then the pair in alternating order, handed on after both', async () => {
    const { model, order } = await spiedModel();
    const before = tf.memory().numTensors;
    const runs = await runLive(tf, model, new LiveControl(), {
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
    const wakeUp = ['plain', 'conv'];
    expect(order).toEqual([...wakeUp, ...plainThenProfiled, ...wakeUp, ...profiledThenPlain, ...wakeUp, ...plainThenProfiled, ...wakeUp, ...profiledThenPlain]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('live: the first run waits the interval too (the views re-render for the report just sent)', async () => {
    const { model, order } = await spiedModel();
    const control = new LiveControl();
    const started = performance.now();
    let firstAt = 0;
    await runLive(tf, model, control, { intervalMs: 60, maxRuns: 1, batchSize: 1, onPass: () => (firstAt = performance.now() - started) });
    expect(order).toEqual(['conv']);
    expect(firstAt).toBeGreaterThanOrEqual(59);
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
