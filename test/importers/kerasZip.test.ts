import * as tf from '@tensorflow/tfjs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isZip } from '../../src/importers/kerasZip';
import { loadModelFile, readModelFile } from '../../src/importers/modelFile';

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
});

describe('.keras archives on disk: the central directory, then config.json and metadata.json alone (yauzl)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keras-zip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const message = async (name: string, bytes: Uint8Array): Promise<string> => {
    writeFileSync(path.join(dir, name), bytes);
    return readModelFile(path.join(dir, name)).then(
      () => 'no error',
      (error: Error) => error.message.replace(`${dir}/`, ''),
    );
  };

  it('reads the config wherever the weights entry sits, and lists the weights from the directory', async () => {
    const original = readFileSync(fixture('keras3-siamese.keras'));
    // The same three entries with model.weights.h5 first (and stored): the config is still found.
    const files = unzipSync(original);
    const reordered = zipSync({ 'model.weights.h5': [files['model.weights.h5'], { level: 0 }], 'config.json': files['config.json'], 'metadata.json': files['metadata.json'] });
    writeFileSync(path.join(dir, 'reordered.keras'), reordered);
    const read = await readModelFile(path.join(dir, 'reordered.keras'));
    expect(read.format).toBe('keras-zip');
    if (read.format !== 'keras-zip') return;
    expect(read.storedWeights?.label).toBe(`${path.join(dir, 'reordered.keras')} › model.weights.h5`);
    expect(read.report.totals.params.trainable + read.report.totals.params.nonTrainable).toBe(619);
    expect(read.report.diagnostics[0].message).toBe('model file: Keras 3.4.1 model (.keras), model "siamese"');
  });

  it('names what is wrong: not a zip past its signature, a config.json too large, no config.json', async () => {
    expect(await message('broken.keras', strToU8('PK\u0003\u0004 broken'))).toBe('broken.keras: not a readable zip archive (End of central directory record signature not found. Either not a zip file, or file is truncated.)');
    const big = new Uint8Array(65 * 2 ** 20).fill(32);
    expect(await message('bomb.keras', zipSync({ 'config.json': big }, { level: 9 }))).toBe('bomb.keras: field "config.json": would decompress to 68157440 bytes, more than the 67108864 accepted');
    expect(await message('empty.keras', zipSync({ 'model.weights.h5': strToU8('x') }))).toBe(
      'empty.keras: the archive has no config.json (found: model.weights.h5); a .keras file holds config.json, metadata.json and model.weights.h5',
    );
    expect(await message('broken-json.keras', zipSync({ 'config.json': strToU8('{\n  "class_name": "Functional",\n  "config": {,}\n}') }))).toBe(
      'broken-json.keras › config.json: not valid JSON at line 3, column 14: unexpected ",", expected a property name or "}"',
    );
    expect(await message('not-an-object.keras', zipSync({ 'config.json': strToU8('[1]') }))).toBe('not-an-object.keras: expected a model config object {"class_name", "config"}, got [1]');
  });

  it('without metadata.json or model.weights.h5: "Keras 3", initialised weights, said so', async () => {
    const config = unzipSync(readFileSync(fixture('keras3-siamese.keras')))['config.json'];
    const describe = async (name: string, entries: Record<string, Uint8Array>): Promise<{ description: string; notes: string[] }> => {
      writeFileSync(path.join(dir, name), zipSync(entries));
      const read = await readModelFile(path.join(dir, name));
      if (read.format !== 'keras-zip') throw new Error(`read as ${read.format}`);
      expect(read.storedWeights).toBeUndefined();
      return { description: read.formatDescription, notes: read.report.diagnostics.map((d) => d.message) };
    };
    const bare = await describe('config-only.keras', { 'config.json': config });
    expect(bare.description).toBe('Keras 3 model (.keras)');
    expect(bare.notes).toContain('weights: the archive holds no model.weights.h5; profiling with initialised weights');
    // metadata.json without a string keras_version, or not an object: the version stays "Keras 3".
    expect((await describe('numeric-version.keras', { 'config.json': config, 'metadata.json': strToU8('{"keras_version": 3}') })).description).toBe('Keras 3 model (.keras)');
    expect((await describe('list-metadata.keras', { 'config.json': config, 'metadata.json': strToU8('["3.4.1"]') })).description).toBe('Keras 3 model (.keras)');
    expect((await describe('versioned.keras', { 'config.json': config, 'metadata.json': strToU8('{"keras_version": "3.9.0"}') })).description).toBe('Keras 3.9.0 model (.keras)');
    expect(await message('bad-metadata.keras', zipSync({ 'config.json': config, 'metadata.json': strToU8('{') }))).toMatch(/^bad-metadata\.keras › metadata\.json: not valid JSON/);
  });
});
