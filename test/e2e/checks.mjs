// What a user sees, checked in code-server through Chromium with the packaged extension (.vsix)
// installed: the command palette, the diagram webview and its hover card, the sidebar tree and an
// editor hover. Each check records its outcome and goes on, so one broken view does not hide the
// state of the others; the checks that need a report wait for the profiling run to finish.
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Expected values at the run's input size of 71 (hand-computed; the same numbers as
 * test/integration/suite/helpers.ts): block4_sepconv2 outputs 9x9x728 and takes
 * 9*9*728*9 + 9*9*728*728 = 43,459,416 MACs (43.5M); block1_conv1 (3x3/2 valid) outputs 35x35x32.
 */
export const EXPECTED_AT_71 = { shape: '9x9x728', macs: '43.5M', macsExact: '43,459,416' };

const LAYER = '[data-layer="block4_sepconv2"]';

/**
 * Runs the checks against an open workbench.
 * @param {object} ctx
 * @param {typeof import('../../../shared/tools/vscode-e2e/lib/harness.js')} ctx.h the harness module
 * @param {import('../../../shared/tools/vscode-e2e/lib/harness.js').Workbench} ctx.wb
 * @param {string} ctx.shots screenshot folder
 * @param {(name: string, fn: () => Promise<string | void>) => Promise<boolean>} ctx.check
 */
