/// <reference types="mocha" />
/** "Profile Xception" end to end in the extension host: worker process, engine, report, timings. */
import * as assert from 'node:assert/strict';
import { BLOCK4_SEPCONV2_AT_71, extensionApi, layer, profiledReport, settledStatus } from './helpers';

suite('Profile Xception', () => {
  test('completes at input size 71 and produces a report with timings', async () => {
    const api = await extensionApi();
    assert.equal(api.session.job().model.inputSize, 71, 'the test workspace sets xceptionProfiler.inputSize to 71');
    const report = await profiledReport(api);
    const status = await settledStatus(api);
    assert.equal(status.state, 'done', `10 s after profiling, the status (shown in the diagram) still reads "${status.state}: ${status.message}"`);
    assert.deepEqual(report.model.inputShapes, [[null, 71, 71, 3]]);
    const l = layer(report, 'block4_sepconv2');
    assert.equal(l.className, 'SeparableConv2D');
    assert.deepEqual(l.outputShape, BLOCK4_SEPCONV2_AT_71.outputShape);
    assert.equal(l.macs, BLOCK4_SEPCONV2_AT_71.macs);
    assert.equal(l.flops, 2 * BLOCK4_SEPCONV2_AT_71.macs, '1 MAC = 2 FLOPs');
    // Keras's Xception: 22,910,480 params with the 1000-class top, at any input size.
    assert.equal(report.totals.params.trainable + report.totals.params.nonTrainable, 22_910_480);
    assert.ok(report.engine, 'the report names the engine that ran');
    assert.ok(report.timing, 'the report has pass timings');
    assert.ok((l.timing?.medianMs ?? 0) > 0, `block4_sepconv2 has a measured median (got ${JSON.stringify(l.timing)})`);
    // The test workspace turns live profiling off: exactly one sample per timed run.
    assert.equal(l.timing?.runs, api.session.job().runs, 'samples behind the median = timed runs');
  });
});
