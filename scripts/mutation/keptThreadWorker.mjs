// Worker thread of the mutation run's vitest pool (keptThreadPool.mjs): vitest's own `threads`
// worker, except that it keeps serving after a run instead of shutting its message port, so the
// next run (the next mutant) finds the core's modules and TF.js already evaluated.
import { parentPort } from 'node:worker_threads';
import { init, runBaseTests, setupEnvironment } from 'vitest/worker';

if (!parentPort) throw new Error('keptThreadWorker.mjs must run in a worker thread');
const port = parentPort;

// The first listener is vitest's request loop (start / run / stop); each later one is the RPC
// channel that a "start" opens for one run. Only the newest channel is live: drop the older one.
let requestLoop;
let channel;
init({
  post: (response) => port.postMessage(response),
  on: (callback) => {
    if (requestLoop === undefined) requestLoop = callback;
    else {
      if (channel !== undefined) port.off('message', channel);
      channel = callback;
    }
    port.on('message', callback);
  },
  off: (callback) => port.off('message', callback),
  // vitest's worker removes every listener here, ending the thread: keep listening instead.
  teardown: () => {},
  runTests: (state, traces) => runBaseTests('run', state, traces),
  collectTests: (state, traces) => runBaseTests('collect', state, traces),
  setup: setupEnvironment,
});
