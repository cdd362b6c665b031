/**
 * Browser tests of the diagram webview: a standalone HTML report of Xception-299 (real static
 * analysis + SYNTHETIC timings, see fixtures.ts) opened in Debian's Chromium with playwright-core,
 * and the VS Code panel HTML (webviewHtml) with a fake `acquireVsCodeApi` for the message
 * protocol and live updates. Skipped when /usr/bin/chromium is missing (CI installs it).
 *
 * UPDATE_SCREENSHOTS=1 also writes media/screenshot-light.png and media/screenshot-dark.png.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/exporters/html';
import { webviewHtml } from '../../src/extension/webviewHtml';
import type { ArchitectureReport } from '../../src/report/schema';
import {
  buildWebview,
  renameLayer,
  SYNTHETIC_ENGINE,
  syntheticPass,
  syntheticTimings,
  withSyntheticTimings,
  xceptionReport,
  XSS_NAME,
} from './fixtures';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = process.cwd();
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const BLOCKS = Array.from({ length: 14 }, (_, i) => `block${i + 1}`);

/** Console errors, page errors, CSP violations and dialogs (an XSS would open one) of a page. */
interface Problems {
  errors: string[];
}

async function watch(page: Page): Promise<Problems> {
  const p: Problems = { errors: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || /Refused to|Content Security Policy/i.test(m.text())) p.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => p.errors.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    p.errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return p;
}

/** Fill of a layer's box as the browser computed it. */
function fillOf(page: Page, layer: string): Promise<string> {
  return page.evaluate((n) => {
    const g = [...document.querySelectorAll('[data-layer]')].find((e) => e.getAttribute('data-layer') === n);
    const box = g?.querySelector('rect');
    return box ? getComputedStyle(box).fill : 'missing';
  }, layer);
}

/** Picks a colour metric through the vscode-single-select UI. */
async function pickMetric(page: Page, label: string): Promise<void> {
  await page.locator('#metric').click();
  await page.getByRole('option', { name: label, exact: true }).click();
}

