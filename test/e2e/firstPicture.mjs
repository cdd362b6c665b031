// The first picture after "Profile Xception", measured from the browser: the click on the command,
// the extension's own timeline (its output log, src/extension/firstPicture.ts) and the workbench's
// webview set-up read from the webview's outer frame (code-server's
// out/vs/workbench/contrib/webview/browser/pre/index.html, which puts `webview/index.html/*`
// performance marks). Shared by the e2e checks (checks.mjs) and the probe (firstPictureProbe.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Runs a palette command and measures, in ms, from the click on its row to `selector` existing
 * in a webview frame (polled every 20 ms). Returns that time, the click's wall-clock time and
 * the frame holding `selector`. The main page records when each webview iframe element is
 * inserted (a MutationObserver set before the click): `frameInsertedAt`, ms since the epoch.
 */
export async function commandToFirstPicture(wb, title, selector) {
  const page = wb.page;
  const input = wb.quickInput();
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  // The palette lists the commands registered when it opened: in a cold window, open it again
  // until the command is there (as the harness's runCommand does).
  const openBy = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > openBy) throw new Error(`"${title}" did not appear in the command palette within 60 s`);
    if (!(await input.isVisible().catch(() => false))) {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {});
    }
    // A window still starting can close the palette as it opens (focus moves): then open it again.
    if (!(await input.fill(`>${title}`, { timeout: 3_000 }).then(() => true, () => false))) continue;
    if (await row.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) break;
    await page.keyboard.press('Escape');
    await new Promise((r) => setTimeout(r, 500));
  }
  await page.evaluate(() => {
    // The first webview <iframe> (class "webview") added from now on: when the workbench created it.
    window.__xpFrameInsertedAt = undefined;
    const seen = new Set(document.querySelectorAll('iframe.webview'));
    const observer = new MutationObserver(() => {
      for (const f of document.querySelectorAll('iframe.webview')) {
        if (!seen.has(f)) {
          window.__xpFrameInsertedAt = Date.now();
          observer.disconnect();
          return;
        }
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
  const t0 = Date.now();
  await row.click();
  const deadline = t0 + 60_000;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      if ((await f.$(selector).catch(() => null)) !== null) {
        const ms = Date.now() - t0;
        const frameInsertedAt = await page.evaluate(() => window.__xpFrameInsertedAt).catch(() => undefined);
        return { ms, clickedAt: t0, frame: f, frameInsertedAt };
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${selector} did not appear in any webview within 60 s of "${title}"`);
}

/**
 * The extension's first-picture line (`first picture: N ms ... command at T`) of a command at or
 * after `since` (ms since the epoch), from the output channel's log files in the code-server's
 * user data (one per window); waits up to 15 s for it to be written.
 * @returns the line, its total (ms), the command's wall-clock time and its steps (name -> ms after the command)
 */
export async function loggedFirstPicture(h, server, since = 0) {
  const logs = path.join(server.home, 'run', String(server.port), 'user-data', 'logs');
  return h.waitFor(
    () => {
      const files = fs.existsSync(logs) ? fs.readdirSync(logs, { recursive: true }).filter((f) => String(f).endsWith('Xception Profiler.log')) : [];
      for (const f of files) {
        for (const line of fs.readFileSync(path.join(logs, String(f)), 'utf8').split('\n')) {
          const m = line.match(/first picture: (\d+) ms.*command at (\d+)/);
          // The host's clock and this process's are the same machine's; 1 s of slack for the click's dispatch order.
          if (!m || Number(m[2]) < since - 1000) continue;
          const steps = Object.fromEntries([...line.matchAll(/([a-zA-Z][a-zA-Z ]+?) \+(\d+) ms/g)].map((s) => [s[1].trim(), Number(s[2])]));
          return { line: line.trim(), ms: Number(m[1]), commandAt: Number(m[2]), steps };
        }
      }
      return null;
    },
    { timeout: 15_000, interval: 250, what: `the "first picture" line in the Xception Profiler output log under ${logs}` },
  );
}

/**
 * The workbench's webview set-up, read in the outer frame (the parent of the frame showing the
 * diagram): its `performance.timeOrigin` (navigation start), its navigation timing (the host page
 * fetched) and the `webview/index.html/*` marks, all as ms since the epoch.
 */
export async function outerFrameMarks(innerFrame) {
  const outer = innerFrame.parentFrame();
  if (!outer) throw new Error('the diagram frame has no parent frame (expected the webview host page index.html)');
  const read = await outer.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      url: location.pathname,
      timeOrigin: performance.timeOrigin,
      responseEnd: nav ? performance.timeOrigin + nav.responseEnd : undefined,
      marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('webview/index.html/')).map((m) => ({ name: m.name.slice('webview/index.html/'.length), at: performance.timeOrigin + m.startTime })),
      serviceWorkerControlled: !!navigator.serviceWorker?.controller,
    };
  });
  const inner = await innerFrame.evaluate(() => performance.timeOrigin);
  const mark = (name) => read.marks.find((m) => m.name === name)?.at;
  return {
    url: read.url,
    controlledAtEnd: read.serviceWorkerControlled,
    frameStarted: read.timeOrigin,
    hostPageFetched: read.responseEnd,
    scriptStart: mark('scriptStart'),
    contentReceived: mark('content/started'),
    workerReady: mark('content/workerReady'),
    innerFrameLoaded: mark('content/innerFrameLoaded'),
    wroteInnerContent: mark('content/wroteInnerContent'),
    innerPageStarted: inner,
    marks: read.marks,
  };
}

/**
 * The diagram page's own time, read in its frame, as ms after its `performance.timeOrigin`: when
 * its document was parsed (`domInteractive`), when the bundle began to run (the
 * `xp/bundle-start` mark of webview/startMark.ts: parse and compile before it), the browser's
 * first paint, and the diagram's layout and render (layout + DOM) times and painted frame
 * (`window.__xpStats`, webview/app.ts).
 */
export async function diagramPageMarks(frame) {
  return frame.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const paint = performance.getEntriesByType('paint').find((p) => p.name === 'first-paint');
    const stats = window.__xpStats ?? {};
    const r = (x) => (x === undefined ? undefined : Math.round(x));
    return {
      domInteractive: r(nav?.domInteractive),
      bundleStart: r(performance.getEntriesByName('xp/bundle-start')[0]?.startTime),
      firstPaint: r(paint?.startTime),
      layoutMs: r(stats.layoutMs),
      renderMs: r(stats.renderMs),
      diagramPainted: r(stats.firstPaintMs),
    };
  });
}

