/**
 * The report's own facts around the diagram, in Chromium, on a REAL measured report
 * (fixtures/xception71-compare.json: Xception-71 on WASM, 2 threads, SIMD, with its
 * regular-convolution twin): the regular-comparison table and the measured line in a separable
 * layer's hover card, the engine line with its correctness badge, the whole-pass line, and
 * diagnostics on layers. Skipped when /usr/bin/chromium is missing.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/exporters/html';
import { compareEngines } from '../../src/profiler/engineComparison';
import type { ArchitectureReport } from '../../src/report/schema';
import { buildWebview, compareReport } from './fixtures';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = process.cwd();
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

describe.skipIf(!existsSync(CHROMIUM))('report panels in Chromium (real Xception-71 comparison run)', () => {
  let browser: Browser;
  let dir: string;
  let assets: { js: string; css?: string };
  let real: ArchitectureReport;

  beforeAll(async () => {
    assets = await buildWebview(ROOT);
    real = compareReport(ROOT);
    dir = join(tmpdir(), `xp-panels-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(report: ArchitectureReport, name: string): Promise<{ page: Page; errors: string[] }> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderHtmlReport(report, assets));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => window.__xpStats?.firstPaintMs !== undefined);
    // The first view shows one summary row per block; these checks read the layers.
    if (await page.locator('#toggle-layers').isVisible()) await page.locator('#toggle-layers').click();
    return { page, errors };
  }

  it('the regular-convolution twin: a table of the 34 separable layers and both totals; the measured line on hover', async () => {
    const { page, errors } = await open(real, 'compare');
    const section = page.locator('details#regular-comparison');
    expect(await section.isHidden()).toBe(false);
    expect(await section.locator('summary').textContent()).toBe(
      'Separable vs regular convolution (measured at 71x71 on wasm, median wall time of 2 runs): whole model 8.30x fewer MACs, regular twin 5.96x the time',
    );
    await section.locator('summary').click();
    await expect(section.locator('tbody tr').count()).resolves.toBe(34);
    const cells = (sel: string): Promise<string[]> => section.locator(sel).locator('th, td').allTextContents();
    // block4_sepconv2 at 71x71: 43,459,416 separable vs 386,358,336 regular MACs (8.89x); measured 8.67 ms vs 223 ms.
    expect(await cells('tr[data-row="block4_sepconv2"]')).toEqual(['block4_sepconv2', '43.5M', '386.4M', '8.89x', '8.67 ms', '223 ms', '25.8x']);
    expect(await cells('tr[data-total="separable-layers"]')).toEqual(['All 34 separable layers', '513.6M', '4.55G', '8.86x', '280 ms', '2082 ms', '7.42x']);
    expect(await cells('tr[data-total="whole-model"]')).toEqual(['Whole model (plain predict)', '553.2M', '4.59G', '8.30x', '438 ms', '2611 ms', '5.96x']);
    await page.screenshot({ path: join(SHOTS, 'regular-comparison.png') });

    // Hover card of the layer: the analytic line and the measured one.
    await page.locator('[data-layer="block4_sepconv2"] rect').hover();
    const card = (await page.locator('#hover-card').textContent()) ?? '';
    expect(card).toContain("A regular 3x3 Conv2D with the same input and output would need 386.4M MACs: 8.89x the separable conv's 43.5M MACs.");
    expect(card).toContain('measured on wasm: regular conv 223 ms vs separable 8.67 ms (25.8x slower), median wall time of 2 runs');
    // A layer name in the table reveals the layer in the diagram (middle flow expanded).
    await section.locator('tr[data-row="block9_sepconv1"] button').click();
    await expect.poll(() => page.locator('#hover-card').textContent()).toContain('block9_sepconv1');
    expect(await page.locator('[data-layer="block9_sepconv1"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('engines side by side: one column per engine, the split by kind, folded layers named', async () => {
    // The real WASM run beside an ONNX Runtime copy of it whose BN layers were folded into their convs.
    const ort: ArchitectureReport = {
      ...real,
      engine: { ...real.engine!, name: 'onnxruntime', backend: 'onnxruntime-cpu' },
      layers: real.layers.map((l) =>
        l.className === 'BatchNormalization' ? { ...l, timing: { medianMs: null, minMs: null, p90Ms: null, runs: 0, kernels: [], foldedInto: l.inbound[0] } } : l,
      ),
    };
    const { page, errors } = await open({ ...real, engineComparison: compareEngines([real, ort]) }, 'engines');
    const section = page.locator('details#engine-comparison');
    expect(await section.isHidden()).toBe(false);
    expect(await section.getAttribute('open')).not.toBeNull();
    expect(await section.locator('thead th').allTextContents()).toEqual(['', 'Class', 'MACs', 'wasm', 'onnxruntime (cpu)']);
    const cells = (sel: string): Promise<string[]> => section.locator(sel).locator('th, td').allTextContents();
    expect(await cells('tr[data-row="block4_sepconv2_bn"]')).toEqual(['block4_sepconv2_bn', 'BatchNormalization', '0', expect.stringMatching(/ms$/), 'folded into block4_sepconv2']);
    expect((await cells('tr[data-total="kind-BN"]'))[4]).toBe('0.00 ms');
    await page.screenshot({ path: join(SHOTS, 'engine-comparison.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the engine line, a correct engine, and the whole-pass line of the real run', async () => {
    const { page, errors } = await open(real, 'engine-ok');
    expect(await page.locator('#engine').textContent()).toBe('Engine: wasm · @tensorflow/tfjs-backend-wasm (embedded) 4.22.0 · 2 threads · SIMDchecked 10 layer kinds: correct');
    expect(await page.locator('#correctness').getAttribute('class')).toContain('badge-ok');
    // 503.3 ms profiled, 438.3 ms plain predict (1.148x), layers sum 487.2 ms; 2 timed runs, 1 warm-up.
    expect(await page.locator('#pass').textContent()).toBe(
      'Whole pass (wall time on wasm, batch of 1, median of 2 timed runs after 1 warm-up): profiled median 503 ms · plain predict median 438 ms · profiled/plain 1.15x · sum of layers 487 ms',
    );
    expect(await page.locator('details#diagnostics').isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the engine line keeps a native engine's whole load error and the runtime it was loaded in", async () => {
    const report = structuredClone(real);
    const abi = [
      "The module '/w/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'",
      'was compiled against a different Node.js version using',
      'NODE_MODULE_VERSION 115. This version of Node.js requires',
      'NODE_MODULE_VERSION 127. Please try re-compiling or re-installing',
    ].join('\n');
    report.engine!.skipped = [{ name: 'tensorflow', reason: abi }];
    report.engine!.runtime = { node: '20.18.0', modules: '127', napi: '9', electron: '34.2.0' };
    const { page, errors } = await open(report, 'engine-abi');
    const title = (await page.locator('#engine .engine-name').getAttribute('title')) ?? '';
    expect(title).toContain(`tensorflow skipped: ${abi}`);
    expect(title).toContain('runtime: node 20.18.0 (NODE_MODULE_VERSION 127, napi 9), electron 34.2.0');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('wrong results: the badge beside the engine, error markers and text on the affected layers', async () => {
    // The real report with a mismatch added (as the correctness check reports WASM's zeros for a
    // depthwise 1xN stride-2 "same" kernel); the layers get its error diagnostic.
    const report = structuredClone(real);
    const affected = ['block4_sepconv1', 'block4_sepconv2'];
    report.engine!.correctness = {
      checkedKinds: 10,
      mismatches: [
        { layer: 'block4_sepconv1', kind: 'SeparableConv2D 3x3 stride 1 same', maxRelError: 1, layers: affected },
        { layer: 'block1_conv1', kind: 'Conv2D 3x3 stride 2 valid', maxRelError: 0.02, layers: ['block1_conv1'] },
      ],
    };
    for (const layer of [...affected, 'block1_conv1']) {
      report.diagnostics.push({ severity: 'error', layer, message: `wrong results on wasm: output differs from the cpu backend (max relative error 1)` });
    }
    report.diagnostics.push({ severity: 'info', message: 'engine: wasm chosen' });
    const { page, errors } = await open(report, 'engine-bad');
    const badge = page.locator('#correctness');
    expect(await badge.textContent()).toBe('\u26a0 wrong results on 2 layer kinds');
    expect(await badge.getAttribute('class')).toContain('badge-error');
    expect(await badge.getAttribute('aria-label')).toContain('SeparableConv2D 3x3 stride 1 same (checked on block4_sepconv1; max relative error 1.00; 2 layers)');
    const node = page.locator('[data-layer="block4_sepconv2"]');
    expect(await node.getAttribute('class')).toContain('diag-error');
    expect(await node.locator('.diag-marker').getAttribute('aria-label')).toBe('error: wrong results on wasm: output differs from the cpu backend (max relative error 1)');
    await node.locator('rect.layer-box').hover();
    expect(await page.locator('#hover-card').textContent()).toContain('Diagnosticserror wrong results on wasm');
    const section = page.locator('details#diagnostics');
    expect(await section.locator('summary').textContent()).toBe('4 diagnostics (1 about the report, 3 about layers)');
    await section.locator('summary').click();
    expect(await section.locator('.diag').first().textContent()).toBe('info engine: wasm chosen');
    await page.screenshot({ path: join(SHOTS, 'engine-wrong-results.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
