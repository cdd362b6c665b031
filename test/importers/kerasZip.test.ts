import * as tf from '@tensorflow/tfjs';
import { strToU8, zipSync } from 'fflate';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importKerasZip, isZip } from '../../src/importers/kerasZip';
import { loadModelFile } from '../../src/importers/modelFile';

const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', 'models', name);

describe('.keras archives', () => {
  it('reads config.json and metadata.json from the zip and analyses like the JSON config', async () => {
    const fromZip = await loadModelFile(tf, fixture('keras3-siamese.keras'));
    const fromJson = await loadModelFile(tf, fixture('keras3-siamese.json'));
    try {
      expect(fromZip.report.totals).toEqual(fromJson.report.totals);
      expect(fromZip.report.diagnostics[0].message).toBe('model file: Keras 3.4.1 model (.keras), model "siamese"');
      expect(fromZip.report.diagnostics.map((d) => d.message)).toContain(
        'weights: loaded 11 weights (619 values, 2.4 KiB as float32) from keras3-siamese.keras › model.weights.h5',
      );
      expect(fromZip.report.model.source).toBe(fixture('keras3-siamese.keras'));
    } finally {
      fromZip.model.dispose();
      fromJson.model.dispose();
    }
  });

  it('recognises zip archives by their signature', () => {
    expect(isZip(zipSync({ 'a.txt': strToU8('a') }))).toBe(true);
    expect(isZip(strToU8('{"class_name": "Sequential"}'))).toBe(false);
  });

  it('reports a malformed config.json inside the archive with its line and column', () => {
    const bytes = zipSync({ 'config.json': strToU8('{\n  "class_name": "Functional",\n  "config": {,}\n}') });
    expect(() => importKerasZip(bytes, 'broken.keras')).toThrow('broken.keras › config.json: not valid JSON at line 3, column 14: unexpected ",", expected a property name or "}"');
  });

  it('refuses a config.json that would decompress beyond the limit (zip bomb)', () => {
    const big = new Uint8Array(65 * 2 ** 20).fill(32);
    const bytes = zipSync({ 'config.json': big }, { level: 9 });
    expect(bytes.length).toBeLessThan(2 ** 20);
    expect(() => importKerasZip(bytes, 'bomb.keras')).toThrow(/config\.json would decompress to 68157440 bytes/);
  });
});
