/**
 * The session side of the worker: forks `worker.js`, sends the job, forwards validated messages,
 * and kills the process on cancel. Used by the extension host (so profiling never blocks the
 * editor) and by tests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { ArchitectureReport } from '../report/schema';
import { TIMING_PROCESS_ENV } from '../processMemory';
import { PROTOCOL_VERSION, parseFromWorker, type FromWorker, type LiveAction, type ProfileJob } from './protocol';

export interface WorkerRunOptions {
  /** Path of the bundled worker script (`dist/worker.js`). */
  workerPath: string;
  /** Called for every valid message, in order. */
  onMessage?: (message: FromWorker) => void;
  /** Aborting kills the worker (SIGTERM, then SIGKILL after 500 ms) and rejects with `AbortError`. */
  signal?: AbortSignal;
  /** Extra environment for the worker. */
  env?: NodeJS.ProcessEnv;
}

/** A run of the worker. */
export interface WorkerRun {
  /** The report with timings; resolves when the worker sends it (live mode goes on after it). */
  result: Promise<ArchitectureReport>;
  /** Resolves when the process has exited, however it ended, with its exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a live-mode switch (ignored once the process has exited). */
  control(action: LiveAction): void;
  child: ChildProcess;
}

function abortError(): Error {
  const e = new Error('profiling cancelled');
  e.name = 'AbortError';
  return e;
}

/**
 * Starts a worker process for `job`.
 * The promise rejects with the worker's own error (message and name kept), with `AbortError` on
 * cancel, or with an error saying how the process ended when it dies without a result (crash,
 * kill -9, out of memory).
 */
export function startWorker(job: ProfileJob, options: WorkerRunOptions): WorkerRun {
  const child = fork(options.workerPath, [], {
    // Under VS Code, process.execPath is Electron: run it as plain Node, as language clients do.
    // TIMING_PROCESS_ENV: freed activations go back to the system (glibc), not kept resident.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...TIMING_PROCESS_ENV, ...options.env },
    execPath: process.execPath,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const result = new Promise<ArchitectureReport>((resolve, reject) => {
    let report: ArchitectureReport | undefined;
    let failure: Error | undefined;
    const kill = (): void => {
      failure = abortError();
      child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), 500).unref();
    };
    if (options.signal?.aborted) kill();
    options.signal?.addEventListener('abort', kill, { once: true });

    child.on('message', (raw: unknown) => {
      const message = parseFromWorker(raw);
      if (!message) return;
      if (message.type === 'result') {
        report = message.report;
        resolve(report);
      }
      if (message.type === 'error' && !failure) failure = Object.assign(new Error(message.message), { name: message.name });
      options.onMessage?.(message);
    });
    child.on('error', (error) => {
      failure ??= new Error(`the profiling process could not start: ${error.message}`);
    });
    child.on('exit', (code, signal) => {
      options.signal?.removeEventListener('abort', kill);
      if (report) return; // already resolved; a later exit is the end of live mode
      if (failure) reject(failure);
      else {
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(new Error(`the profiling process ${how} before sending a result${tail ? `: ${tail}` : ''}`));
      }
    });
  });
  child.send({ protocol: PROTOCOL_VERSION, type: 'start', job });
  const control = (action: LiveAction): void => {
    if (child.connected) child.send({ protocol: PROTOCOL_VERSION, type: 'control', action });
  };
  return { result, exited, control, child };
}
