// Shared by the e2e checks: waiting for the profiling session's states as the views show them
// (the diagram's [data-session], the status bar item, notifications, the worker process), and
// code-server's own file dialog. Each wait is for a state, never a fixed sleep: the machine is
// shared and loaded.
import * as fs from 'node:fs';

/**
 * Ends live profiling (on by default, it follows every result) with "Stop Live Profiling" and
 * waits for `done`: a new job while live profiling runs asks first whether to keep it or restart.
 */
export async function stopLive(h, wb, frame) {
  if ((await frame.locator('[data-session="live-running"], [data-session="live-paused"]').count()) === 0) return;
  await wb.runCommand('Xception Profiler: Stop Live Profiling');
  await diagramState(h, wb.page, ['done'], 30_000);
}

/**
 * Waits until the diagram shows one of `states`, looking in every webview frame on each poll (a
 * panel hidden behind an editor loses its frame; shown again, it has a new one). Returns the
 * frame and its status line.
 */
export async function diagramState(h, page, states, timeout = 180_000) {
  const sel = states.map((s) => `[data-session="${s}"]`).join(', ');
  let status = '(no diagram)';
  const frame = await h
    .waitFor(
      async () => {
        for (const f of page.frames()) {
          if (f === page.mainFrame() || f.isDetached()) continue;
          if ((await f.locator(sel).count().catch(() => 0)) > 0) return f;
          const now = await f.locator('#status').innerText({ timeout: 1000 }).catch(() => undefined);
          if (now !== undefined) status = now;
        }
        return null;
      },
      { timeout, interval: 250, what: `the diagram state ${states.join(' or ')}` },
    )
    .catch((e) => {
      throw new Error(`${e.message}; status line: ${JSON.stringify(status)}`);
    });
  return { frame, status: (await frame.locator('#status').innerText()).trim() };
}

/** The Xception Profiler status bar item (named by its engine) and whether it spins or shows pause. */
export async function statusItem(page) {
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: /\b(WASM x\d+|TF GPU|TF native|JS CPU|ORT)\b/ }).first();
  await item.waitFor({ state: 'visible', timeout: 15_000 });
  return {
    text: (await item.innerText()).trim(),
    spinning: (await item.locator('.codicon-modifier-spin, .codicon-loading').count()) > 0,
    paused: (await item.locator('.codicon-debug-pause').count()) > 0,
  };
}

/** Waits for a notification toast whose text matches `re`; returns its text (buttons included). */
export async function notification(h, wb, re, what, timeout = 20_000) {
  return h.waitFor(async () => (await wb.notifications()).find((t) => re.test(t)) ?? null, { timeout, interval: 250, what });
}

/**
 * Process ids of the extension's profiling workers: processes whose command line runs
 * `<extensionDir>/dist/worker.js` (Linux /proc; the e2e runs code-server on this machine).
 */
export function workerPids(extensionDir) {
  const script = `${extensionDir}/dist/worker.js`;
  const pids = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let cmd;
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (cmd.split('\0').includes(script)) pids.push(Number(pid));
  }
  return pids;
}

/**
 * Accepts code-server's own open / save dialog (a quick input holding a path) with `file`: the
 * dialog lists a folder as the path is typed, and an Enter while it is still listing accepts the
 * folder instead ("Please select a file"). So the folder is typed first and its listing awaited,
 * then the whole path, then the dialog's OK button (`okLabel`, e.g. "Analyze"), until it closes.
 */
export async function acceptFileDialog(h, wb, file, okLabel) {
  const page = wb.page;
  const input = wb.quickInput();
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  const row = (name) => page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  const folder = `${file.slice(0, file.lastIndexOf('/') + 1)}`;
  const name = file.slice(folder.length);
  await input.fill(folder);
  // A file to open is listed in its folder; a file to save may not exist yet: then ".." is.
  await h.waitFor(async () => (await row(name).isVisible().catch(() => false)) || (await row('..').isVisible().catch(() => false)), { timeout: 15_000, what: `the dialog listing ${folder}` });
  // The dialog may still rewrite the value it listed (a fill racing it ended as "<folder>/<file>"
  // appended to the folder): type the path until two polls in a row read exactly it.
  let steady = 0;
  let value = '';
  await h
    .waitFor(
      async () => {
        value = await input.inputValue();
        if (value === file) return ++steady >= 2;
        steady = 0;
        await input.fill(file);
        return false;
      },
      { timeout: 15_000, interval: 300, what: `the dialog holding ${file}` },
    )
    .catch((e) => {
      throw new Error(`${e.message} (it reads ${JSON.stringify(value)})`);
    });
  const ok = page.locator('.quick-input-widget .monaco-button', { hasText: okLabel }).first();
  let message = '';
  await h
    .waitFor(
      async () => {
        if (!(await input.isVisible().catch(() => false))) return true;
        // An accept that landed on the folder: type the file again.
        if ((await input.inputValue().catch(() => file)) !== file) await input.fill(file);
        if (await ok.isVisible().catch(() => false)) await ok.click({ timeout: 2_000 });
        else await page.keyboard.press('Enter');
        await input.waitFor({ state: 'hidden', timeout: 3_000 }).catch(() => {});
        message = await page.locator('.quick-input-message').innerText().catch(() => '');
        return !(await input.isVisible().catch(() => false));
      },
      { timeout: 20_000, interval: 500, what: `the dialog to accept ${file}` },
    )
    .catch((e) => {
      throw new Error(`${e.message} (dialog message: ${JSON.stringify(message)})`);
    });
}
