// code-server lifecycle for the e2e run, through the vscode-e2e tool's server.sh: start on a free
// port of 127.0.0.1, stop only that port's server, and keep its logs when something failed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** A free TCP port on 127.0.0.1 (asks the OS for one). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The vscode-e2e folder: $VSCODE_E2E_DIR, else ../shared/tools/vscode-e2e beside the repository,
 * else beside the repository this one was cloned from (a CI clone in /tmp has no ../shared), else
 * beside the main checkout of this git worktree.
 * @param {string} root the repository's folder
 */
export function findE2eTool(root) {
  if (process.env.VSCODE_E2E_DIR) return path.resolve(root, process.env.VSCODE_E2E_DIR);
  const beside = (repo) => path.resolve(repo, '..', 'shared', 'tools', 'vscode-e2e');
  const git = (...args) => spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' }).stdout?.trim();
  const origin = git('config', '--get', 'remote.origin.url');
  // A worktree's common git dir is the main checkout's .git.
  const common = git('rev-parse', '--path-format=absolute', '--git-common-dir');
  const candidates = [beside(root), ...(origin && path.isAbsolute(origin) ? [beside(origin)] : []), ...(common ? [beside(path.dirname(common))] : [])];
  return candidates.find((d) => fs.existsSync(path.join(d, 'lib', 'harness.js'))) ?? candidates[0];
}

/**
 * Runs one vscode-e2e shell script synchronously; throws with its output when it fails.
 * @param {string} e2eDir the vscode-e2e folder; @param {string} script e.g. `server.sh`
 * @param {string[]} args @param {NodeJS.ProcessEnv} [env] @param {number} [timeoutMs]
 */
export function runTool(e2eDir, script, args, env = process.env, timeoutMs = 600_000) {
  const r = spawnSync(path.join(e2eDir, script), args, { env, encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${script} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${out}`);
  }
  return `${r.stdout ?? ''}`.trim();
}

/** One code-server started by this run (see `start`). */
export class CodeServer {
  /** @param {string} e2eDir @param {number} port @param {string} home VSCODE_E2E_HOME */
  constructor(e2eDir, port, home) {
    this.e2eDir = e2eDir;
    this.port = port;
    this.home = home;
    this.url = `http://127.0.0.1:${port}`;
    this.started = false;
  }

  /**
   * Starts it: `server.sh start --port P` plus `args` (`--vsix F`, `--settings F`, `--dev`).
   * `env` reaches the extension host (e.g. XCEPTION_PROFILER_TEST_RESULTS).
   */
  start(args, env = {}) {
    runTool(this.e2eDir, 'server.sh', ['start', '--port', String(this.port), ...args], { ...process.env, ...env }, 120_000);
    this.started = true;
  }

  /**
   * Stops it (only the server on this port, only if this run started it) and removes its state
   * folder (user data, extensions, logs: ports are random, so folders would pile up).
   */
  stop() {
    if (!this.started) return;
    this.started = false;
    runTool(this.e2eDir, 'server.sh', ['stop', '--port', String(this.port)], process.env, 60_000);
    fs.rmSync(path.join(this.home, 'run', String(this.port)), { recursive: true, force: true });
  }

  /** Copies the server log and the extension host logs to `dir` (for a failed run). */
  saveLogs(dir) {
    const run = path.join(this.home, 'run', String(this.port));
    fs.mkdirSync(dir, { recursive: true });
    const copy = (from, name) => fs.existsSync(from) && fs.copyFileSync(from, path.join(dir, name));
    copy(path.join(run, 'code-server.log'), 'code-server.log');
    const logs = path.join(run, 'user-data', 'logs');
    if (!fs.existsSync(logs)) return;
    for (const session of fs.readdirSync(logs)) {
      for (const f of ['exthost1/remoteexthost.log', 'remoteagent.log', 'exthost1/output_logging_1/1-Xception Profiler.log']) {
        copy(path.join(logs, session, f), `${session}-${f.replaceAll('/', '-')}`);
      }
    }
  }
}
