/**
 * The diagram of non-Xception models (any DAG, laid out by dagre) in Chromium: ResNet50 imported
 * from its TF.js model.json (177 layers), a small tf.model with an Add and a Concatenate, and a
 * FixedDropout model whose unsupported layer must be visibly marked. Skipped when
 * /usr/bin/chromium is missing. UPDATE_SCREENSHOTS=1 also writes media/screenshot-dag.png.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/exporters/html';
import type { ArchitectureReport } from '../../src/report/schema';
import { buildWebview, modelFileReport, residualReport, withSyntheticTimings } from './fixtures';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = process.cwd();
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** Console errors, page errors, CSP violations and dialogs of a page. */
async function watch(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Refused to|Content Security Policy/i.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return errors;
}

/** What the page drew: layer names (with repeats) and edges as `from -> to` (with repeats). */
function drawn(page: Page): Promise<{ layers: string[]; edges: string[] }> {
  return page.evaluate(() => ({
    layers: [...document.querySelectorAll('[data-layer]')].map((e) => e.getAttribute('data-layer') ?? ''),
    edges: [...document.querySelectorAll('path.edge')].map((e) => `${e.getAttribute('data-from')} -> ${e.getAttribute('data-to')}`),
  }));
}

/** Every `inbound` entry of the report as `from -> to` (a layer fed twice counts twice). */
function inboundEdges(report: ArchitectureReport): string[] {
  return report.layers.flatMap((l) => l.inbound.map((src) => `${src} -> ${l.name}`));
}

describe.skipIf(!existsSync(CHROMIUM))('DAG diagram of non-Xception models in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let assets: { js: string; css?: string };
  let resnet: ArchitectureReport;

  beforeAll(async () => {
    assets = await buildWebview(ROOT);
    resnet = await modelFileReport('resnet50.model.json');
    dir = join(tmpdir(), `xp-dag-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(report: ArchitectureReport, name: string, size = { width: 1400, height: 900 }, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderHtmlReport(report, assets));
    const page = await browser.newPage({ viewport: size, colorScheme });
    const errors = await watch(page);
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => window.__xpStats?.firstPaintMs !== undefined);
    return { page, errors };
  }

  it('ResNet50 (177 layers, name-prefix grouping): every layer once, every inbound edge, blocks framed, layout time', async () => {
    expect(resnet.model.grouping).toBe('name-prefix');
    expect(resnet.layers).toHaveLength(177);
    const { page, errors } = await open(withSyntheticTimings(resnet), 'resnet50');
    const d = await drawn(page);
    expect(d.layers).toHaveLength(177);
    expect(new Set(d.layers)).toEqual(new Set(resnet.layers.map((l) => l.name)));
    expect(d.edges.sort()).toEqual(inboundEdges(resnet).sort());
    expect(d.edges).toHaveLength(192); // 176 single inputs + 16 Adds' second inputs
    // One frame per block, with a hue; no flow columns (the export scope is the whole diagram).
    await expect(page.locator('g.block').count()).resolves.toBe(resnet.blocks.length);
    await expect(page.locator('g.flow').count()).resolves.toBe(0);
    expect(await page.locator('[data-block="2a"]').getAttribute('class')).toMatch(/block-hue-\d/);

    // Layout cost in the browser (dagre on ResNet50's 177 layers), and the whole first render.
    const stats = await page.evaluate(() => window.__xpStats!);
    console.log(`ResNet50 DAG (177 layers, 192 edges) in Chromium: layout ${stats.layoutMs!.toFixed(1)} ms; layout + render + paint ${stats.renderMs!.toFixed(1)} ms`);
    expect(stats.layoutMs).toBeGreaterThan(0); // measured; its target is judged by npm run bench:latency

    // Hover card of a layer: same card as Xception's (shape, MACs).
    await page.locator('[data-layer="res4a_branch2b"] rect').first().hover();
    const card = (await page.locator('#hover-card').textContent()) ?? '';
    expect(card).toContain('res4a_branch2b');
    expect(card).toContain('14x14x256');
    // Search, as for Xception.
    await page.locator('#search').click();
    await page.keyboard.type('branch1');
    await expect(page.locator('.layer.match').count()).resolves.toBe(8); // res{2a,3a,4a,5a}_branch1 + bn...
    await page.screenshot({ path: join(SHOTS, 'dag-resnet50.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a tf.model with an Add and a Concatenate: both branches drawn beside each other', async () => {
    const report = residualReport();
    expect(report.model.grouping).not.toBe('xception-flows');
    const { page, errors } = await open(report, 'residual');
    const d = await drawn(page);
    expect(d.layers.sort()).toEqual(report.layers.map((l) => l.name).sort());
    expect(d.edges.sort()).toEqual(inboundEdges(report).sort());
    const box = (n: string): Promise<{ x: number; y: number } | null> => page.locator(`[data-layer="${n}"] rect.layer-box`).boundingBox();
    const [b1, b2, cat] = await Promise.all([box('mix_b_1x1'), box('mix_b_3x3'), box('mix_b_concat')]);
    // The two Concatenate inputs side by side, the Concatenate below both.
    expect(b1!.y).toBeCloseTo(b2!.y, 0);
    expect(b1!.x).not.toBeCloseTo(b2!.x, 0);
    expect(cat!.y).toBeGreaterThan(b1!.y);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('marks an unsupported layer (FixedDropout) on its node and in its hover card', async () => {
    const report = await modelFileReport('unknown-layer.json');
    const { page, errors } = await open(report, 'fixed-dropout');
    const node = page.locator('[data-layer="x"]');
    expect(await node.getAttribute('class')).toContain('unsupported');
    const marker = node.locator('.diag-marker');
    await expect(marker.count()).resolves.toBe(1);
    expect(await marker.getAttribute('aria-label')).toContain('layer "x" of class "FixedDropout" is not supported');
    expect(await node.locator('.layer-op').textContent()).toBe('not supported');
    await node.locator('rect.layer-box').hover();
    const card = (await page.locator('#hover-card').textContent()) ?? '';
    expect(card).toContain('Diagnostics');
    expect(card).toContain('warning layer "x" of class "FixedDropout" is not supported; it counts as 0 MACs');
    // Report-level diagnostics (model file, weights) in the collapsible section, closed at first.
    const section = page.locator('details#diagnostics');
    expect(await section.getAttribute('open')).toBeNull();
    await section.locator('summary').click();
    const text = (await section.textContent()) ?? '';
    expect(text).toContain('model file: Keras 2.3.1 model config (JSON), model "with_fixed_dropout"');
    expect(text).toMatch(/4 diagnostics \(2 about the report, 2 about layers\)/);
    await page.screenshot({ path: join(SHOTS, 'fixed-dropout.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('writes the DAG screenshot', async () => {
    const { page, errors } = await open(withSyntheticTimings(resnet), 'resnet50-shot', { width: 1280, height: 800 });
    // Reveal (as the tree does): centres the layer, zooms in enough to read, pins its card.
    await page.evaluate(() => window.postMessage({ type: 'reveal', layer: 'res3a_branch2b' }, '*'));
    await expect.poll(() => page.locator('#hover-card').textContent()).toContain('res3a_branch2b');
    await page.screenshot({ path: join(SHOTS, 'dag.png') });
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      const media = join(ROOT, 'media', 'screenshot-dag.png');
      await page.screenshot({ path: media });
      expect(statSync(media).size).toBeLessThan(500 * 1024);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
