/**
 * The standalone HTML report, read as text (the browser suites open it in Chromium): its exact
 * skeleton, the embedded report data, the escaping of inlined code, and the bundle loader.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inlineSafe, jsonForScript, loadWebviewAssets, renderHtmlReport } from '../../src/exporters/html';
import type { ArchitectureReport } from '../../src/report/schema';
import { tinyReport } from './tinyReport';

describe('jsonForScript', () => {
  it('writes <, >, &, U+2028 and U+2029 as \\u escapes that JSON.parse restores', () => {
    const text = 'a<b>c&d\u2028e\u2029f';
    expect(jsonForScript(text)).toBe('"a\\u003cb\\u003ec\\u0026d\\u2028e\\u2029f"');
    expect(JSON.parse(jsonForScript(text))).toBe(text);
  });
});

describe('inlineSafe', () => {
  it('breaks every closing tag of its own element (any case), and only those', () => {
    expect(inlineSafe('x="</script>";y="</SCRIPT";z="</style>"', 'script')).toBe('x="<\\/script>";y="<\\/SCRIPT";z="</style>"');
    expect(inlineSafe('a::after{content:"</style></script>"}', 'style')).toBe('a::after{content:"<\\/style></script>"}');
  });
});

describe('renderHtmlReport', () => {
  const report = tinyReport();
  report.model.name = 'tiny <b>&</b>';

  it('is the documented page: CSP with one nonce, title, app root, report data, inlined code', () => {
    // Each inlined part breaks only the closing tag of its own element.
    const html = renderHtmlReport(report, { js: 'run("</script></b>")', css: 'p::after{content:"</style></b>"}', charts: 'draw("</script></i>")' }, 'tf-profiler');
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(html)![1];
    // 16 random bytes in base64: 24 characters.
    expect(nonce).toHaveLength(24);
    expect(html).toBe(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>tiny &#60;b&#62;&#38;&#60;/b&#62; \u2013 Xception Profiler report</title>
<style nonce="${nonce}">
p::after{content:"<\\/style></b>"}
</style>
</head>
<body>
<div id="app" data-flops-convention="tf-profiler"></div>
<script type="application/json" id="report-data">${jsonForScript(report)}</script>
<script nonce="${nonce}">
run("<\\/script></b>")
</script>
<script nonce="${nonce}">
draw("<\\/script></i>")
</script>
</body>
</html>
`);
  });

  it('embeds the report: parsed back it has conv1 with 3,888 MACs and its 0.5 ms median', () => {
    const html = renderHtmlReport(report, { js: '' });
    const parsed = JSON.parse(/id="report-data">([^<]*)<\/script>/.exec(html)![1]) as ArchitectureReport;
    expect(parsed).toEqual(report);
    expect(parsed.layers[1]).toMatchObject({ name: 'conv1', macs: 3888, timing: { medianMs: 0.5 } });
  });

  it('without styles or charts: no style element, one script; the convention defaults to MACs', () => {
    const html = renderHtmlReport(report, { js: 'app()' });
    expect(html).toContain('</title>\n</head>\n');
    expect(html).not.toContain('<style');
    expect(html.match(/<script nonce=/g)).toHaveLength(1);
    expect(html).toContain('app()\n</script>\n</body>');
    expect(html).toContain('<div id="app" data-flops-convention="macs"></div>');
    expect(/'nonce-([^']+)'/.exec(renderHtmlReport(report, { js: '' }))![1]).not.toBe(/'nonce-([^']+)'/.exec(html)![1]);
  });
});

describe('loadWebviewAssets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xp-html-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the missing bundle and how to build it, then reads what is there', () => {
    expect(() => loadWebviewAssets(dir)).toThrow(`The webview bundle ${join(dir, 'webview.js')} is missing: build it with \`npm run build\` (scripts/build.mjs).`);
    writeFileSync(join(dir, 'webview.js'), 'js');
    expect(loadWebviewAssets(dir)).toEqual({ js: 'js' });
    writeFileSync(join(dir, 'webview-charts.js'), 'charts');
    expect(loadWebviewAssets(dir)).toEqual({ js: 'js', charts: 'charts' });
    writeFileSync(join(dir, 'webview.css'), 'css');
    expect(loadWebviewAssets(dir)).toEqual({ js: 'js', css: 'css', charts: 'charts' });
  });
});
