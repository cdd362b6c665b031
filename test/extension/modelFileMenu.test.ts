// The explorer's context menu offers "Analyze Model File..." for exactly the extensions the
// importers read (and the file picker lists).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_FILE_EXTENSIONS } from '../../src/importers/extensions';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { menus: { 'explorer/context': { command: string; when: string }[] } };
};

describe('model file menu', () => {
  it('the explorer when-clause matches every model file extension and nothing else', () => {
    const entry = manifest.contributes.menus['explorer/context'].find((m) => m.command === 'xceptionProfiler.analyzeModelFile')!;
    const pattern = /resourceExtname =~ \/(.+)\/$/.exec(entry.when)![1];
    const regex = new RegExp(pattern);
    for (const ext of MODEL_FILE_EXTENSIONS) expect(regex.test(`.${ext}`), ext).toBe(true);
    for (const other of ['.py', '.txt', '.bin', '.h5x', '.pb']) expect(regex.test(other), other).toBe(false);
  });
});
