/**
 * The standalone HTML report: one offline file holding the webview bundle (script and styles
 * inlined with a nonce), the report as JSON data, and a strict Content Security Policy. Opened in
 * any browser it shows the same diagram as the VS Code panel.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml } from '../report/format';
import type { ArchitectureReport } from '../report/schema';
import { DEFAULTS } from '../report/defaults';
import type { FlopsConvention } from '../report/flopsConvention';

/**
 * The webview bundle's code: `dist/webview.js`, when the bundle has styles `dist/webview.css`, and
 * the chart drawers `dist/webview-charts.js` (a panel loads them on first use; a report inlines them).
 */
export interface WebviewAssets {
  js: string;
  css?: string;
  charts?: string;
}

/**
 * JSON for embedding in `<script type="application/json">`: `<`, `>`, `&` and the line
 * separators U+2028/U+2029 are written as `\uXXXX` escapes, so no model text (a layer named
 * `</script><img ...>`) can close the element or be parsed as markup. `JSON.parse` restores them.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Makes inlined code safe inside `<script>` / `<style>`: no `</script` or `</style` can end it early. */
export function inlineSafe(code: string, tag: 'script' | 'style'): string {
  return code.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
}

/**
 * Renders a self-contained offline HTML report of `report` with the webview bundle `assets`.
 * CSP: `default-src 'none'; img-src data:; style-src 'nonce-N'; script-src 'nonce-N'` (a fresh
 * random nonce per file), so nothing loads from the network and only the inlined code runs.
 */
export function renderHtmlReport(report: ArchitectureReport, assets: WebviewAssets, convention: FlopsConvention = DEFAULTS.flopsConvention): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'`;
  const style = assets.css ? `<style nonce="${nonce}">\n${inlineSafe(assets.css, 'style')}\n</style>\n` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(report.model.name)} \u2013 Xception Profiler report</title>
${style}</head>
<body>
<div id="app" data-flops-convention="${escapeHtml(convention)}"></div>
<script type="application/json" id="report-data">${jsonForScript(report)}</script>
<script nonce="${nonce}">
${inlineSafe(assets.js, 'script')}
</script>
${assets.charts ? `<script nonce="${nonce}">\n${inlineSafe(assets.charts, 'script')}\n</script>\n` : ''}</body>
</html>
`;
}

/**
 * Reads the webview bundle from `distDir` (`webview.js`, and `webview.css` and `webview-charts.js`
 * when present).
 * @throws Error naming the missing file and how to build it.
 */
export function loadWebviewAssets(distDir: string): WebviewAssets {
  const jsPath = join(distDir, 'webview.js');
  if (!existsSync(jsPath)) {
    throw new Error(`The webview bundle ${jsPath} is missing: build it with \`npm run build\` (scripts/build.mjs).`);
  }
  const cssPath = join(distDir, 'webview.css');
  const assets: WebviewAssets = { js: readFileSync(jsPath, 'utf8') };
  if (existsSync(cssPath)) assets.css = readFileSync(cssPath, 'utf8');
  const chartsPath = join(distDir, 'webview-charts.js');
  if (existsSync(chartsPath)) assets.charts = readFileSync(chartsPath, 'utf8');
  return assets;
}
