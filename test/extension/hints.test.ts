import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTextDocument, InlayHint, InlayHintKind, MarkdownString, Range } from '../vscode-stub';
import { findLayerConstructions, ShapeHintsProvider } from '../../src/extension/hints';
import type { ArchitectureReport } from '../../src/report/schema';
import { xceptionReport } from './fixtures';
import { FakeSource } from './source';

const FIXTURE = readFileSync(join(__dirname, '..', 'fixtures', 'xception_keras.py'), 'utf8');
const doc = createTextDocument(FIXTURE, 'python', '/w/xception_keras.py');
const lines = FIXTURE.split('\n');
const lineOf = (needle: string): number => lines.findIndex((l) => l.includes(needle));
const WHOLE = new Range(0, 0, lines.length, 0);

let report: ArchitectureReport;
let source: FakeSource;
let provider: ShapeHintsProvider;

beforeAll(async () => {
  report = await xceptionReport();
  source = new FakeSource(report);
  source.config.hintsEnabled = true;
  provider = new ShapeHintsProvider(source);
});

const hints = (range = WHOLE): InlayHint[] => provider.provideInlayHints(doc as never, range as never) as unknown as InlayHint[];

describe('findLayerConstructions', () => {
  it('finds the 41 literal layer names of the Keras-style Xception, not the run-time ones', () => {
    const names = new Set(report.layers.map((l) => l.name));
    const found = findLayerConstructions(FIXTURE, (n) => names.has(n));
    // Blocks 1-4: 6 + 6 + 7 + 7; blocks 13-14: 7 + 6; top: avg_pool, predictions. Middle flow
    // names are built at run time (prefix + "_sepconv1"), and the model's name "xception" is no layer.
    expect(found).toHaveLength(41);
    expect(found.map((c) => c.name).slice(0, 3)).toEqual(['block1_conv1', 'block1_conv1_bn', 'block1_conv1_act']);
    expect(found.some((c) => c.name.startsWith('block5'))).toBe(false);
    expect(found.at(-1)!.name).toBe('predictions');
  });

  it('ends a hint after the call and its application, across lines', () => {
    const names = new Set(report.layers.map((l) => l.name));
    const found = findLayerConstructions(FIXTURE, (n) => names.has(n));
    const end = (name: string) => doc.positionAt(found.find((c) => c.name === name)!.endOffset);
    const line = lineOf("name='block4_sepconv2'");
    expect(end('block4_sepconv2')).toMatchObject({ line, character: lines[line].length });
    // block4_sepconv1's call spans 7 lines and closes with "    )(x)".
    const close = lineOf('name="block4_sepconv1",') + 1;
    expect(lines[close]).toBe('    )(x)');
    expect(end('block4_sepconv1')).toMatchObject({ line: close, character: 8 });
  });

  it('skips attribute assignments, comparisons, unclosed calls and parentheses in strings', () => {
    const names = (n: string) => n === 'a';
    expect(findLayerConstructions("layer.name = 'a'\nif name == 'a': pass", names)).toEqual([]);
    expect(findLayerConstructions("f(name='a'", names)).toEqual([]);
    const text = "f(g(1), s=')', name='a', t=\"(\")  # )\nnext";
    expect(findLayerConstructions(text, names)).toEqual([{ name: 'a', nameOffset: 21, endOffset: 31 }]);
  });
});

describe('ShapeHintsProvider', () => {
  it('labels each construction with the output shape and MACs', () => {
    const all = hints();
    expect(all).toHaveLength(41);
    const sep = all.find((h) => h.position.line === lineOf("name='block4_sepconv2'"))!;
    expect(sep.label).toBe('-> (None, 37, 37, 728) · 734.5M MACs');
    expect(sep.kind).toBe(InlayHintKind.Type);
    expect(sep.paddingLeft).toBe(true);
    // The card is built when the hint is hovered (resolveInlayHint), not for every hint.
    expect(sep.tooltip).toBeUndefined();
    provider.resolveInlayHint(sep as never);
    expect((sep.tooltip as MarkdownString).value).toContain('**block4\\_sepconv2**');
    // block1_conv1: 149x149x32 outputs, 3x3x3 kernel: 149*149*32*27 = 19,181,664 MACs.
    expect(all[0].label).toBe('-> (None, 149, 149, 32) · 19.2M MACs');
    expect(all.find((h) => h.position.line === lineOf('name="block2_pool"'))!.label).toBe('-> (None, 74, 74, 128)');
    expect(all.at(-1)!.label).toBe('-> (None, 1000) · 2.0M MACs');
  });

  it('returns only the hints inside the requested range', () => {
    const from = lineOf('# Block 4');
    const to = lineOf('# Middle flow');
    const inRange = hints(new Range(from, 0, to, 0));
    expect(inRange).toHaveLength(7);
    expect(inRange.every((h) => h.position.line >= from && h.position.line <= to)).toBe(true);
  });

  it('follows the FLOPs convention', () => {
    source.config.flopsConvention = 'tf-profiler';
    try {
      const all = hints();
      expect(all.find((h) => h.position.line === lineOf('name="block2_pool"'))!.label).toBe('-> (None, 74, 74, 128) · 6.3M FLOPs');
      expect(all.find((h) => h.position.line === lineOf("name='block4_sepconv2'"))!.label).toBe('-> (None, 37, 37, 728) · 1.47G FLOPs');
    } finally {
      source.config.flopsConvention = 'macs';
    }
  });

  it('shows nothing when disabled or without a report', () => {
    source.config.hintsEnabled = false;
    try {
      expect(hints()).toEqual([]);
    } finally {
      source.config.hintsEnabled = true;
    }
    const none = new ShapeHintsProvider(Object.assign(new FakeSource(), { config: { ...source.config } }));
    expect(none.provideInlayHints(doc as never, WHOLE as never)).toEqual([]);
  });

  it('asks for new hints on a new report, not on timings', () => {
    let asked = 0;
    const p = new ShapeHintsProvider(source);
    p.onDidChangeInlayHints(() => asked++);
    source.emit({ kind: 'timings', layers: {}, run: 1 });
    expect(asked).toBe(0);
    source.emit({ kind: 'report', report });
    expect(asked).toBe(1);
    p.dispose();
  });
});
