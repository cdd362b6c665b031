// Live mode as VS Code runs it, without VS Code: the built worker (dist/worker.js, `npm run
// build`), Xception 71x71 on WASM, 10 timed passes back to back, then live passes every INTERVAL
// ms. Prints the profiled/plain ratio of the medians for both, each live pass's two times, and the
// median of the per-pair ratios, overall and by which timed pass went first, and their
// order-balanced geometric mean.
//
//   node scripts/live-ratio.mjs [intervalMs=1000] [livePasses=12] [worker=dist/worker.js]
import { fork } from 'node:child_process';
const interval = Number(process.argv[2] ?? 1000);
const passes = Number(process.argv[3] ?? 12);
const worker = process.argv[4] ?? 'dist/worker.js';
const child = fork(worker, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
const live = [];
const timed = [];
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
child.on('message', (m) => {
  if (m.type !== 'pass') return;
  (m.live ? live : timed).push(m);
  if (live.length >= passes) {
    child.kill();
    const r = (xs) => `${xs.length} passes: profiled median ${med(xs.map((x) => x.passMs)).toFixed(1)} ms, plain median ${med(xs.map((x) => x.predictMs)).toFixed(1)} ms, profiled/plain ${(med(xs.map((x) => x.passMs)) / med(xs.map((x) => x.predictMs))).toFixed(3)}`;
    console.log(`timed (no pause): ${r(timed)}`);
    console.log(`live (every ${interval} ms): ${r(live)}`);
    console.log('live per pass (plain, profiled):', live.map((x) => `${x.predictMs.toFixed(0)},${x.passMs.toFixed(0)}`).join(' '));
    // Each pair runs back to back, so its own ratio cancels the load drift between pairs; by order
    // (profile.ts plainFirst: plain first on even runs, in the timed passes too) it shows what going first after the pause costs.
    const pairs = (xs) => med(xs.map((x) => x.passMs / x.predictMs)).toFixed(3);
    const plainFirst = pairs(live.filter((_, i) => i % 2 === 0));
    const profiledFirst = pairs(live.filter((_, i) => i % 2 === 1));
    console.log(`live median of per-pair profiled/plain: ${pairs(live)} (plain timed first: ${plainFirst}, profiled first: ${profiledFirst})`);
    // If whichever timed pass goes first is slower by a factor f, plain-first pairs read r/f and
    // profiled-first pairs r*f: their geometric mean is r, the first-pass cost cancelled.
    console.log(`live order-balanced profiled/plain (geometric mean of the two orders' medians): ${Math.sqrt(plainFirst * profiledFirst).toFixed(3)}`);
    console.log(`timed (no pause) median of per-pair profiled/plain: ${pairs(timed)}`);
  }
});
child.send({ protocol: 1, type: 'start', job: { model: { kind: 'xception', inputSize: 71, includeTop: true, classes: 1000 }, engine: 'wasm', searchPaths: [], warmupRuns: 2, runs: 10, batchSize: 1, timing: true, wasmDir: process.cwd() + '/dist', live: { intervalMs: interval } } });
