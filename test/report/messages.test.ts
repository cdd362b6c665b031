import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { buildXception } from '../../src/model/xception';
import { isArchitectureReport, isLayerTiming, parseHostMessage, parseWebviewMessage } from '../../src/report/messages';
import type { ArchitectureReport, LayerTiming } from '../../src/report/schema';

/** A minimal valid schema-1 report with one layer. */
function tinyReport(): ArchitectureReport {
  const totals = { layers: 1, params: { trainable: 0, nonTrainable: 0 }, macs: 0, flops: 0, elementwiseOps: 0, activationBytes: 12, weightBytes: 0 };
  return {
    schemaVersion: 1,
    model: { name: 'tiny', source: 'test', grouping: 'downsampling', inputShapes: [[null, 1, 1, 3]], outputShapes: [[null, 1, 1, 3]] },
    layers: [
      {
        name: 'input_1', className: 'InputLayer', kind: 'input', label: 'Input', flow: 'stage1', block: 'stage1', inbound: [], inputShapes: [], outputShape: [null, 1, 1, 3],
        params: { trainable: 0, nonTrainable: 0 }, macs: 0, flops: 0, tfProfilerFlops: 0, elementwiseOps: 0, activationBytes: 12, weightBytes: 0, config: {},
      },
    ],
    blocks: [{ name: 'stage1', flow: 'stage1', layers: ['input_1'], totals }],
    flows: [{ name: 'stage1', flow: 'stage1', layers: ['input_1'], totals }],
    totals,
    diagnostics: [],
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

const timing: LayerTiming = { medianMs: 1.5, minMs: 1.2, p90Ms: 1.9, runs: 10, kernels: [{ name: 'Conv2D', medianMs: 1.4, calls: 1 }] };

describe('parseHostMessage', () => {
  it('accepts a report, the real Xception static report and a real measured one', () => {
    expect(parseHostMessage({ type: 'report', report: tinyReport() })).toEqual({ type: 'report', report: tinyReport() });
    const model = buildXception(tf, { inputSize: 71, seed: 1 });
    const xception = JSON.parse(JSON.stringify(analyzeModel(model))) as ArchitectureReport;
    model.dispose();
    expect(xception.layers).toHaveLength(134);
    expect(parseHostMessage({ type: 'report', report: xception })).toEqual({ type: 'report', report: xception });
    const measured = JSON.parse(readFileSync(join(__dirname, '..', 'browser', 'fixtures', 'xception71-compare.json'), 'utf8')) as unknown;
    expect(isArchitectureReport(measured)).toBe(true);
  });

  it('rejects reports of another schema version or with malformed layers', () => {
    expect(parseHostMessage({ type: 'report', report: { ...tinyReport(), schemaVersion: 2 } })).toBeUndefined();
    const bad = tinyReport() as unknown as { layers: { name: unknown }[] };
    bad.layers[0].name = 42;
    expect(parseHostMessage({ type: 'report', report: bad })).toBeUndefined();
    expect(parseHostMessage({ type: 'report' })).toBeUndefined();
  });

  it('accepts timings, with and without pass timing and engine; NaN and null times pass (shown as n/a)', () => {
    expect(parseHostMessage({ type: 'timings', layers: { conv: timing }, run: 3 })).toEqual({ type: 'timings', layers: { conv: timing }, run: 3 });
    const pass = { warmupRuns: 2, timedRuns: 3, batchSize: 1, predictMedianMs: 10, profiledMedianMs: 11, layerSumMs: 9, overheadRatio: 1.1 };
    const engine = { name: 'wasm', backend: 'wasm', package: 'p', version: '4.22.0', threads: 2, why: 'w', skipped: [] };
    expect(parseHostMessage({ type: 'timings', layers: {}, timing: pass, engine, run: 0 })).toMatchObject({ timing: pass, engine });
    const nan = { ...timing, medianMs: Number.NaN, p90Ms: null };
    expect(parseHostMessage({ type: 'timings', layers: { conv: nan }, run: 1 })).toEqual({ type: 'timings', layers: { conv: nan }, run: 1 });
  });

  it('rejects malformed timings', () => {
    expect(parseHostMessage({ type: 'timings', layers: { conv: { ...timing, medianMs: '1' } }, run: 1 })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', layers: { conv: { ...timing, kernels: [{ name: 1 }] } }, run: 1 })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', layers: [], run: 1 })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', layers: {}, run: -1 })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', layers: {} })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', layers: {}, run: 1, timing: { warmupRuns: 'x' } })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', layers: {}, run: 1, engine: {} })).toBeUndefined();
    expect(isLayerTiming({ medianMs: 1, minMs: 1, p90Ms: 1, runs: 1 })).toBe(false);
  });

  it('validates status, reveal and setMetric', () => {
    expect(parseHostMessage({ type: 'status', state: 'timing', message: 'timed run 3/10' })).toEqual({ type: 'status', state: 'timing', message: 'timed run 3/10' });
    expect(parseHostMessage({ type: 'status', state: 'live-paused', message: '' })).toEqual({ type: 'status', state: 'live-paused', message: '' });
    expect(parseHostMessage({ type: 'status', state: 'paused', message: '' })).toBeUndefined();
    expect(parseHostMessage({ type: 'status', state: 'running', message: '' })).toBeUndefined();
    expect(parseHostMessage({ type: 'status', state: 'done' })).toBeUndefined();
    expect(parseHostMessage({ type: 'reveal', layer: 'block4_sepconv2' })).toEqual({ type: 'reveal', layer: 'block4_sepconv2' });
    expect(parseHostMessage({ type: 'reveal', layer: 4 })).toBeUndefined();
    for (const metric of ['medianMs', 'macs', 'params', 'activationBytes', 'gflops']) {
      expect(parseHostMessage({ type: 'setMetric', metric })).toEqual({ type: 'setMetric', metric });
    }
    expect(parseHostMessage({ type: 'setMetric', metric: 'latency' })).toBeUndefined();
  });

  it('returns undefined for non-objects, unknown types and webview messages', () => {
    for (const x of [undefined, null, 0, 'report', [], {}, { type: 'nope' }, { type: 'ready' }, { type: 'copy', text: 'x' }]) {
      expect(parseHostMessage(x)).toBeUndefined();
    }
  });

  it('drops unknown extra fields', () => {
    expect(parseHostMessage({ type: 'reveal', layer: 'a', extra: 1 })).toEqual({ type: 'reveal', layer: 'a' });
  });
});

