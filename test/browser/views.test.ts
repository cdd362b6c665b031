/**
 * The webview's hover card prints the view-model's rows, exactly as the Markdown card does
 * (test/report/views.test.ts checks the Markdown card, the CSV, the Markdown export and the CLI
 * against the same rows), and counts FLOPs by the convention the report was exported with.
 * Skipped when /usr/bin/chromium is missing (CI installs it).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/exporters/html';
import type { FlopsConvention } from '../../src/report/flopsConvention';
import type { ArchitectureReport } from '../../src/report/schema';
import { layerCardView } from '../../src/report/viewModel';
import { cardRows, LAYER, oneLayerReport, TIMER_ERROR, type PrintedRow } from '../report/viewsFixture';
import { buildWebview } from './fixtures';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** The rows of the hover card's tables (`kernels`: its kernel table; else every other): label, value text (without the note), note. */
function domRows(page: Page, kernels = false): Promise<PrintedRow[]> {
  return page.evaluate((sel) =>
    [...document.querySelectorAll(sel)].map((tr) => {
      const td = tr.querySelector('td')!;
      const note = td.querySelector('.hc-row-note')?.textContent ?? undefined;
      const text = [...td.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('');
      return { label: tr.querySelector('th')!.textContent!, text, ...(note ? { note } : {}) };
    }),
  kernels ? '#hover-card table.hc-kernels tr' : '#hover-card table.hc-rows:not(.hc-kernels) tr');
}

describe.skipIf(!existsSync(CHROMIUM))(`one layer in the webview card${existsSync(CHROMIUM) ? '' : ' (skipped: /usr/bin/chromium not installed)'}`, () => {
  let browser: Browser;
  let report: ArchitectureReport;
  let assets: { js: string; css?: string };
  const dir = join(tmpdir(), `xp-views-${process.pid}`);

  async function cardOf(convention: FlopsConvention, layer: string): Promise<{ rows: PrintedRow[]; kernels: PrintedRow[] }> {
    const file = join(dir, `${convention}.html`);
    writeFileSync(file, renderHtmlReport(report, assets, convention));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => window.__xpStats?.firstPaintMs !== undefined);
    // Blocks open closed (one summary row each): show every layer.
    await page.locator('#toggle-layers').click();
    await page.waitForSelector(`[data-layer="${layer}"]`);
    await page.locator(`[data-layer="${layer}"] rect`).hover();
    await page.locator('#hover-card').waitFor({ state: 'visible' });
    const rows = await domRows(page);
    const kernels = await domRows(page, true);
    await page.close();
    return { rows, kernels };
  }

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    assets = await buildWebview(process.cwd());
    ({ report } = await oneLayerReport());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('prints the same rows as the view-model (and so as the Markdown card), roofline rows included, and the kernels', async () => {
    const layer = report.layers.find((l) => l.name === LAYER)!;
    const view = layerCardView(report, layer, 'macs');
    const { rows, kernels } = await cardOf('macs', LAYER);
    expect(rows).toEqual(cardRows(view));
    expect(rows.map((r) => r.label)).toEqual(expect.arrayContaining(['MACs', 'Median', 'Kernels', 'Roofline', 'Roofline, depthwise', 'Roofline, pointwise']));
    expect(kernels).toEqual([
      { label: 'DepthwiseConv2dNative', text: `n/a (${TIMER_ERROR})` },
      { label: 'Conv2D', text: '6.61 ms' },
    ]);
  });

  it('counts FLOPs by the convention the report was exported with', async () => {
    // block2_pool: 3x3 max pooling to 74x74x128: tf.profiler counts 9 x 700,928 = 6,308,352 FLOPs.
    const pool = report.layers.find((l) => l.name === 'block2_pool')!;
    const { rows } = await cardOf('tf-profiler', 'block2_pool');
    const flops = rows.find((r) => r.label === 'FLOPs')!;
    expect(flops).toEqual(cardRows(layerCardView(report, pool, 'tf-profiler')).find((r) => r.label === 'FLOPs'));
    expect(flops.text).toBe('6.3M FLOPs (6,308,352)');
  });
});
