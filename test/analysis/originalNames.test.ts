/**
 * The report and the views keep a model file's own layer names, also names that are markup or
 * that TF.js refuses: the analysis reads them from the Keras config, the CSV quotes them, and the
 * Markdown card (editor hover, tree tooltip) escapes them, so they render as text.
 * (The webview draws names with textContent: test/browser/diagram.test.ts, XSS check.)
 */
import { describe, expect, it } from 'vitest';
import { parseCsv, reportToCsv } from '../../src/exporters/csv';
import { layerCardMarkdown } from '../../src/report/layerCard';
import { analyzeSequential, layer } from './helpers';

const MARKUP = 'x<b>&"q"\'';

describe('original layer names', () => {
  const report = analyzeSequential([null, 6, 6, 2], ['Conv2D', { name: MARKUP, filters: 3, kernel_size: 3 }], ['Dense', { name: 'conv 1 café', units: 2 }]);

  it('are the names of the report, with their numbers', () => {
    expect(report.layers.map((l) => l.name)).toEqual(['in', MARKUP, 'conv 1 café']);
    expect(layer(report, MARKUP).macs).toBe(4 * 4 * 3 * 9 * 2);
    expect(layer(report, 'conv 1 café').inbound).toEqual([MARKUP]);
  });

  it('come back exactly from the CSV', () => {
    const rows = parseCsv(reportToCsv(report, 'macs'));
    expect(rows.slice(1).map((r) => r[0])).toEqual(['in', MARKUP, 'conv 1 café']);
  });

  it('are escaped in the Markdown layer card (no raw tag reaches the hover)', () => {
    const md = layerCardMarkdown(report, layer(report, MARKUP), { convention: 'macs' });
    expect(md).not.toContain('<b>');
    expect(md).toContain('x\\<b\\>');
  });
});
