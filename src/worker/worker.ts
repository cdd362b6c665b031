/**
 * Entry point of the profiling worker process, forked by the session (`client.ts`) with an IPC
 * channel; under VS Code it runs as plain Node (`ELECTRON_RUN_AS_NODE=1`). It takes one `start`
 * message, runs the job, and exits. Cancel = the session kills this process.
 */
import { LiveControl } from '../profiler/live';
import { runJob } from './job';
import { PROTOCOL_VERSION, parseToWorker, type FromWorker } from './protocol';

/** Sends to the session; a channel that broke (the session died) ends this process. */
function send(message: FromWorker): void {
  if (!process.connected) process.exit(1);
  process.send!(message, undefined, {}, (error: Error | null) => {
    if (error) process.exit(1);
  });
}

/** Exits once every message sent so far has left (IPC sends are asynchronous and ordered). */
function flushAndExit(code: number): void {
  if (!process.connected) process.exit(code);
  process.send!({ protocol: PROTOCOL_VERSION, type: 'exiting', code }, () => process.exit(code));
}

if (!process.send) {
  console.error('the profiling worker must be started with an IPC channel (child_process.fork)');
  process.exit(2);
}

// A worker whose session died (the extension host crashed, the CLI was killed) must not go on
// burning every core: the IPC channel closing is the signal.
process.on('disconnect', () => process.exit(1));

const live = new LiveControl();
let started = false;

process.on('message', (raw: unknown) => {
  const message = parseToWorker(raw);
  if (message?.type === 'control') {
    live.set(message.action === 'pause' ? 'paused' : message.action === 'resume' ? 'running' : 'stopped');
    send({ protocol: PROTOCOL_VERSION, type: 'live', state: live.state, runs: live.runs });
    return;
  }
  if (started) return;
  started = true;
  if (!message) {
    send({ protocol: PROTOCOL_VERSION, type: 'error', name: 'ProtocolError', message: 'the profiling worker received a malformed start message' });
    flushAndExit(2);
    return;
  }
  runJob(message.job, send, { live }).then(
    () => flushAndExit(0),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      send({ protocol: PROTOCOL_VERSION, type: 'error', name: e.name, message: e.message });
      flushAndExit(1);
    },
  );
});
