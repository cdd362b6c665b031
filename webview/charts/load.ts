/**
 * Loads the chart drawers (`dist/webview-charts.js`, entry.ts) on first use. The main bundle
 * holds no Plot code: the diagram is painted before any chart code is fetched or run. The script
 * is found at `#app`'s `data-charts-src` (the VS Code panel, whose main script is inlined), else
 * beside the main script (`webview.js` -> `webview-charts.js`), and carries the main script's
 * CSP nonce; in the standalone HTML report it is inlined, so it is there already.
 */
import type { ArchitectureReport, SweepReport } from '../../src/report/schema';

/** What the charts bundle provides (rooflineChart.ts, sweepChart.ts). */
export interface ChartsModule {
  rooflineChart(report: ArchitectureReport, width: number): SVGSVGElement | undefined;
  sweepChart(sweep: SweepReport, width: number): SVGSVGElement | undefined;
}

declare global {
  interface Window {
    /** Set by `dist/webview-charts.js` when it runs. */
    __xpCharts?: ChartsModule;
  }
}

/** The main script, seen while it runs (undefined later): where and with which nonce to load the charts. */
const mainScript = document.currentScript as HTMLScriptElement | null;
const CHARTS_FILE = 'webview-charts.js';
let loading: Promise<ChartsModule> | undefined;

/**
 * The charts module, loaded once.
 * @throws (rejects) when the script cannot be loaded or did not define the module
 */
export function loadCharts(): Promise<ChartsModule> {
  if (window.__xpCharts) return Promise.resolve(window.__xpCharts);
  loading ??= new Promise<ChartsModule>((resolve, reject) => {
    const src = document.getElementById('app')?.dataset.chartsSrc || (mainScript?.src ? new URL(CHARTS_FILE, mainScript.src).href : '');
    if (!src) {
      reject(new Error(`${CHARTS_FILE} is not in this page`));
      return;
    }
    const script = document.createElement('script');
    script.nonce = mainScript?.nonce ?? '';
    script.src = src;
    script.onload = () => (window.__xpCharts ? resolve(window.__xpCharts) : reject(new Error(`${CHARTS_FILE} defined no charts`)));
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
  loading.catch(() => (loading = undefined));
  return loading;
}
