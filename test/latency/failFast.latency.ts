// Bounded time on bad input and on cancel (the guide: "a clear message ... in bounded time"):
// every broken file in test/fixtures/bad/ fails with a ModelFileError within 2 s through the whole
// load path, in-process and through the profiling worker, and a cancelled worker is gone within 1 s.
import * as tf from '@tensorflow/tfjs';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/importers/errors';
import { loadModelFile } from '../../src/importers/modelFile';
import { startWorker } from '../../src/worker/client';
import { buildWorkerBundle, smallJob } from '../helpers/workerBundle';
import { judge } from './judge';

const badDir = path.join(__dirname, '..', 'fixtures', 'bad');

let workerPath: string;
beforeAll(async () => {
  workerPath = await buildWorkerBundle();
});

describe('fail fast', () => {
  it('every bad fixture file: the slowest named error, in-process', async () => {
    let slowest = { file: '', ms: 0 };
    for (const file of readdirSync(badDir)) {
      const start = performance.now();
      const error = await loadModelFile(tf, path.join(badDir, file)).then(
        () => undefined,
        (e: unknown) => e,
      );
      const ms = performance.now() - start;
      expect(error, file).toBeInstanceOf(ModelFileError);
      if (ms > slowest.ms) slowest = { file, ms };
    }
    judge(`bad model file, slowest of ${readdirSync(badDir).length} (${slowest.file})`, slowest.ms, 2000);
  });

  it('a bad file through the profiling worker: start to named error', async () => {
    const start = performance.now();
    const run = startWorker(smallJob(2, { model: { kind: 'file', path: path.join(badDir, 'cycle.json') } }), { workerPath });
    await expect(run.result).rejects.toMatchObject({ name: 'ModelFileError' });
    judge('bad file through the worker (cycle.json)', performance.now() - start, 2000);
  });

  it('cancel during profiling: abort to worker gone', async () => {
    const abort = new AbortController();
    const run = startWorker(smallJob(1000), { workerPath, signal: abort.signal, onMessage: (m) => m.type === 'pass' && abort.abort() });
    const cancelledAt = await new Promise<number>((resolve) => abort.signal.addEventListener('abort', () => resolve(performance.now())));
    await expect(run.result).rejects.toMatchObject({ name: 'AbortError' });
    judge('cancel to worker gone', performance.now() - cancelledAt, 1000);
  });
});
