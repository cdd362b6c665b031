import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonForScript, loadWebviewAssets, renderHtmlReport } from '../../src/exporters/html';
import { webviewCsp, webviewHtml } from '../../src/extension/webviewHtml';
import type { ArchitectureReport } from '../../src/report/schema';

const EVIL = '</script><img src=x onerror=alert(1)>&amp;';
const report = {
  schemaVersion: 1,
  model: { name: EVIL, source: 'test', grouping: 'downsampling', inputShapes: [], outputShapes: [] },
  layers: [],
  blocks: [],
  flows: [],
  totals: {},
  diagnostics: [],
  createdAt: '',
} as unknown as ArchitectureReport;

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(report, { js: 'console.log("</script>")', css: 'body{}' });

  it('embeds the report as JSON no model text can escape from', () => {
    const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
    expect(m).not.toBeNull();
    expect(m![1]).not.toMatch(/[<>&]/);
    expect(JSON.parse(m![1]).model.name).toBe(EVIL);
    expect(jsonForScript('\u2028')).toBe('"\\u2028"');
  });

  it('inlines script and style with one nonce under a strict CSP, and escapes the title', () => {
    const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'`);
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(html).toContain('console.log("<\\/script>")');
    expect(html).not.toContain('<img');
    expect(renderHtmlReport(report, { js: '' })).not.toContain(nonce!); // fresh nonce per file
  });
});

describe('loadWebviewAssets', () => {
  it('names the missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xp-assets-'));
    expect(() => loadWebviewAssets(dir)).toThrow(join(dir, 'webview.js'));
    writeFileSync(join(dir, 'webview.js'), 'js');
    expect(loadWebviewAssets(dir)).toEqual({ js: 'js' });
    writeFileSync(join(dir, 'webview.css'), 'css');
    expect(loadWebviewAssets(dir)).toEqual({ js: 'js', css: 'css' });
  });
});

describe('webviewHtml', () => {
  it('builds the panel page under the strict CSP', () => {
    const html = webviewHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc', scriptUri: 'https://x/webview.js', styleUri: 'https://x/webview.css' });
    expect(webviewCsp('https://x.vscode-cdn.net', 'abc')).toBe(
      "default-src 'none'; img-src https://x.vscode-cdn.net data:; style-src https://x.vscode-cdn.net 'nonce-abc'; script-src 'nonce-abc'; font-src https://x.vscode-cdn.net",
    );
    expect(html).toContain(`content="default-src &#39;none&#39;; img-src https://x.vscode-cdn.net data:`);
    expect(html).toContain('<script nonce="abc" src="https://x/webview.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="https://x/webview.css"');
    expect(html).toContain('<div id="app"></div>');
  });

  it('inlines the bundle under the nonce, names the charts script, embeds the report as JSON data', () => {
    const html = webviewHtml({
      cspSource: 'https://x.vscode-cdn.net',
      nonce: 'abc',
      scriptUri: 'https://x/webview.js',
      styleUri: 'https://x/webview.css',
      inline: { js: 'run("</script>")', css: 'body{}' },
      chartsUri: 'https://x/webview-charts.js?a=1&b=2',
      report,
    });
    expect(html).toContain('<script nonce="abc">run("<\\/script>")</script>');
    expect(html).toContain('<style nonce="abc">body{}</style>');
    expect(html).not.toContain('https://x/webview.js');
    expect(html).not.toContain('https://x/webview.css');
    expect(html).toContain('<div id="app" data-charts-src="https://x/webview-charts.js?a=1&#38;b=2"></div>');
    expect(html).toContain(`<script type="application/json" id="report-data">${jsonForScript(report)}</script>`);
  });
});
