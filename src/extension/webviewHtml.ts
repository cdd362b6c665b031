/**
 * The HTML of the diagram webview panel: a pure string builder (no `vscode` import), so that it is
 * testable and shared with nothing else. The page loads only the bundled script and stylesheet,
 * under a strict Content Security Policy: scripts only with the nonce, styles only from the
 * extension (plus CSSOM and constructable stylesheets, which CSP does not block), no network.
 */
import { inlineSafe, jsonForScript, type WebviewAssets } from '../exporters/html';
import { escapeHtml } from '../report/format';
import type { ArchitectureReport } from '../report/schema';

/** Inputs of `webviewHtml`: all produced by the extension host for one panel. */
export interface WebviewHtmlOptions {
  /** `webview.cspSource`: the origin the webview may load local resources from. */
  cspSource: string;
  /** A fresh random nonce (base64) for this page load. */
  nonce: string;
  /** `webview.asWebviewUri(.../dist/webview.js)` as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(.../dist/webview.css)` as a string. */
  styleUri: string;
  /**
   * The bundle's code (`dist/webview.js` and `.css`), inlined under the nonce instead of loaded
   * from `scriptUri` / `styleUri`: in a web workbench each resource is a round trip through the
   * webview's service worker, the window and the remote file system before the first picture.
   */
  inline?: Pick<WebviewAssets, 'js' | 'css'>;
  /** `webview.asWebviewUri(.../dist/webview-charts.js)`: the chart drawers, loaded when a chart opens. */
  chartsUri?: string;
  /**
   * A report to show as soon as the script runs (embedded as JSON data, never as markup), so that
   * the first picture needs no `ready` / `report` round trip with the host.
   */
  report?: ArchitectureReport;
}

/** The Content-Security-Policy of the webview panel. */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/** Returns the complete HTML document of the diagram panel. */
export function webviewHtml(options: WebviewHtmlOptions): string {
  const nonce = escapeHtml(options.nonce);
  const { inline } = options;
  const style = inline
    ? inline.css
      ? `<style nonce="${nonce}">${inlineSafe(inline.css, 'style')}</style>`
      : ''
    : `<link rel="stylesheet" href="${escapeHtml(options.styleUri)}" nonce="${nonce}">`;
  const script = inline ? `<script nonce="${nonce}">${inlineSafe(inline.js, 'script')}</script>` : `<script nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>`;
  const charts = options.chartsUri ? ` data-charts-src="${escapeHtml(options.chartsUri)}"` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(webviewCsp(options.cspSource, options.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${style}
<title>Xception Profiler</title>
</head>
<body>
<div id="app"${charts}></div>
${options.report ? `<script type="application/json" id="report-data">${jsonForScript(options.report)}</script>\n` : ''}${script}
</body>
</html>
`;
}
