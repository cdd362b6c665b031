/**
 * Readability of the diagram's first view (issue 15): Xception-299 (real static analysis +
 * SYNTHETIC timings) opened in Chromium at the default settings, at the size of a VS Code window
 * of 1280x800 and 1600x1000 (the whole page) and at the size its diagram panel gets in such a
 * window with the sidebar open (the editor area: window minus the activity bar, a 300 px sidebar,
 * the title, tab and status bars). Measured: the rendered on-screen font size of every visible
 * label of the diagram (computed font size x the SVG's screen scale), and that the whole
 * architecture (three flows, every block) is inside the visible stage. Also: "Fit" keeps
 * everything visible when all layers are shown, and a click opens a block to its layers.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/exporters/html';
import { webviewHtml } from '../../src/extension/webviewHtml';
import { buildWebview, withSyntheticTimings, xceptionReport } from './fixtures';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = process.cwd();
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];

/** Editor area of a VS Code window: minus activity bar (48) and sidebar (300); title (35), tabs (35), status bar (22). */
const panelOf = (w: number, h: number) => ({ width: w - 48 - 300, height: h - 35 - 35 - 22 });
const SIZES = [
  { name: 'window 1280x800', viewport: { width: 1280, height: 800 } },
  { name: 'panel in a 1280x800 window', viewport: panelOf(1280, 800) },
  { name: 'window 1600x1000', viewport: { width: 1600, height: 1000 } },
  { name: 'panel in a 1600x1000 window', viewport: panelOf(1600, 1000) },
];

/** On-screen size of the diagram's visible labels, and what of the architecture is in view. */
interface Measure {
  labels: number;
  minPx: number;
  smallest: string;
  flowsInView: number;
  blocksInView: number;
  blocksDrawn: number;
  scale: number;
}

function measure(page: Page): Promise<Measure> {
  return page.evaluate(() => {
    const svg = document.querySelector('svg.diagram') as SVGSVGElement;
    const stage = svg.getBoundingClientRect();
    const inside = (r: DOMRect): boolean => r.width > 0 && r.left >= stage.left - 0.5 && r.right <= stage.right + 0.5 && r.top >= stage.top - 0.5 && r.bottom <= stage.bottom + 0.5;
    let minPx = Infinity;
    let smallest = '';
    let labels = 0;
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (!t.textContent?.trim() || r.width === 0 || getComputedStyle(t).visibility === 'hidden' || getComputedStyle(t).display === 'none') continue;
      if (r.bottom < stage.top || r.top > stage.bottom || r.right < stage.left || r.left > stage.right) continue;
      const ctm = (t as SVGTextElement).getScreenCTM()!;
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
      labels++;
      if (px < minPx) {
        minPx = px;
        smallest = t.textContent;
      }
    }
    const blocks = [...svg.querySelectorAll('g.block')];
    const scale = (svg.querySelector('g.viewport') as SVGGElement).getScreenCTM()!.a;
    return {
      labels,
      minPx,
      smallest,
      flowsInView: [...svg.querySelectorAll('g.flow')].filter((f) => inside(f.getBoundingClientRect())).length,
      blocksInView: blocks.filter((b) => inside(b.getBoundingClientRect())).length,
      blocksDrawn: blocks.length,
      scale,
    };
  });
}

