/**
 * The roofline and sweep charts in Chromium, in the standalone HTML report under its strict CSP,
 * on REAL measured reports: Xception-71 on WASM (2 threads, SIMD) with its engine's roofs and a
 * batch sweep 1,2,4,8 (fixtures/xception71-roofline-batch.json), and an input sweep 71,110,150
 * (fixtures/xception71-input-sweep.json), both written by `node dist/cli.js --input-size 71
 * --sweep ... --json FILE` on a shared 2-core machine. Skipped when /usr/bin/chromium is missing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/exporters/html';
import { rooflinePoints } from '../../src/profiler/roofline';
import type { ArchitectureReport } from '../../src/report/schema';
import { buildWebview } from './fixtures';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = process.cwd();
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const fixture = (name: string): ArchitectureReport => JSON.parse(readFileSync(join(ROOT, 'test/browser/fixtures', name), 'utf8')) as ArchitectureReport;

describe.skipIf(!existsSync(CHROMIUM))('roofline and sweep charts in Chromium (real Xception-71 runs)', () => {
  let browser: Browser;
  let dir: string;
  let assets: { js: string; css?: string };

  beforeAll(async () => {
    assets = await buildWebview(ROOT);
    dir = join(tmpdir(), `xp-charts-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(report: ArchitectureReport, name: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderHtmlReport(report, assets));
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 }, colorScheme, acceptDownloads: true });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => window.__xpStats?.firstPaintMs !== undefined);
    // Room for the charts: the sections get the lower half of the page.
    await page.evaluate(() => document.querySelector<HTMLElement>('.report-sections')?.style.setProperty('max-height', '75vh'));
    return { page, errors };
  }

  it('roofline: one dot per timed layer kernel under both roofs, hover shows the layer card, click reveals the layer', async () => {
    const report = fixture('xception71-roofline-batch.json');
    const { page, errors } = await open(report, 'roofline');
    const section = page.locator('details#roofline');
    expect(await section.locator('summary').textContent()).toMatch(/^Roofline: wasm x2 SIMD, compute roof \d+\.\d GFLOP\/s, bandwidth roof \d+\.\d\d GB\/s, ridge \d+\.\d FLOP\/B$/);
    await section.locator('summary').click();
    const dots = section.locator('[data-layer]');
    const expected = rooflinePoints(report).filter((p) => p.gflops != null && p.gflops > 0 && p.kind !== 'separable');
    expect(await dots.count()).toBe(expected.length);
    // 34 separable convs appear as their two kernels.
    expect(await section.locator('[data-layer="block4_sepconv2"]').count()).toBe(2);
    expect(await section.locator('svg.roofline-chart').getAttribute('aria-label')).toContain('under the roofs of wasm x2 SIMD');
    expect(await section.locator('svg.roofline-chart text').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^compute roof /), expect.stringMatching(/^bandwidth roof /), 'depthwise', 'pointwise (1x1)', 'batch norm']));

    const dw = section.locator('[data-layer="block4_sepconv2"][data-part="depthwise"]');
    await dw.hover({ force: true });
    const card = page.locator('#hover-card');
    await expect.poll(() => card.isVisible()).toBe(true);
    const text = await card.textContent();
    expect(text).toContain('block4_sepconv2');
    expect(text).toMatch(/Roofline, depthwise\d.* FLOP\/B · \d+\.\d+ GFLOP\/s(memory|compute)-bound: \d/);
    await section.screenshot({ path: join(SHOTS, 'roofline-chart.png') });
    await page.screenshot({ path: join(SHOTS, 'roofline-hover.png') });

    await dw.click({ force: true });
    await expect.poll(() => page.locator('.layer.selected').getAttribute('data-layer')).toBe('block4_sepconv2');
    expect(errors).toEqual([]); // no CSP violation: Plot's <style> carries the page's nonce
  });

  it('roofline saves as a standalone SVG with the theme colours baked in', async () => {
    const { page, errors } = await open(fixture('xception71-roofline-batch.json'), 'roofline-save', 'dark');
    await page.locator('details#roofline summary').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#roofline-save-svg').click()]);
    const svg = readFileSync((await download.path())!, 'utf8');
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true);
    expect(svg).not.toContain('<style');
    expect(svg).not.toContain('class=');
    expect((svg.match(/<(circle|path)/g) ?? []).length).toBeGreaterThan(100);
    expect(svg).toMatch(/<rect[^>]*fill="rgb\(/); // the page background
    expect(errors).toEqual([]);
  });

  it('batch sweep: time per image against batch with throughput labels, the table and the findings', async () => {
    const report = fixture('xception71-roofline-batch.json');
    const { page, errors } = await open(report, 'sweep-batch');
    const section = page.locator('details#sweep');
    expect(await section.locator('summary').textContent()).toBe(`Batch sweep on wasm x2 SIMD: ${report.sweep!.findings[0]}`);
    await section.locator('summary').click();
    expect(await section.locator('svg.sweep-chart circle').count()).toBe(4);
    expect(await section.locator('svg.sweep-chart text').allTextContents()).toEqual(expect.arrayContaining(report.sweep!.points.map((p) => `${p.imagesPerSecond!.toFixed(2)} img/s`)));
    expect(await section.locator('table.sweep-table tbody tr').count()).toBe(4);
    expect(await section.locator('.sweep-findings li').allTextContents()).toEqual(report.sweep!.findings);
    await section.screenshot({ path: join(SHOTS, 'sweep-batch.png') });
    expect(errors).toEqual([]);
  });

  it('input sweep: time growth against MAC growth per flow and for separable / regular convs, with the proportional diagonal', async () => {
    const report = fixture('xception71-input-sweep.json');
    const { page, errors } = await open(report, 'sweep-input');
    const section = page.locator('details#sweep');
    await section.locator('summary').click();
    const labels = await section.locator('svg.sweep-chart text').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['entry', 'middle', 'exit', 'separable convs', 'regular convs', 'whole model', 'time \u221d MACs']));
    await section.screenshot({ path: join(SHOTS, 'sweep-input.png') });
    expect(errors).toEqual([]);
  });
});
