/** Xception's first picture before an engine loads: precomputed and cached static reports. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cacheStaticReport, staticXceptionReport } from '../../src/extension/staticReport';
import type { ArchitectureReport } from '../../src/report/schema';
import type { XceptionSource } from '../../src/worker/protocol';
import { WASM_ENGINE, withTimings, xceptionReport } from './fixtures';

const AT_71: XceptionSource = { kind: 'xception', inputSize: 71, includeTop: true, classes: 1000 };
let report71: ArchitectureReport;
beforeAll(async () => {
  report71 = await xceptionReport(71);
});

describe('static Xception reports', () => {
  it('reads the precomputed report of the bundle, without the engine that computed it', () => {
    const ext = mkdtempSync(path.join(tmpdir(), 'xp-static-'));
    mkdirSync(path.join(ext, 'dist', 'static'), { recursive: true });
    writeFileSync(path.join(ext, 'dist', 'static', 'xception-71.json'), JSON.stringify({ ...report71, engine: { ...WASM_ENGINE, name: 'cpu' } }));
    const r = staticXceptionReport(ext, AT_71)!;
    expect(r.engine).toBeUndefined();
    expect(r.layers.find((l) => l.name === 'block4_sepconv2')).toMatchObject({ outputShape: [null, 9, 9, 728], macs: 9 * 9 * 728 * 9 + 9 * 9 * 728 * 728 });
    expect(r.totals.params.trainable + r.totals.params.nonTrainable).toBe(22_910_480);
    // Other sizes and variants are not precomputed.
    expect(staticXceptionReport(ext, { ...AT_71, inputSize: 72 })).toBeUndefined();
    expect(staticXceptionReport(ext, { ...AT_71, includeTop: false })).toBeUndefined();
  });

  it('caches a run\'s analysis for the next first picture: static part only (no engine, no timings)', () => {
    const ext = mkdtempSync(path.join(tmpdir(), 'xp-static-'));
    const cache = path.join(ext, 'cache');
    expect(staticXceptionReport(ext, AT_71, cache)).toBeUndefined();
    cacheStaticReport(cache, AT_71, withTimings(report71));
    const r = staticXceptionReport(ext, AT_71, cache)!;
    expect(r.engine).toBeUndefined();
    expect(r.timing).toBeUndefined();
    expect(r.layers.every((l) => l.timing === undefined)).toBe(true);
    expect(r.layers.map((l) => [l.name, l.outputShape, l.macs])).toEqual(report71.layers.map((l) => [l.name, l.outputShape, l.macs]));
  });

  it('treats a damaged file as none', () => {
    const ext = mkdtempSync(path.join(tmpdir(), 'xp-static-'));
    mkdirSync(path.join(ext, 'dist', 'static'), { recursive: true });
    writeFileSync(path.join(ext, 'dist', 'static', 'xception-71.json'), '{"layers": [');
    expect(staticXceptionReport(ext, AT_71)).toBeUndefined();
  });
});