describe.skipIf(!existsSync(CHROMIUM))(`diagram webview in Chromium${existsSync(CHROMIUM) ? '' : ' (skipped: /usr/bin/chromium not installed)'}`, () => {
  let browser: Browser;
  let dir: string;
  let staticReport: ArchitectureReport;
  let reportUrl: string;
  let assets: { js: string; css?: string; charts: string };

  beforeAll(async () => {
    assets = await buildWebview(ROOT);
    staticReport = xceptionReport();
    renameLayer(staticReport, 'avg_pool', XSS_NAME);
    dir = join(tmpdir(), `xp-webview-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtmlReport(withSyntheticTimings(staticReport), assets));
    reportUrl = pathToFileURL(file).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders the HTML report: flows, blocks, hover card, metrics, collapse, XSS-safe, no CSP errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = await watch(page);
    await page.goto(reportUrl);
    await page.waitForFunction(() => window.__xpStats?.firstPaintMs !== undefined);
    // The first view shows one summary row per block (readability.test.ts); these checks need the layers.
    await page.locator('#toggle-layers').click();
    const stats = await page.evaluate(() => window.__xpStats!);
    console.log(`first paint of the full diagram: ${stats.firstPaintMs!.toFixed(1)} ms after navigation start (layout+render+paint ${stats.renderMs!.toFixed(1)} ms)`);

    // The three flows; the middle flow starts collapsed to "block5 - block12 x 8".
    for (const f of ['entry', 'middle', 'exit']) await expect(page.locator(`g.flow[data-flow="${f}"]`).count()).resolves.toBe(1);
    await expect(page.locator('[data-block][data-repeat="8"]').count()).resolves.toBe(1);
    await page.screenshot({ path: join(SHOTS, 'collapsed.png') });

    // Expand (toolbar button): all 14 blocks, plus the input and the classifier head.
    await page.locator('#toggle-middle').click();
    const blocks = await page.evaluate(() => [...document.querySelectorAll('g.block')].map((b) => b.getAttribute('data-block')));
    for (const b of [...BLOCKS, 'input', 'top']) expect(blocks).toContain(b);
    await expect(page.locator('g.block[data-block^="block"]').count()).resolves.toBe(14);
    await expect(page.locator('[data-repeat]').count()).resolves.toBe(0);
    await page.screenshot({ path: join(SHOTS, 'expanded.png') });
    // Collapse again with the in-diagram toggle (keyboard).
    await page.locator('[data-toggle="middle"]').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('g.block[data-block^="block"]').count()).resolves.toBe(7);
    await expect(page.locator('[data-repeat="8"]').count()).resolves.toBe(1);

    // Hover card of block4_sepconv2.
    await page.locator('[data-layer="block4_sepconv2"] rect').hover();
    const card = page.locator('#hover-card');
    await expect(card.isVisible()).resolves.toBe(true);
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('37x37x728');
    expect(text).toContain('734.5M');
    expect(text).toContain('734,517,784');
    expect(text).toContain('1 MAC = 2 FLOPs');
    expect(text).toMatch(/6\.53G MACs: 8\.89x the separable conv's 734\.5M MACs/);
    expect(text).toContain('DepthwiseConv2dNative');
    expect(text).toMatch(/GFLOP\/s/);
    expect(text).not.toMatch(/NaN|undefined|\[object Object\]/);
    await page.screenshot({ path: join(SHOTS, 'hover-block4_sepconv2.png') });

    // Block header card shows the block's totals from the report (GroupReport.totals).
    await page.locator('[data-block-header="block4"]').hover();
    const b4 = staticReport.blocks.find((b) => b.name === 'block4')!.totals;
    expect(await card.textContent()).toMatch(/Layers\s*10/);
    expect(await card.textContent()).toContain(`(${b4.macs.toLocaleString('en-US')})`);
    // The collapsed "x 8" middle flow: the sum of the 8 blocks' totals. By hand: 8 blocks x 3
    // SeparableConv2D x 19 x 19 x 728 x (3 x 3 + 728) MACs = 4,648,547,904.
    await page.locator('[data-block-header="block5"]').hover();
    expect(await card.textContent()).toContain('(4,648,547,904)');
    expect(await card.textContent()).toMatch(/Layers\s*80/);

    // Colour metric: the fill changes.
    const before = await fillOf(page, 'block4_sepconv2');
    await pickMetric(page, 'Parameters');
    await expect.poll(() => fillOf(page, 'block4_sepconv2')).not.toBe(before);
    expect(await page.locator('#legend').textContent()).toContain('Parameters');
    await pickMetric(page, 'Achieved GFLOP/s');
    await page.screenshot({ path: join(SHOTS, 'metric-gflops.png') });

    // Search highlights matches and dims the rest.
    await page.locator('#search').click();
    await page.keyboard.type('SeparableConv2D');
    await expect(page.locator('.layer.match').count()).resolves.toBeGreaterThan(10);
    expect(await page.locator('[data-layer="block4_sepconv2_bn"]').getAttribute('class')).toContain('dim');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await expect(page.locator('.layer.dim').count()).resolves.toBe(0);

    // XSS: the layer name is text, no <img> was created, no dialog opened.
    const xss = await page.evaluate((n) => {
      const g = [...document.querySelectorAll('[data-layer]')].find((e) => e.getAttribute('data-layer') === n);
      return { name: g?.querySelector('.layer-name')?.textContent, imgs: document.querySelectorAll('img').length };
    }, XSS_NAME);
    expect(xss).toEqual({ name: XSS_NAME, imgs: 0 });
    await page.evaluate((n) => {
      const g = [...document.querySelectorAll('[data-layer]')].find((e) => e.getAttribute('data-layer') === n);
      (g as SVGGElement).focus();
    }, XSS_NAME);
    expect(await card.textContent()).toContain(XSS_NAME);
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);

    expect(problems.errors).toEqual([]);
    // The detector works: a style attribute in markup is a CSP violation under the report's policy.
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<div style="color: red">x</div>'));
    await expect.poll(() => problems.errors.length).toBeGreaterThan(0);
    await page.close();
  });

  it('writes light and dark screenshots', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
      const problems = await watch(page);
      await page.goto(reportUrl);
      await page.waitForFunction(() => window.__xpStats?.firstPaintMs !== undefined);
      await page.locator('[data-block-header="block4"]').click();
      await page.locator('[data-layer="block4_sepconv2"] rect').hover();
      const path = join(SHOTS, `report-${scheme}.png`);
      await page.screenshot({ path });
      if (process.env.UPDATE_SCREENSHOTS === '1') {
        const media = join(ROOT, 'media', `screenshot-${scheme}.png`);
        await page.screenshot({ path: media });
        expect(statSync(media).size).toBeLessThan(500 * 1024);
      }
      expect(problems.errors).toEqual([]);
      await page.close();
    }
  });

  it('VS Code panel HTML: ready handshake, report and live timings in place, messages out, strict CSP', async () => {
    writeFileSync(join(dir, 'webview.js'), assets.js);
    writeFileSync(join(dir, 'webview.css'), assets.css ?? '');
    const html = webviewHtml({
      cspSource: 'file:',
      nonce: 'dGVzdG5vbmNlMTIzNDU2Nzg=',
      scriptUri: pathToFileURL(join(dir, 'webview.js')).href,
      styleUri: pathToFileURL(join(dir, 'webview.css')).href,
    });
    writeFileSync(join(dir, 'panel.html'), html);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = await watch(page);
    // A fake VS Code webview API that records what the webview posts.
    await page.addInitScript(() => {
      const w = window as unknown as { __posted: unknown[]; __state: unknown; acquireVsCodeApi: () => unknown };
      w.__posted = [];
      // As after "Show all layers" (the first view shows one summary row per block).
      w.__state = { openBlocks: 'all' };
      w.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => w.__posted.push(m),
        getState: () => w.__state,
        setState: (s: unknown) => (w.__state = s),
      });
    });
    const posted = (): Promise<{ type: string; [k: string]: unknown }[]> => page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
    await page.goto(pathToFileURL(join(dir, 'panel.html')).href);
    await expect.poll(async () => (await posted()).map((m) => m.type)).toContain('ready');

    // Malformed messages are ignored; then the report.
    await page.evaluate(() => window.postMessage({ type: 'report', report: { nope: 1 } }, '*'));
    await page.evaluate((report) => window.postMessage({ type: 'report', report }, '*'), staticReport);
    await page.waitForSelector('[data-layer="block4_sepconv2"]');
    await page.locator('[data-layer="block4_sepconv2"] rect').hover();
    expect(await page.locator('#hover-card').textContent()).toContain('Not timed yet.');

    // Live updates: the same SVG nodes get new colours and numbers.
    await page.evaluate(() => {
      (window as unknown as { __svg: Element | null }).__svg = document.querySelector('svg.diagram');
    });
    const pendingFill = await fillOf(page, 'block4_sepconv2');
    const RUNS = 30;
    for (let run = 1; run <= RUNS; run++) {
      const layers = syntheticTimings(staticReport, run);
      await page.evaluate((m) => window.postMessage(m, '*'), { type: 'timings', layers, timing: syntheticPass(layers, run), engine: SYNTHETIC_ENGINE, run });
    }
    await expect.poll(() => page.evaluate(() => window.__xpStats!.updates)).toBe(RUNS);
    const stats = await page.evaluate(() => window.__xpStats!);
    console.log(`timings update (134 layers, merge + repaint + card refresh): ${(stats.totalUpdateMs / stats.updates).toFixed(2)} ms mean over ${stats.updates}, last ${stats.lastUpdateMs!.toFixed(2)} ms`);
    expect(await page.evaluate(() => document.querySelector('svg.diagram') === (window as unknown as { __svg: Element }).__svg)).toBe(true);
    expect(await fillOf(page, 'block4_sepconv2')).not.toBe(pendingFill);
    const card = (await page.locator('#hover-card').textContent()) ?? '';
    expect(card).not.toContain('Not timed yet.');
    expect(card).toMatch(/Median\s*\d+(\.\d+)? ms/);
    // The whole-pass line: profiled, plain predict, their ratio, the sum of layers, the live run.
    const pass = (await page.locator('#pass').textContent()) ?? '';
    // 30 passes measured, the medians over the live window's last 20: one count per label.
    expect(pass).toMatch(/^Whole pass \(wall time on wasm, batch of 1, median of the last 20 of 30 passes measured after 2 warm-up\): profiled median \d+(\.\d+)? ms · plain predict median \d+(\.\d+)? ms · profiled\/plain 1\.12x · sum of layers \d+(\.\d+)? ms$/);
    expect(pass).not.toContain('timed runs');
    expect(await page.locator('#engine').textContent()).toContain('Engine: wasm · @tensorflow/tfjs-backend-wasm 4.22.0 · 2 threads · SIMD');

    // NaN and null times show "n/a".
    const bad = { medianMs: Number.NaN, minMs: null, p90Ms: Number.NaN, runs: 0, kernels: [{ name: 'Conv2D', medianMs: Number.NaN, calls: 1 }] };
    await page.evaluate((m) => window.postMessage(m, '*'), { type: 'timings', layers: { block4_sepconv2: bad }, run: RUNS + 1 });
    await expect.poll(() => page.locator('#hover-card').textContent()).toContain('n/a');
    expect(await page.locator('#hover-card').textContent()).not.toMatch(/NaN|undefined|\[object Object\]/);

    // Click selects and posts; metric change, copy and save post to the host.
    await page.locator('[data-layer="block5_sepconv1"] rect').click();
    await pickMetric(page, 'MACs');
    await page.locator('#copy-md').click();
    await page.locator('#save-svg').click();
    await expect.poll(async () => (await posted()).map((m) => m.type)).toContain('save');
    const out = await posted();
    expect(out).toContainEqual({ type: 'select', layer: 'block5_sepconv1' });
    expect(out).toContainEqual({ type: 'metricChanged', metric: 'macs' });
    const copy = out.find((m) => m.type === 'copy') as { text: string } | undefined;
    expect(copy?.text).toContain('| `block4_sepconv2` | `SeparableConv2D` | `block4` | 37x37x728 | 536,536 | 734.5M |');
    // Says what it counts, as the Markdown export's footnote does.
    expect(copy?.text).toContain('MACs: multiply\\-accumulates; bias adds, BN and activations are element\\-wise ops, not MACs');
    const save = out.find((m) => m.type === 'save') as { format: string; data: string } | undefined;
    expect(save?.format).toBe('svg');
    expect(save?.data).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*block4_sepconv2/);
    writeFileSync(join(SHOTS, 'export.svg'), save?.data ?? '');

    // Reveal from the host expands the middle flow and shows the card.
    await page.evaluate(() => window.postMessage({ type: 'reveal', layer: 'block9_sepconv2' }, '*'));
    await expect.poll(() => page.locator('#hover-card').textContent()).toContain('block9_sepconv2');
    await page.evaluate(() => window.postMessage({ type: 'setMetric', metric: 'params' }, '*'));
    await expect.poll(() => page.locator('#legend').textContent()).toContain('Parameters');
    await page.screenshot({ path: join(SHOTS, 'panel-live.png') });

    // State for reloads: metric, collapse, selection and the report.
    await page.waitForTimeout(400);
    const state = await page.evaluate(() => (window as unknown as { __state: { metric: string; collapseMiddle: boolean; selected: string; report: { layers: unknown[] } } }).__state);
    expect(state.metric).toBe('params');
    expect(state.collapseMiddle).toBe(false);
    expect(state.selected).toBe('block9_sepconv2');
    expect(state.report.layers).toHaveLength(134);

    expect(problems.errors).toEqual([]);
    await page.close();
  });

  /** A copy of `report` with one layer renamed. */
  const renamed = (report: ArchitectureReport, from: string, to: string): ArchitectureReport => {
    const copy = structuredClone(report);
    renameLayer(copy, from, to);
    return copy;
  };

  it('VS Code panel HTML with the report embedded: painted before any host message, then `painted` with its marks; a persisted report wins', async () => {
    writeFileSync(join(dir, 'webview.js'), assets.js);
    writeFileSync(join(dir, 'webview.css'), assets.css ?? '');
    const html = webviewHtml({
      cspSource: 'file:',
      nonce: 'dGVzdG5vbmNlMTIzNDU2Nzg=',
      scriptUri: pathToFileURL(join(dir, 'webview.js')).href,
      styleUri: pathToFileURL(join(dir, 'webview.css')).href,
      // As the panel does: the bundle inlined under the nonce (no resource load before the picture).
      inline: { js: assets.js, css: assets.css },
      report: renamed(staticReport, 'avg_pool', XSS_NAME),
    });
    writeFileSync(join(dir, 'panel-embedded.html'), html);
    const open = async (state: unknown): Promise<{ page: Page; problems: { errors: string[] }; loaded: string[] }> => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const problems = await watch(page);
      const loaded: string[] = [];
      page.on('request', (r) => loaded.push(r.url()));
      await page.addInitScript((initial) => {
        const w = window as unknown as { __posted: unknown[]; __state: unknown; acquireVsCodeApi: () => unknown };
        w.__posted = [];
        w.__state = initial;
        w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.__posted.push(m), getState: () => w.__state, setState: (s: unknown) => (w.__state = s) });
      }, state);
      await page.goto(pathToFileURL(join(dir, 'panel-embedded.html')).href);
      return { page, problems, loaded: loaded.slice(1) };
    };
    const t0 = Date.now();
    const { page, problems, loaded } = await open(undefined);
    // No report message is ever sent: the picture comes from the HTML alone.
    await page.waitForSelector('[data-block-header="block4"]');
    const painted = await expect
      .poll(() => page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted.find((m) => m.type === 'painted')))
      .toBeDefined()
      .then(() => page.evaluate(() => (window as unknown as { __posted: { type: string; pageAt: number; scriptAt: number; reportAt: number; paintedAt: number }[] }).__posted.find((m) => m.type === 'painted')!));
    // The marks are wall-clock times of this page load, in order.
    expect(painted.pageAt).toBeGreaterThanOrEqual(t0 - 1000);
    expect(painted.scriptAt).toBeGreaterThanOrEqual(Math.floor(painted.pageAt));
    expect(painted.reportAt).toBeGreaterThanOrEqual(painted.scriptAt);
    expect(painted.paintedAt).toBeGreaterThanOrEqual(painted.reportAt);
    expect(painted.paintedAt).toBeLessThanOrEqual(Date.now());
    console.log(`panel with the report embedded (Xception 299, 1280x800): page start -> script ${Math.round(painted.scriptAt - painted.pageAt)} ms, -> report ${Math.round(painted.reportAt - painted.pageAt)} ms, -> painted ${Math.round(painted.paintedAt - painted.pageAt)} ms`);
    // Nothing was fetched after the page itself: script, styles and report came with the HTML.
    expect(loaded).toEqual([]);
    // A layer name from the model stays text.
    await page.locator('[data-block-header="exit"], [data-block-header="block14"]').first().waitFor();
    expect(await page.evaluate(() => document.querySelector('img[src="x"]'))).toBeNull();
    expect(problems.errors).toEqual([]);
    await page.close();

    // A reloaded page (hidden, then shown) shows the report it persisted, not the one of its HTML.
    const later = renamed(staticReport, 'block4_sepconv2', 'block4_sepconv2_later');
    const reloaded = await open({ openBlocks: 'all', report: later });
    await reloaded.page.waitForSelector('[data-layer="block4_sepconv2_later"]');
    expect(await reloaded.page.locator('[data-layer="block4_sepconv2"]').count()).toBe(0);
    expect(reloaded.problems.errors).toEqual([]);
    await reloaded.page.close();
  });

  it('VS Code panel: the chart code (webview-charts.js) is not loaded for the first picture, and loads, with the nonce, when the roofline opens', async () => {
    writeFileSync(join(dir, 'webview.js'), assets.js);
    writeFileSync(join(dir, 'webview-charts.js'), assets.charts);
    writeFileSync(join(dir, 'webview.css'), assets.css ?? '');
    const report = JSON.parse(readFileSync(join(ROOT, 'test/browser/fixtures/xception71-roofline-batch.json'), 'utf8')) as ArchitectureReport;
    const html = webviewHtml({
      cspSource: 'file:',
      nonce: 'dGVzdG5vbmNlMTIzNDU2Nzg=',
      scriptUri: pathToFileURL(join(dir, 'webview.js')).href,
      styleUri: pathToFileURL(join(dir, 'webview.css')).href,
      inline: { js: assets.js, css: assets.css },
      chartsUri: pathToFileURL(join(dir, 'webview-charts.js')).href,
      report,
    });
    writeFileSync(join(dir, 'panel-charts.html'), html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = await watch(page);
    await page.addInitScript(() => {
      (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({ postMessage: () => undefined, getState: () => undefined, setState: () => undefined });
    });
    const scripts: string[] = [];
    page.on('request', (r) => scripts.push(r.url().split('/').pop() ?? ''));
    await page.goto(pathToFileURL(join(dir, 'panel-charts.html')).href);
    await page.waitForFunction(() => window.__xpStats?.firstPaintMs !== undefined);
    expect(scripts).not.toContain('webview-charts.js');
    expect(await page.evaluate(() => window.__xpCharts === undefined)).toBe(true);
    await page.locator('details#roofline summary').click();
    await page.locator('details#roofline svg.roofline-chart [data-layer="block4_sepconv2"]').first().waitFor();
    expect(scripts).toContain('webview-charts.js');
    // Loaded under the strict CSP (nonce only): no violation reported.
    expect(problems.errors).toEqual([]);
    await page.close();
  });
});
