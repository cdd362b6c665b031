// Issue 14's checks in the real VS Code panel: the roofline chart (a dot per layer kernel, the
// layer card on hover) and a batch sweep started from the panel's sweep form, with screenshots
// 05-roofline.png and 06-batch-sweep.png.
import assert from 'node:assert/strict';
import * as path from 'node:path';

/**
 * @param {object} ctx
 * @param {any} ctx.h the harness module
 * @param {any} ctx.wb the workbench
 * @param {any} ctx.frame the diagram webview's frame (already showing a profiled report)
 * @param {string} ctx.shots screenshot folder
 * @param {(name: string, fn: () => Promise<string | void>) => Promise<boolean>} ctx.check
 */
export async function checkCharts({ h, wb, frame, shots, check }) {
  await check('roofline: a dot per timed layer kernel under the engine\'s roofs; hovering one shows its layer card', async () => {
    assert.ok(frame, 'needs the profiled diagram');
    const section = frame.locator('details#roofline');
    await section.waitFor({ state: 'visible', timeout: 30_000 });
    const summary = (await section.locator('summary').innerText()).trim();
    assert.match(summary, /^Roofline: wasm x\d+( SIMD)?, compute roof [\d.]+ GFLOP\/s, bandwidth roof [\d.]+ GB\/s, ridge [\d.]+ FLOP\/B$/);
    if ((await section.getAttribute('open')) === null) await section.locator('summary').click();
    const dots = section.locator('[data-layer]');
    const count = await h.waitFor(async () => ((n) => (n > 100 ? n : null))(await dots.count()), { timeout: 30_000, what: 'roofline dots' });
    await section.scrollIntoViewIfNeeded();
    const dot = section.locator('[data-layer="block4_sepconv2"][data-part="depthwise"]');
    await dot.hover({ force: true });
    const card = await h.waitFor(async () => ((t) => (t && /Roofline/.test(t) ? t : null))(await frame.locator('#hover-card').innerText().catch(() => '')), {
      timeout: 10_000,
      what: '#hover-card with a Roofline section',
    });
    await wb.screenshot(path.join(shots, '05-roofline.png'));
    const line = card.split('\n').find((l) => l.startsWith('depthwise:'));
    assert.ok(line && /(memory|compute)-bound: [\d.]+ %/.test(line), `the card says where the depthwise kernel stands: ${JSON.stringify(card)}`);
    return `${summary}; ${count} dots; ${line}`;
  });

  await check('batch sweep from the panel: 1,2,4 profiled on the same engine, chart, table and findings', async () => {
    assert.ok(frame, 'needs the profiled diagram');
    const section = frame.locator('details#sweep');
    await section.waitFor({ state: 'visible', timeout: 30_000 });
    if ((await section.getAttribute('open')) === null) await section.locator('summary').click();
    await frame.locator('#sweep-values').evaluate((el) => {
      el.value = '1,2,4';
    });
    await frame.locator('#sweep-run').click();
    const rows = section.locator('table.sweep-table tbody tr');
    await h.waitFor(async () => ((await rows.count()) === 3 ? true : null), { timeout: 400_000, interval: 1000, what: 'the sweep table with 3 points' });
    await section.locator('svg.sweep-chart').waitFor({ timeout: 10_000 });
    await section.scrollIntoViewIfNeeded();
    await wb.page.mouse.move(2, 2);
    await wb.screenshot(path.join(shots, '06-batch-sweep.png'));
    const findings = await section.locator('.sweep-findings li').allInnerTexts();
    assert.ok(findings[0] && /^Time per image (keeps falling|stops falling)/.test(findings[0]), `findings: ${JSON.stringify(findings)}`);
    return findings.join(' ');
  });
}
