#!/usr/bin/env node
// Probe of the first picture in code-server, without the rest of the e2e run: starts one
// code-server with a .vsix (default: the repository's universal .vsix, built by
// `npm run package -- --universal-only`), then measures "Profile Xception" -> the diagram's
// block4 row in
//   1. a cold window of a never-used browser profile (the webview service worker's first-ever
//      registration: what the e2e's first check measures),
//   2. a second cold window (new tab, new workspace, new extension host) of the same browser
//      profile, which has shown a webview once: what a user's browser does every other time,
//   3. the first window again after "Reload Window" with the panel closed (new extension host).
// Each prints the extension's timeline and the webview host page's marks (firstPicture.mjs).
//
//   node test/e2e/firstPictureProbe.mjs [--vsix F] [--repeat N] [--cpu-profile]
// (--cpu-profile: the workbench main thread's CPU profile from "HTML set" to the iframe inserted)
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandToFirstPicture, diagramPageMarks, firstPictureSplit, loggedFirstPicture, outerFrameMarks } from './firstPicture.mjs';
import { CodeServer, findE2eTool, freePort } from './server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name, fallback) => ((i) => (i >= 0 ? process.argv[i + 1] : fallback))(process.argv.indexOf(name));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = path.resolve(arg('--vsix', path.join(root, `${pkg.name}-${pkg.version}.vsix`)));
const repeat = Number(arg('--repeat', '1'));
const e2eDir = findE2eTool(root);
const home = process.env.VSCODE_E2E_HOME ?? '/tmp/vscode-e2e';
const h = createRequire(import.meta.url)(path.join(e2eDir, 'lib', 'harness.js'));
const FIRST_PICTURE = '[data-block-header="block4"]';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-probe-'));

function workspace(name) {
  const dir = path.join(scratch, name);
  fs.cpSync(path.join(root, 'test', 'integration', 'fixtures', 'workspace'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.vscode`) });
  return dir;
}

/**
 * With --cpu-profile: the workbench page's main-thread CPU profile (Chrome DevTools Protocol)
 * over the command, summed by function (self time) between `from` and `to` (ms since the epoch).
 */
async function startCpuProfile(page) {
  if (!process.argv.includes('--cpu-profile')) return undefined;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  const startedAt = Date.now();
  return async (from, to) => {
    const { profile } = await cdp.send('Profiler.stop');
    await cdp.detach();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map();
    let t = profile.startTime;
    let total = 0;
    profile.samples.forEach((id, i) => {
      t += profile.timeDeltas[i];
      const at = startedAt + (t - profile.startTime) / 1000;
      if (at < from || at > to) return;
      const f = byId.get(id).callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + profile.timeDeltas[i] / 1000);
      total += profile.timeDeltas[i] / 1000;
    });
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 15);
    return `main thread ${Math.round(total)} ms sampled of ${Math.round(to - from)} ms; by self time: ${top.map(([k, v]) => `${k} ${Math.round(v)}`).join('; ')}`;
  };
}

async function measure(wb, server, label) {
  const load = os.loadavg()[0].toFixed(1);
  const stopProfile = await startCpuProfile(wb.page);
  const { ms, clickedAt, frame, frameInsertedAt } = await commandToFirstPicture(wb, 'Profile Xception', FIRST_PICTURE);
  const logged = await loggedFirstPicture(h, server, clickedAt);
  const outer = await outerFrameMarks(frame);
  const split = firstPictureSplit(logged, outer, frameInsertedAt);
  if (stopProfile) console.log(`[probe]   HTML set -> iframe inserted: ${await stopProfile(logged.commandAt + logged.steps['HTML set'], frameInsertedAt)}`);
  console.log(`[probe] ${label} (load ${load}): click -> diagram ${ms} ms; command -> painted ${logged.ms} ms; click -> command ${logged.commandAt - clickedAt} ms`);
  console.log(`[probe]   ${split.line}`);
  console.log(`[probe]   ${split.summary}`);
  const page = await diagramPageMarks(frame);
  console.log(`[probe]   diagram page, ms after its start: document parsed ${page.domInteractive}, bundle running ${page.bundleStart}, browser's first paint ${page.firstPaint}, diagram painted ${page.diagramPainted} (its layout ${page.layoutMs}, layout + render ${page.renderMs})`);
  return { label, ms, logged: logged.ms, worker: split.workerMs };
}

/** Cancels the run the command started (so that it takes no CPU from the next window) and closes the panel. */
async function closePanel(wb) {
  await wb.runCommand('Xception Profiler: Cancel Profiling').catch(() => {}); // listed only while a run works
  await wb.escape(2);
  await wb.runCommand('View: Close All Editors');
  await new Promise((r) => setTimeout(r, 500));
}

const server = new CodeServer(e2eDir, await freePort(), home);
const settings = path.join(scratch, 'settings.json');
fs.writeFileSync(settings, JSON.stringify({ 'xceptionProfiler.inputSize': 71, 'xceptionProfiler.warmupRuns': 1, 'xceptionProfiler.timedRuns': 3 }));
const results = [];
try {
  server.start(['--vsix', vsix, '--settings', settings]);
  for (let i = 0; i < repeat; i++) {
    const wb = await h.openWorkbench(workspace(`first-${i}`), { url: server.url, viewport: { width: 1280, height: 800 } });
    try {
      results.push(await measure(wb, server, `1. never-used browser profile, cold window #${i + 1}`));
      await closePanel(wb);
      const page2 = await wb.context.newPage();
      const wb2 = new h.Workbench(wb.context, page2, wb.userDataDir, { url: server.url });
      await wb2.open(workspace(`second-${i}`));
      results.push(await measure(wb2, server, `2. second cold window (new tab, new extension host) of a profile that has shown a webview #${i + 1}`));
      await page2.close();
      await wb.reloadWindow();
      results.push(await measure(wb, server, `3. Reload Window with the panel closed (new extension host), same profile #${i + 1}`));
    } finally {
      await wb.close();
    }
  }
} finally {
  server.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
}
// One line per kind of window: the medians over the repeats.
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
for (const kind of ['1.', '2.', '3.']) {
  const rs = results.filter((r) => r.label.startsWith(kind));
  if (rs.length) console.log(`[probe] summary ${rs[0].label.replace(/ #\d+$/, '')}: median of ${rs.length}: command -> painted ${median(rs.map((r) => r.logged))} ms, click -> diagram ${median(rs.map((r) => r.ms))} ms (each: ${rs.map((r) => r.logged).join(', ')})`);
}
