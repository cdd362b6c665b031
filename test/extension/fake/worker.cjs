// A scripted stand-in for dist/worker.js in the session tests: it speaks the real worker protocol
// (src/worker/protocol.ts, version 1) over the real fork IPC channel, with a report read from
// $XP_FAKE_REPORT, and no TF.js. $XP_FAKE_MODE picks the script:
//   live   progress, engine, analysis, 2 timed passes, result, then live passes every 20 ms
//          until paused / stopped (pause, resume and stop as the real worker handles them)
//   hang   progress and engine, then waits (a run still building when the test acts)
//   fail   an error message, exit code 1 (as a bad model file ends)
//   timing progress, engine, analysis, then waits in the timing stage
const fs = require('node:fs');

const P = 1;
const report = JSON.parse(fs.readFileSync(process.env.XP_FAKE_REPORT, 'utf8'));
const mode = process.env.XP_FAKE_MODE || 'live';
const engine = { name: 'wasm', backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: '4.22.0', threads: 2, simd: true, why: 'fake worker', skipped: [] };
const send = (m) => process.send({ protocol: P, ...m });
const pass = (live, run) => ({ type: 'pass', run, runs: 0, live, passMs: 10, readbackMs: 0, predictMs: 9, layerMs: { block1_conv1: 1 + run / 100 }, kernels: {} });
let live = 'running';
let runs = 0;
let timer;

process.on('disconnect', () => process.exit(1));
process.on('message', (m) => {
  if (m.type === 'control') {
    live = m.action === 'pause' ? 'paused' : m.action === 'resume' ? 'running' : 'stopped';
    send({ type: 'live', state: live, runs });
    if (live === 'stopped') {
      clearInterval(timer);
      process.send({ protocol: P, type: 'exiting', code: 0 }, () => process.exit(0));
    }
    return;
  }
  send({ type: 'progress', stage: 'building', message: 'loading engine (auto)', fraction: 0 });
  if (mode === 'fail') {
    send({ type: 'error', name: 'ModelFileError', message: 'model.json: unexpected end of the file' });
    process.send({ protocol: P, type: 'exiting', code: 1 }, () => process.exit(1));
    return;
  }
  send({ type: 'engine', engine });
  if (mode === 'hang') return;
  send({ type: 'analysis', report: { ...report, engine } });
  send({ type: 'progress', stage: 'timing', message: 'timed run 1/2', fraction: 0.5 });
  if (mode === 'timing') return;
  send(pass(false, 1));
  send(pass(false, 2));
  const timing = { warmupRuns: 1, timedRuns: 2, batchSize: 1, predictMedianMs: 9, profiledMedianMs: 10, layerSumMs: 1.02, overheadRatio: 10 / 9 };
  const layers = report.layers.map((l) => (l.name === 'block1_conv1' ? { ...l, timing: { medianMs: 1.01, minMs: 1.01, p90Ms: 1.02, runs: 2, kernels: [] } } : l));
  send({ type: 'result', report: { ...report, layers, engine, timing } });
  send({ type: 'live', state: live, runs: 0 });
  timer = setInterval(() => {
    if (live !== 'running') return;
    runs++;
    send(pass(true, runs));
  }, 20);
});