describe.skipIf(!existsSync(CHROMIUM))('diagram readability at the default view', () => {
  let browser: Browser;
  let url: string;
  let panelUrl: string;

  beforeAll(async () => {
    const assets = await buildWebview(ROOT);
    const dir = join(tmpdir(), `xp-readability-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtmlReport(withSyntheticTimings(xceptionReport()), assets));
    url = pathToFileURL(file).href;
    writeFileSync(join(dir, 'webview.js'), assets.js);
    writeFileSync(join(dir, 'webview.css'), assets.css ?? '');
    const panel = webviewHtml({ cspSource: 'file:', nonce: 'dGVzdG5vbmNlMTIzNDU2Nzg=', scriptUri: pathToFileURL(join(dir, 'webview.js')).href, styleUri: pathToFileURL(join(dir, 'webview.css')).href });
    writeFileSync(join(dir, 'panel.html'), panel);
    panelUrl = pathToFileURL(join(dir, 'panel.html')).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  for (const size of SIZES) {
    it(`${size.name}: the whole architecture in view, every label >= 11 px on screen`, async () => {
      const page = await browser.newPage({ viewport: size.viewport });
      await page.goto(url);
      await page.waitForFunction(() => window.__xpStats?.firstPaintMs !== undefined);
      const m = await measure(page);
      const stats = await page.evaluate(() => window.__xpStats!);
      console.log(`${size.name}: first view painted ${stats.firstPaintMs!.toFixed(0)} ms after navigation start (layout + render + paint ${stats.renderMs!.toFixed(1)} ms)`);
      await page.screenshot({ path: join(SHOTS, `readability-${size.viewport.width}x${size.viewport.height}.png`) });
      console.log(`${size.name} (${size.viewport.width}x${size.viewport.height}): ${m.labels} labels, smallest ${m.minPx.toFixed(1)} px on screen ("${m.smallest}"), scale ${m.scale.toFixed(3)}, ${m.flowsInView}/3 flows and ${m.blocksInView}/${m.blocksDrawn} blocks in view`);
      expect(m.flowsInView).toBe(3);
      expect(m.blocksDrawn).toBe(9); // input, block1-4, block5-12 as one row, block13, block14, top
      expect(m.blocksInView).toBe(m.blocksDrawn);
      expect(m.labels).toBeGreaterThan(30);
      expect(m.minPx).toBeGreaterThanOrEqual(11);
      await page.close();
    });
  }

  it('a click opens a block to its layers and closes it again; "Show all layers" then Fit shows every layer', async () => {
    const page = await browser.newPage({ viewport: panelOf(1280, 800) });
    await page.goto(url);
    await page.waitForFunction(() => window.__xpStats?.firstPaintMs !== undefined);
    await expect(page.locator('[data-layer]').count()).resolves.toBe(0);
    await page.locator('[data-block-header="block4"]').click();
    await expect(page.locator('[data-block="block4"] [data-layer]').count()).resolves.toBe(10);
    await expect(page.locator('[data-layer]').count()).resolves.toBe(10);
    await expect(page.locator('[data-block-header="block4"]').getAttribute('aria-expanded')).resolves.toBe('true');
    await page.screenshot({ path: join(SHOTS, 'readability-block4-open.png') });
    await page.locator('[data-block-header="block4"]').click();
    await expect(page.locator('[data-layer]').count()).resolves.toBe(0);
    await page.locator('#toggle-layers').click();
    await page.locator('#fit').click();
    await expect(page.locator('[data-layer]').count()).resolves.toBe(134 - 8 * 10 + 10); // middle flow collapsed: block5 stands for the 8 blocks
    const m = await measure(page);
    expect(m.flowsInView).toBe(3);
    expect(m.blocksInView).toBe(m.blocksDrawn);
    console.log(`all layers after Fit: smallest label ${m.minPx.toFixed(1)} px (Fit trades size for the whole picture)`);
    await page.close();
  });

  it('a failed import: the panel shows the error alone, no "Waiting for a report" under it', async () => {
    const page = await browser.newPage({ viewport: panelOf(1280, 800) });
    await page.addInitScript(() => {
      (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({ postMessage: () => undefined, getState: () => undefined, setState: () => undefined });
    });
    await page.goto(panelUrl);
    await expect.poll(() => page.locator('#stage').textContent()).toBe('Waiting for a report\u2026');
    await page.evaluate(() => window.postMessage({ type: 'status', state: 'building', message: 'Building models/a/model.json: reading the file' }, '*'));
    await expect.poll(() => page.locator('#stage').textContent()).toBe('Preparing the first picture\u2026 (Building models/a/model.json: reading the file)');
    const error = 'Failed models/a/model.json: models/a/model.json is not valid JSON (unexpected end of the file at line 3)';
    await page.evaluate((message) => window.postMessage({ type: 'status', state: 'failed', message }, '*'), error);
    await expect.poll(() => page.locator('#stage').textContent()).toBe(`No report: ${error}`);
    expect(await page.locator('#status').textContent()).toBe(error);
    expect(await page.locator('body').textContent()).not.toContain('Waiting for a report');
    await page.close();
  });
});
