// Latency of the extension host side: loading + activating the bundle (target 50 ms, so activation
// never delays VS Code's startup) and answering an editor hover (target 5 ms per hover, so typing
// never waits on it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTextDocument, Position, stub } from '../vscode-stub';
import { LayerHoverProvider } from '../../src/extension/hover';
import { buildExtensionBundle, fakeContext, loadAndActivate } from '../extension/extensionBundle';
import { withTimings, xceptionReport } from '../extension/fixtures';
import { FakeSource } from '../extension/source';
import { judge, median } from './judge';

describe('extension host latency', () => {
  it('load + activate() of the extension bundle: median of 5 cold loads', async () => {
    const code = (await buildExtensionBundle()).outputFiles[0].text;
    const totals: number[] = [];
    for (let i = 0; i < 5; i++) {
      stub.reset();
      const context = fakeContext();
      const { loadMs, activateMs } = loadAndActivate(code, context);
      totals.push(loadMs + activateMs);
      expect(stub.commands.size, 'commands registered').toBeGreaterThan(10);
      for (const d of context.subscriptions) d.dispose();
    }
    judge(`load + activate (${(code.length / 1024).toFixed(0)} KiB bundle), median of 5`, median(totals), 50);
  });

  it('editor hover on a 2,000-line Python file: median and p99 over every line', async () => {
    const provider = new LayerHoverProvider(new FakeSource(withTimings(await xceptionReport())));
    // 2,000 lines: the Keras-style fixture repeated, names and all; a hover on every line, on the
    // layer name where the line has one, else mid-line.
    const fixture = readFileSync(join(__dirname, '..', 'fixtures', 'xception_keras.py'), 'utf8').split('\n');
    const lines: string[] = [];
    while (lines.length < 2000) lines.push(...fixture);
    const doc = createTextDocument(lines.slice(0, 2000).join('\n'), 'python', '/w/big.py');
    const times: number[] = [];
    let shown = 0;
    for (let line = 0; line < 2000; line++) {
      const text = doc.lineAt(line).text;
      const at = text.indexOf('name="');
      const position = new Position(line, at >= 0 ? at + 8 : Math.floor(text.length / 2));
      const t0 = performance.now();
      if (provider.provideHover(doc as never, position as never)) shown++;
      times.push(performance.now() - t0);
    }
    expect(shown).toBeGreaterThan(400);
    times.sort((a, b) => a - b);
    judge('editor hover, median', median(times), 5);
    judge('editor hover, p99', times[Math.floor(times.length * 0.99)], 5);
  });
});