describe('parseWebviewMessage', () => {
  it('accepts every webview message', () => {
    expect(parseWebviewMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseWebviewMessage({ type: 'select', layer: 'add_3' })).toEqual({ type: 'select', layer: 'add_3' });
    expect(parseWebviewMessage({ type: 'metricChanged', metric: 'macs' })).toEqual({ type: 'metricChanged', metric: 'macs' });
    expect(parseWebviewMessage({ type: 'copy', text: '| a |' })).toEqual({ type: 'copy', text: '| a |' });
    expect(parseWebviewMessage({ type: 'save', format: 'svg', data: '<svg/>' })).toEqual({ type: 'save', format: 'svg', data: '<svg/>' });
    expect(parseWebviewMessage({ type: 'save', format: 'png', data: 'data:image/png;base64,AA' })).toMatchObject({ format: 'png' });
    expect(parseWebviewMessage({ type: 'painted', pageAt: 0, scriptAt: 1, reportAt: 2, paintedAt: 3, extra: 'x' })).toEqual({ type: 'painted', pageAt: 0, scriptAt: 1, reportAt: 2, paintedAt: 3 });
  });

  it('rejects malformed and unknown messages', () => {
    for (const x of [
      undefined,
      null,
      'ready',
      { type: 'select' },
      { type: 'select', layer: null },
      { type: 'metricChanged', metric: 'fps' },
      { type: 'copy', text: 1 },
      { type: 'save', format: 'jpg', data: '' },
      { type: 'save', format: 'svg' },
      { type: 'report', report: tinyReport() },
      { type: 'painted', pageAt: 0, scriptAt: 1, reportAt: 2 },
      { type: 'painted', pageAt: 0, scriptAt: 1, reportAt: '2', paintedAt: 3 },
      { type: 'painted', pageAt: 0, scriptAt: 1, reportAt: 2, paintedAt: Number.NaN },
      { type: 'unknown' },
    ]) {
      expect(parseWebviewMessage(x)).toBeUndefined();
    }
  });
});