export async function checkPackagedExtension({ h, wb, shots, check }) {
  const page = wb.page;
  let frame;

  const profiled = await check('command palette runs "Profile Xception" and the diagram panel opens', async () => {
    await wb.runCommand('Profile Xception');
    await page.locator('.tabs-container .tab', { hasText: 'Xception Profiler' }).first().waitFor({ timeout: 30_000 });
    frame = await wb.webviewFrame(LAYER, { timeout: 60_000 }).catch(() => {
      throw new Error(`no ${LAYER} element in any webview within 60 s (the diagram did not render the report)`);
    });
    const status = await h
      .waitFor(async () => ((await frame.locator('[data-session="done"], [data-session="live-running"]').count()) > 0 ? frame.locator('#status').innerText() : null), {
        timeout: 180_000,
        interval: 500,
        what: 'the diagram status to reach "live-running" or "done" (timings in)',
      })
      .catch(async (e) => {
        const now = await frame.locator('#status').innerText().catch(() => '(no #status)');
        throw new Error(`${e.message}; status line: ${JSON.stringify(now)}`);
      });
    return `status: ${JSON.stringify(status.trim())}`;
  });

  await check('the packaged WASM engine runs on every core (its threaded build is in the .vsix)', async () => {
    assert.ok(profiled, 'needs the profiling run of the first check');
    // The status bar item names the engine: `TF GPU`, `TF native`, `WASM x2` (threads), `JS CPU`.
    const item = page.locator('.part.statusbar .statusbar-item', { hasText: /\b(WASM x\d+|TF GPU|TF native|JS CPU)\b/ }).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 }).catch(() => {
      throw new Error('no status bar item naming the engine (WASM xN, TF native, TF GPU or JS CPU)');
    });
    const text = (await item.innerText()).trim();
    const wasm = text.match(/WASM x(\d+)/);
    // The .vsix holds no native engine and the scratch workspace has none to find: `auto` must
    // land on the packaged WASM engine. Any other engine here is a failure, never "nothing to check".
    assert.ok(wasm, `the status bar reads ${JSON.stringify(text)}: the packaged extension with no native engine in reach should run on WASM`);
    const cores = os.availableParallelism();
    assert.ok(cores < 2 || Number(wasm[1]) >= 2, `${cores} cores but the status bar reads ${JSON.stringify(text)}: the threaded build's .js/.worker.js are missing from the .vsix (see test/packaging/vsix.test.ts)`);
    return `status bar: ${JSON.stringify(text)} on ${cores} cores`;
  });

  await check('diagram: hovering block4_sepconv2 shows its shape, MACs and a measured time', async () => {
    assert.ok(profiled && frame, 'needs the profiled diagram of the previous check');
    const card = await h.waitFor(
      async () => {
        await page.mouse.move(2, 2);
        const text = await wb.hoverAndRead(frame, LAYER, '#hover-card', { timeout: 5000 });
        return /Median\s+[\d.]+ ms/.test(text) ? text : null;
      },
      { timeout: 30_000, interval: 500, what: '#hover-card with a measured median' },
    );
    await wb.screenshot(path.join(shots, '01-diagram-hover-card.png'));
    assert.ok(card.includes(EXPECTED_AT_71.shape), `card shows the output shape ${EXPECTED_AT_71.shape}: ${JSON.stringify(card)}`);
    assert.ok(card.includes(EXPECTED_AT_71.macs), `card shows ${EXPECTED_AT_71.macs} MACs: ${JSON.stringify(card)}`);
    const median = card.match(/Median\s+([\d.]+ ms)/)?.[1];
    return `shape ${EXPECTED_AT_71.shape}, MACs ${EXPECTED_AT_71.macs}, median ${median}`;
  });

  await check('sidebar: the Architecture view lists entry / middle / exit and block4\'s layers', async () => {
    await wb.treeItems('Xception Profiler', 'Architecture').catch((e) => {
      throw new Error(`no "Xception Profiler" activity-bar container with an "Architecture" view: ${e.message.split('\n')[0]}`);
    });
    const tree = new ArchitectureTree(page);
    await tree.collapseOtherPanes();
    let last = [];
    const rowsUntil = (what, ok) =>
      h.waitFor(async () => ((r) => (ok(r) ? r : null))((last = await tree.rows())), { timeout: 15_000, what }).catch((e) => {
        throw new Error(`${e.message}; rows: ${JSON.stringify(last.map((r) => r.label))}`);
      });
    const flowRow = (r, flow) => r.find((x) => new RegExp(`^${flow}\\b`, 'i').test(x.label));
    const hasFlows = (r) => ['entry', 'middle', 'exit'].every((f) => flowRow(r, f));
    let rows = await tree.rows();
    // The model row may start collapsed: open it.
    if (!hasFlows(rows) && rows.length > 0) await tree.expand(rows[0].label);
    rows = await rowsUntil('flow rows (entry / middle / exit)', hasFlows);
    const flows = ['entry', 'middle', 'exit'].map((f) => flowRow(rows, f));
    await tree.expand(flows[0].label);
    await rowsUntil('block rows under the entry flow', (r) => r.some((x) => x.label === 'block4'));
    await tree.expand('block4');
    const blockRows = await rowsUntil("block4's layer rows", (r) => r.some((x) => x.label === 'block4_pool'));
    await wb.screenshot(path.join(shots, '02-architecture-tree.png'));
    const layers = blockRows.filter((x) => x.label.startsWith('block4_'));
    for (const name of ['block4_sepconv1', 'block4_sepconv2', 'block4_pool']) assert.ok(layers.some((x) => x.label === name), `block4's rows include ${name}`);
    const sepconv2 = layers.find((x) => x.label === 'block4_sepconv2');
    assert.ok(sepconv2.description.includes(EXPECTED_AT_71.shape), `block4_sepconv2 row shows ${EXPECTED_AT_71.shape}: ${JSON.stringify(sepconv2.description)}`);
    return `${flows.map((f) => `${f.label} (${f.description})`).join('; ')}; block4: ${layers.map((x) => x.label).join(', ')}; block4_sepconv2: ${sepconv2.description}`;
  });

  await check('editor: hovering a layer name in a Python file shows its card', async () => {
    await wb.openFile('xception_features.py');
    const text = await wb.editorHover('block4_sepconv2', { timeout: 30_000, contains: 'block4_sepconv2' });
    await wb.screenshot(path.join(shots, '03-editor-hover.png'));
    assert.ok(text.includes(EXPECTED_AT_71.shape) || text.includes('(None, 9, 9, 728)'), `hover shows the output shape: ${JSON.stringify(text)}`);
    assert.ok(text.includes(EXPECTED_AT_71.macs) || text.includes(EXPECTED_AT_71.macsExact), `hover shows the MACs: ${JSON.stringify(text)}`);
    return JSON.stringify(text.split('\n').slice(0, 3).join(' | '));
  });
}

/** The rendered rows of the Architecture view (a virtualized list: only visible rows exist). */
class ArchitectureTree {
  constructor(page) {
    this.page = page;
    this.pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Architecture' }) }).first();
  }

  /** Visible rows: label, description, aria-expanded ("true" | "false" | null for leaves). */
  rows() {
    return this.pane.locator('.monaco-list-row').evaluateAll((rows) =>
      rows.map((r) => ({
        label: (r.querySelector('.label-name')?.textContent ?? r.textContent ?? '').trim(),
        description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
        expanded: r.getAttribute('aria-expanded'),
      })),
    );
  }

  /** Expands the row labelled exactly `label`, if collapsed. */
  async expand(label) {
    const row = this.pane.locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  }

  /** Collapses the other panes of the container (e.g. Hotspots) so the tree gets the height. */
  async collapseOtherPanes() {
    const headers = this.page.locator('.part.sidebar .pane-header[aria-expanded="true"]');
    for (const header of await headers.all()) {
      if (!(await header.innerText()).includes('Architecture')) await header.click();
    }
  }
}
