// Issue 14's checks in the real VS Code panel: the roofline chart (a dot per layer kernel, the
// layer card on hover) and a batch sweep started from the panel's sweep form, with screenshots
// 05-roofline.png, 06-batch-sweep.png (chart) and 07-batch-sweep-table.png.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { stopLive } from './session.mjs';

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
    // Live timings redraw the chart (a new SVG every 2 s): a dot hovered while it is replaced is
    // gone. The dots are checked on the stopped report; the sweep below needs live stopped too.
    await stopLive(h, wb, frame);
    const section = frame.locator('details#roofline');
    await section.waitFor({ state: 'visible', timeout: 30_000 });
    const summary = (await section.locator('summary').innerText()).trim();
    assert.match(summary, /^Roofline: wasm x\d+( SIMD)?, compute roof [\d.]+ GFLOP\/s, bandwidth roof [\d.]+ GB\/s, ridge [\d.]+ FLOP\/B$/);
    if ((await section.getAttribute('open')) === null) await section.locator('summary').click();
    const dots = section.locator('[data-layer]');
    const count = await h.waitFor(async () => ((n) => (n > 100 ? n : null))(await dots.count()), { timeout: 30_000, what: 'roofline dots' });
    await section.scrollIntoViewIfNeeded();
    const dot = section.locator('[data-layer="block4_sepconv2"][data-part="depthwise"]');
    const card = await h.waitFor(
      async () => {
        await wb.page.mouse.move(2, 2);
        await dot.hover({ force: true, timeout: 5_000 });
        const t = await frame.locator('#hover-card').innerText().catch(() => '');
        return t && /Roofline/.test(t) ? t : null;
      },
      { timeout: 30_000, interval: 500, what: '#hover-card with a Roofline section' },
    );
    await wb.screenshot(path.join(shots, '05-roofline.png'));
    // The card's roofline row of the depthwise kernel: its intensity, then where it stands.
    const row = card.match(/Roofline, depthwise\s+([\d.]+ FLOP\/B[^\n]*)\n[^\n]*?((memory|compute)-bound: [\d.]+ % of [^;\n]+)/);
    assert.ok(row, `the card says where the depthwise kernel stands: ${JSON.stringify(card.slice(card.indexOf('Roofline')))}`);
    return `${summary}; ${count} dots; block4_sepconv2 depthwise: ${row[1]}, ${row[2]}`;
  });

  await check('batch sweep from the panel: batch 1,2 at 71x71 profiled on the same engine, chart, table and findings', async () => {
    assert.ok(frame, 'needs the profiled diagram');
    // Live profiling follows the first result; a new job while it runs asks "keep or restart"
    // first (the sweep would wait for that answer): stop it, as a user would.
    await stopLive(h, wb, frame);
    const section = frame.locator('details#sweep');
    await section.waitFor({ state: 'visible', timeout: 30_000 });
    if ((await section.getAttribute('open')) === null) await section.locator('summary').click();
    // Two small points: the run's input size is 71 (run.mjs), a sweep profiles each point 1 + 3 times.
    await frame.locator('#sweep-values').evaluate((el) => {
      el.value = '1,2';
    });
    const t0 = Date.now();
    await frame.locator('#sweep-run').click();
    const rows = section.locator('table.sweep-table tbody tr');
    await h.waitFor(async () => ((await rows.count()) === 2 ? true : null), { timeout: 180_000, interval: 500, what: 'the sweep table with 2 points' }).catch(async (e) => {
      const status = await frame.locator('#status').innerText().catch(() => '(no #status)');
      throw new Error(`${e.message}; status line: ${JSON.stringify(status)}; notifications: ${JSON.stringify(await wb.notifications())}`);
    });
    const ms = Date.now() - t0;
    await section.locator('svg.sweep-chart').waitFor({ timeout: 10_000 });
    await section.scrollIntoViewIfNeeded();
    await wb.page.mouse.move(2, 2);
    await wb.screenshot(path.join(shots, '06-batch-sweep.png'));
    // The findings and the table, below the chart.
    await section.locator('table.sweep-table').scrollIntoViewIfNeeded();
    await wb.screenshot(path.join(shots, '07-batch-sweep-table.png'));
    const table = (await rows.allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    assert.match(table[0], /^1 /, `first row is batch 1: ${JSON.stringify(table)}`);
    assert.match(table[1], /^2 /, `second row is batch 2: ${JSON.stringify(table)}`);
    const findings = await section.locator('.sweep-findings li').allInnerTexts();
    assert.ok(findings[0] && /^Time per image (keeps falling|stops falling)/.test(findings[0]), `findings: ${JSON.stringify(findings)}`);
    return `${ms} ms from Run sweep to the table; rows ${JSON.stringify(table)}; ${findings.join(' ')}`;
  });
}
