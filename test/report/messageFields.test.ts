/**
 * The message validators (src/report/messages.ts) field by field: a well-formed message is
 * accepted, and the same message with any one checked field missing or of the wrong type is
 * refused. Complements messages.test.ts (real reports, whole messages).
 */
import { describe, expect, it } from 'vitest';
import { isArchitectureReport, isLayerTiming, parseHostMessage, parseWebviewMessage } from '../../src/report/messages';

type Json = Record<string, unknown>;

const kernel = (): Json => ({ name: '_FusedMatMul', medianMs: 1.5, calls: 2, naReason: 'why' });
const layerTiming = (): Json => ({ medianMs: 3, minMs: 2, p90Ms: 4, runs: 5, naReason: 'why', kernels: [kernel(), kernel()] });
const passTiming = (): Json => ({ warmupRuns: 1, timedRuns: 3, batchSize: 1, predictMedianMs: 10, profiledMedianMs: 11, layerSumMs: 9, overheadRatio: 1.1 });
const engine = (): Json => ({ name: 'wasm', backend: 'wasm', package: 'p', version: '1', threads: 2, why: 'fastest', skipped: [] });
const group = (): Json => ({ name: 'entry', flow: 'entry', layers: ['a', 'b'], totals: {} });
const layer = (): Json => ({ name: 'a', className: 'Dense', flow: 'entry', block: 'entry', inbound: [], outputShape: [null, 2], params: {}, macs: 4, timing: layerTiming() });
const report = (): Json => ({
  schemaVersion: 1,
  model: { name: 'm', grouping: 'names' },
  layers: [layer(), layer()],
  blocks: [group(), group()],
  flows: [group(), group()],
  totals: {},
  diagnostics: [],
  timing: passTiming(),
  engine: engine(),
});

/** `base()` with the value at `path` replaced by `value` (deleted when `value` is `DELETE`). */
const DELETE = Symbol('delete');
function withField(base: Json, path: (string | number)[], value: unknown): Json {
  const copy = structuredClone(base);
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === DELETE) delete at[last];
  else at[last] = value;
  return copy;
}

/** Every checked field of `obj` (recursively into `nested`), with a wrong value for it. */
function wrongValues(obj: Json, prefix: (string | number)[], nested: Record<string, (string | number)[][]>): [(string | number)[], unknown][] {
  const out: [(string | number)[], unknown][] = [];
  for (const [key, v] of Object.entries(obj)) {
    const path = [...prefix, key];
    // A string where a number, null or object is expected; a number where a string is.
    out.push([path, typeof v === 'string' ? 7 : 'x']);
    if (!['naReason', 'timing', 'engine'].includes(key)) out.push([path, DELETE]);
  }
  for (const sub of nested[prefix.join('.')] ?? []) out.push(...wrongValues((sub.reduce<unknown>((o, k) => (o as Json)[k], obj) as Json) ?? {}, [...prefix, ...sub], nested));
  return out;
}

describe('isArchitectureReport', () => {
  it('accepts the well-formed report, also without timing and engine', () => {
    expect(isArchitectureReport(report())).toBe(true);
    expect(isArchitectureReport(withField(withField(report(), ['timing'], DELETE), ['engine'], DELETE))).toBe(true);
    expect(isArchitectureReport(withField(report(), ['layers', 1, 'timing'], DELETE))).toBe(true);
  });

  const cases: [string, (string | number)[], unknown][] = [
    ['schema version 2', ['schemaVersion'], 2],
    ['no model', ['model'], DELETE],
    ['a model name that is a number', ['model', 'name'], 3],
    ['a grouping that is a number', ['model', 'grouping'], 3],
    ['layers that are no list', ['layers'], {}],
    ['blocks that are no list', ['blocks'], {}],
    ['flows that are no list', ['flows'], {}],
    ['no totals', ['totals'], DELETE],
    ['diagnostics that are no list', ['diagnostics'], {}],
    ['a second group with a layer name that is a number', ['blocks', 1, 'layers', 1], 5],
    ['a second flow without totals', ['flows', 1, 'totals'], DELETE],
    ['engine.skipped that is no list', ['engine', 'skipped'], {}],
    ['a second kernel with no calls', ['layers', 1, 'timing', 'kernels', 1, 'calls'], DELETE],
    ['kernels that are no list', ['layers', 0, 'timing', 'kernels'], {}],
  ];
  for (const [label, path, value] of [
    ...cases,
    ...wrongValues(layer(), ['layers', 1], { 'layers.1': [['timing']] }).map(([p, v]) => [`layer field ${p.slice(2).join('.')} ${v === DELETE ? 'missing' : 'mistyped'}`, p, v] as [string, (string | number)[], unknown]),
    ...wrongValues(group(), ['blocks', 1], {}).map(([p, v]) => [`block field ${p[2]} ${v === DELETE ? 'missing' : 'mistyped'}`, p, v] as [string, (string | number)[], unknown]),
    ...wrongValues(group(), ['flows', 1], {}).map(([p, v]) => [`flow field ${p[2]} ${v === DELETE ? 'missing' : 'mistyped'}`, p, v] as [string, (string | number)[], unknown]),
    ...wrongValues(passTiming(), ['timing'], {}).map(([p, v]) => [`timing field ${p[1]} ${v === DELETE ? 'missing' : 'mistyped'}`, p, v] as [string, (string | number)[], unknown]),
    ...wrongValues(engine(), ['engine'], {}).map(([p, v]) => [`engine field ${p[1]} ${v === DELETE ? 'missing' : 'mistyped'}`, p, v] as [string, (string | number)[], unknown]),
  ]) {
    it(`refuses ${label}`, () => {
      expect(isArchitectureReport(withField(report(), path, value))).toBe(false);
    });
  }
  it('refuses what is not an object', () => {
    expect([null, [], 'report', 1].map(isArchitectureReport)).toEqual([false, false, false, false]);
  });
});

