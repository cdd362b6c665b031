/**
 * What the charts share: VS Code theme colours resolved to concrete values (SVG attributes do not
 * take `var()` reliably, and an exported SVG must not depend on the page's variables), the page's
 * CSP nonce for the `<style>` elements Observable Plot puts in its output, and a re-render hook
 * for theme changes.
 */
import type { RooflineKind } from '../../src/report/schema';

/** The nonce of the script that is running (webview and standalone report both have one). */
const NONCE = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';

/** Reads a CSS variable of the page (VS Code sets them on <html>; styles.css has fallbacks). */
export function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Dot colours per roofline kind: VS Code's chart colours. */
export const KIND_COLORS: Record<Exclude<RooflineKind, 'separable'>, [string, string]> = {
  conv: ['--vscode-charts-red', '#e51400'],
  depthwise: ['--vscode-charts-blue', '#1a85ff'],
  pointwise: ['--vscode-charts-purple', '#652d90'],
  bn: ['--vscode-charts-orange', '#d18616'],
  elementwise: ['--vscode-terminal-ansiCyan', '#0598bc'],
  pool: ['--vscode-charts-green', '#388a34'],
  dense: ['--vscode-charts-foreground', '#616161'],
};

/** Dot shapes per kind (Plot symbol names), so that kinds differ by more than colour. */
export const KIND_SYMBOLS: Record<Exclude<RooflineKind, 'separable'>, string> = {
  conv: 'circle',
  depthwise: 'circle',
  pointwise: 'circle',
  bn: 'square',
  elementwise: 'triangle',
  pool: 'diamond',
  dense: 'star',
};

/** Legend labels of the kinds. */
export const KIND_LABELS: Record<Exclude<RooflineKind, 'separable'>, string> = {
  conv: 'regular conv',
  depthwise: 'depthwise',
  pointwise: 'pointwise (1x1)',
  bn: 'batch norm',
  elementwise: 'element-wise',
  pool: 'pooling',
  dense: 'dense',
};

/** Series colours for line charts, in order. */
export function seriesColors(): string[] {
  return ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'].map((v, i) =>
    cssVar(v, ['#1a85ff', '#d18616', '#388a34', '#652d90', '#e51400', '#bf8803'][i]),
  );
}

/**
 * Makes a Plot output safe under the strict CSP: its `<style>` elements get the page's nonce
 * before they are inserted (without it the browser drops them and reports a violation).
 */
export function withNonce<T extends Element>(node: T): T {
  for (const s of node.querySelectorAll('style')) s.nonce = NONCE;
  if (node instanceof HTMLStyleElement) node.nonce = NONCE;
  return node;
}

/** Calls `render` again when VS Code switches theme (class of <body>, variables on <html>). */
export function onThemeChange(render: () => void): void {
  const observer = new MutationObserver(() => render());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
