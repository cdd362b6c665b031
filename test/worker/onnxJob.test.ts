import { describe, expect, it } from 'vitest';
import { LiveControl } from '../../src/profiler/live';
import type { FromWorker } from '../../src/worker/protocol';
import { runJob } from '../../src/worker/job';
import { smallJob } from '../helpers/workerBundle';

describe('a job on the onnxruntime engine', () => {
  it('checks ORT against TF.js cpu, times every layer that owns a node, says which layers were folded, and goes live', async () => {
    const events: FromWorker[] = [];
    const live = new LiveControl();
    const report = await runJob(smallJob(3, { engine: 'onnxruntime', live: { intervalMs: 0, maxRuns: 6 } }), (e) => events.push(e), { live });
    expect(report.engine?.name).toBe('onnxruntime');
    expect(report.engine?.backend).toBe('onnxruntime-cpu');
    expect(report.engine?.gpu).toBe(false);
    // Every kind of layer ran in ORT and matched TF.js's cpu backend.
    expect(report.engine?.correctness?.checkedKinds).toBeGreaterThan(8);
    expect(report.engine?.correctness?.mismatches).toEqual([]);
    const byName = new Map(report.layers.map((l) => [l.name, l]));
    const sep = byName.get('block4_sepconv2')!.timing!;
    expect(sep.medianMs).toBeGreaterThan(0);
    expect(sep.kernels.map((k) => k.name).sort()).toEqual(['Conv [depthwise]', 'Conv [pointwise+bn]']);
    // The BN row says where its time is, with no made-up share.
    expect(byName.get('block4_sepconv2_bn')!.timing).toEqual({ medianMs: null, minMs: null, p90Ms: null, runs: 0, kernels: [], foldedInto: 'block4_sepconv2' });
    expect(report.timing?.timedRuns).toBe(3);
    expect(report.timing?.overheadRatio).toBeGreaterThan(0);
    expect(report.diagnostics.some((d) => /folded \d+ layers/.test(d.message) && d.message.includes('block4_sepconv2_bn -> block4_sepconv2'))).toBe(true);
    // Live passes come in chunks, all of them reported, with per-layer times.
    const livePasses = events.filter((e) => e.type === 'pass' && e.live);
    expect(livePasses.length).toBe(6);
    expect(events.at(-1)).toMatchObject({ type: 'live', state: 'stopped', runs: 6 });
  }, 180_000);

  it('runs a batch sweep on ONNX Runtime itself: each point exported at its batch and profiled in ORT, never on a TF.js engine', async () => {
    const report = await runJob(smallJob(1, { engine: 'onnxruntime', sweep: { axis: 'batch', values: [1, 2], runs: 2, warmupRuns: 1 } }), () => undefined);
    const sweep = report.sweep!;
    expect(sweep.engine).toBe(`onnxruntime x${report.engine!.threads}`);
    expect(sweep.points.map((p) => [p.batchSize, p.inputSize])).toEqual([[1, 71], [2, 71]]);
    expect(sweep.points[1].macs).toBe(2 * sweep.points[0].macs);
    for (const p of sweep.points) {
      expect(p.latencyMs).toBeGreaterThan(0);
      // The fused nodes' times sit on their owners: a separable conv's row holds its BN's time.
      expect(p.groups['separable convs'].ms).toBeGreaterThan(0);
      expect(p.groups.middle.ms).toBeGreaterThan(0);
    }
  }, 180_000);

  it('a layer the ONNX export cannot translate moves the run to the next engine, the reason among the skipped ones; not when fallback is off', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'xp-permute-')), 'permute.json');
    const layers = [
      { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 6, 5, 2] } },
      { class_name: 'Permute', config: { name: 'p', dims: [2, 1, 3] } },
      { class_name: 'Conv2D', config: { name: 'c', filters: 2, kernel_size: 3 } },
    ];
    writeFileSync(file, JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers }, keras_version: '3.5.0' }));
    const reason = 'ONNX export: layer "p": class Permute has no ONNX translation';
    const events: FromWorker[] = [];
    const report = await runJob(smallJob(2, { model: { kind: 'file', path: file }, engine: 'onnxruntime' }), (e) => events.push(e));
    expect(report.engine?.name).toBe('wasm');
    expect(report.engine?.skipped).toContainEqual({ name: 'onnxruntime', reason });
    expect(events.flatMap((e) => (e.type === 'engine' ? [e.engine.name] : []))).toEqual(['onnxruntime', 'onnxruntime', 'wasm', 'wasm']);
    // Permute [2, 1, 3] swaps height and width: 5x6x2, then a 3x3 valid conv: 3x4x2.
    expect(report.layers.find((l) => l.name === 'c')!.outputShape).toEqual([null, 3, 4, 2]);
    expect(report.layers.find((l) => l.name === 'c')!.timing!.medianMs).toBeGreaterThan(0);
    await expect(runJob(smallJob(1, { model: { kind: 'file', path: file }, engine: 'onnxruntime', engineFallback: false }), () => undefined)).rejects.toThrow(reason);
  }, 120_000);

  it('writes the ONNX export the user asked for', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { decodeModel } = await import('../../src/onnx/proto');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'xp-onnx-')), 'xception.onnx');
    await runJob(smallJob(1, { engine: 'cpu', timing: false, onnxFile: file }), () => undefined);
    const model = decodeModel(readFileSync(file));
    expect(model.graph!.node!.some((n) => n.name === 'block14_sepconv2/pointwise')).toBe(true);
    // A model file without timing too (its analysis alone needs no build, the export does).
    const fromFile = path.join(path.dirname(file), 'sequential.onnx');
    const fixture = path.join(__dirname, '..', 'fixtures', 'models', 'keras2-sequential.json');
    const report = await runJob(smallJob(1, { model: { kind: 'file', path: fixture }, engine: 'cpu', timing: false, onnxFile: fromFile }), () => undefined);
    const names = decodeModel(readFileSync(fromFile)).graph!.node!.map((n) => n.name);
    const convs = report.layers.filter((l) => l.className === 'Conv2D');
    expect(convs.length).toBeGreaterThan(0);
    for (const layer of convs) expect(names.some((n) => n?.startsWith(`${layer.name}/`)), layer.name).toBe(true);
    expect(report.layers.some((l) => l.timing)).toBe(false);
    // That file, opened: it runs on ONNX Runtime whatever engine was asked for, and says why.
    const opened = await runJob(smallJob(1, { model: { kind: 'file', path: fromFile }, engine: 'wasm' }), () => undefined);
    expect(opened.engine?.name).toBe('onnxruntime');
    expect(opened.engine?.why).toMatch(/^the engine that runs ONNX files/);
  }, 60_000);
});
