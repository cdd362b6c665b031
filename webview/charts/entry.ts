/**
 * Entry of `dist/webview-charts.js`: the chart drawers with Observable Plot and its d3 modules,
 * more than half of the webview's code. Kept out of `dist/webview.js` so that the diagram (the
 * first picture) does not wait for them: the panel loads this script when a chart section opens
 * (load.ts); the standalone HTML report inlines it after the main script.
 */
import type { ChartsModule } from './load';
import { rooflineChart } from './rooflineChart';
import { sweepChart } from './sweepChart';

const charts: ChartsModule = { rooflineChart, sweepChart };
window.__xpCharts = charts;
