/** The colour legend's text (webview/legend.ts): pure, no browser needed. */
import { describe, expect, it } from 'vitest';
import { legendSpec } from '../../webview/legend';
import { METRICS } from '../../webview/metrics';

describe('legendSpec', () => {
  it('says "timing pending" only while no layer has been timed', () => {
    expect(legendSpec({ metric: METRICS.medianMs, max: 0, known: 0, total: 134 }).noValue).toBe('n/a / timing pending');
    // Timing done: the input layer has no time, but nothing is pending any more.
    const done = legendSpec({ metric: METRICS.medianMs, max: 122, known: 133, total: 134 });
    expect(done.noValue).toBe('n/a');
    expect(done.notes).toContain('133 of 134 layers have a value');
    // Static metrics never wait for timing.
    expect(legendSpec({ metric: METRICS.macs, max: 0, known: 0, total: 134 }).noValue).toBe('n/a');
  });

  it('explains its uneven steps: a square-root scale at 0, 1/16, 1/4, 9/16 and 1 of the largest', () => {
    const spec = legendSpec({ metric: METRICS.medianMs, max: 160, known: 134, total: 134 });
    expect(spec.steps.map((s) => s.label)).toEqual(['0.00 ms', '10.0 ms', '40.0 ms', '90.0 ms', '160 ms']);
    expect(spec.notes[0]).toMatch(/^square-root scale: steps at 0, 1\/16, 1\/4, 9\/16 and all of the largest layer/);
    expect(spec.notes).not.toContain(expect.stringMatching(/layers have a value/));
  });

  it('gives the block rows their own scale', () => {
    expect(legendSpec({ metric: METRICS.medianMs, max: 160, known: 134, total: 134, rowMax: 184 }).notes.at(-1)).toBe('block rows: tinted on their own scale, darkest 184 ms per block');
  });
});