describe('isLayerTiming', () => {
  it('accepts null and NaN times and no reason; refuses each field missing or mistyped', () => {
    expect(isLayerTiming(layerTiming())).toBe(true);
    expect(isLayerTiming({ medianMs: null, minMs: NaN, p90Ms: null, runs: 0, kernels: [{ name: 'k', medianMs: null, calls: 1 }] })).toBe(true);
    for (const [path, value] of wrongValues(layerTiming(), [], { '': [['kernels', 1]] })) {
      expect(isLayerTiming(withField(layerTiming(), path, value)), path.join('.')).toBe(false);
    }
  });
});

describe('parseHostMessage', () => {
  it('timings: the layers, the run, and the pass timing and engine only when given and well-formed', () => {
    const layers = { a: layerTiming() };
    expect(parseHostMessage({ type: 'timings', layers, run: 0 })).toEqual({ type: 'timings', layers, run: 0 });
    expect(parseHostMessage({ type: 'timings', layers, run: 2, timing: passTiming(), engine: engine() })).toEqual({ type: 'timings', layers, run: 2, timing: passTiming(), engine: engine() });
    expect(parseHostMessage({ type: 'timings', layers, run: -1 })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', layers, run: NaN })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', layers, run: '1' })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', layers: { a: { ...layerTiming(), runs: 'x' } }, run: 1 })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', layers: [], run: 1 })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', run: 1 })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', layers, run: 1, timing: { ...passTiming(), batchSize: 'x' } })).toBeUndefined();
    expect(parseHostMessage({ type: 'timings', layers, run: 1, engine: { ...engine(), why: 1 } })).toBeUndefined();
  });
  it('setConvention and status: known values only', () => {
    expect(parseHostMessage({ type: 'setConvention', convention: 'macs' })).toEqual({ type: 'setConvention', convention: 'macs' });
    expect(parseHostMessage({ type: 'setConvention', convention: 'other' })).toBeUndefined();
    expect(parseHostMessage({ type: 'status', state: 'no such state', message: 'm' })).toBeUndefined();
    expect(parseHostMessage({ type: 'status', state: 7, message: 'm' })).toBeUndefined();
    expect(parseHostMessage({ type: 'unknown' })).toBeUndefined();
    expect(parseHostMessage({ type: '' })).toBeUndefined();
  });
});

describe('parseWebviewMessage', () => {
  it('sweep: batch or input, at most 16 positive integers', () => {
    const values16 = Array.from({ length: 16 }, (_, i) => i + 1);
    expect(parseWebviewMessage({ type: 'sweep', axis: 'batch', values: [1, 2, 4] })).toEqual({ type: 'sweep', axis: 'batch', values: [1, 2, 4] });
    expect(parseWebviewMessage({ type: 'sweep', axis: 'input', values: values16 })).toEqual({ type: 'sweep', axis: 'input', values: values16 });
    expect(parseWebviewMessage({ type: 'sweep', axis: 'input', values: [...values16, 17] })).toBeUndefined();
    expect(parseWebviewMessage({ type: 'sweep', axis: 'depth', values: [1] })).toBeUndefined();
    expect(parseWebviewMessage({ type: 'sweep', axis: 'batch', values: 4 })).toBeUndefined();
    expect(parseWebviewMessage({ type: 'sweep', axis: 'batch', values: [1, 0] })).toBeUndefined();
    expect(parseWebviewMessage({ type: 'sweep', axis: 'batch', values: [1, 2.5] })).toBeUndefined();
    expect(parseWebviewMessage({ type: 'sweep', axis: 'batch', values: [1, -2] })).toBeUndefined();
    expect(parseWebviewMessage({ type: 'sweep', axis: 'batch', values: [] })).toEqual({ type: 'sweep', axis: 'batch', values: [] });
  });
  it('painted: four finite numbers', () => {
    const ok = { type: 'painted', pageAt: 1, scriptAt: 2, reportAt: 3, paintedAt: 4 };
    expect(parseWebviewMessage(ok)).toEqual(ok);
    expect(parseWebviewMessage({ ...ok, reportAt: Infinity })).toBeUndefined();
    expect(parseWebviewMessage({ ...ok, paintedAt: '4' })).toBeUndefined();
    expect(parseWebviewMessage({ type: 'unknown' })).toBeUndefined();
    expect(parseWebviewMessage({ type: '' })).toBeUndefined();
  });
});