/**
 * One line splitting a first picture, every step as ms after the command handler ran
 * (`logged.commandAt`): the extension's marks up to "HTML set", the webview iframe inserted in the
 * workbench page, the host page's navigation, script, content, service worker and inner frame,
 * then the diagram's own page, script and paint.
 */
export function firstPictureSplit(logged, outer, frameInsertedAt) {
  const at = (t) => (t === undefined || !Number.isFinite(t) ? 'n/a' : `+${Math.round(t - logged.commandAt)}`);
  const s = logged.steps;
  const parts = [
    `HTML set +${s['HTML set']}`,
    `webview iframe inserted ${at(frameInsertedAt)}`,
    `host page (index.html) navigation start ${at(outer.frameStarted)}`,
    `fetched ${at(outer.hostPageFetched)}`,
    `script start ${at(outer.scriptStart)}`,
    `content received ${at(outer.contentReceived)}`,
    `service worker ready ${at(outer.workerReady)}`,
    `inner frame loaded ${at(outer.innerFrameLoaded)}`,
    `inner content written ${at(outer.wroteInnerContent)}`,
    `diagram page started ${at(outer.innerPageStarted)}`,
    `diagram script running +${s['webview script running']}`,
    `painted +${s['painted']}`,
  ];
  const gap = (a, b) => (a === undefined || b === undefined ? 'n/a' : `${Math.round(b - a)}`);
  const worker = gap(outer.contentReceived ?? outer.scriptStart, outer.workerReady);
  return {
    line: `${parts.join(', ')} ms`,
    workerMs: Number(worker),
    summary: `waiting for the service worker (content received -> worker ready) ${worker} ms, inner frame (worker ready -> inner frame loaded) ${gap(outer.workerReady, outer.innerFrameLoaded)} ms, workbench before the host page started (HTML set -> navigation start) ${gap(logged.commandAt + s['HTML set'], outer.frameStarted)} ms`,
  };
}
