import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, exportFormat, exportFormatForPath } from '../../src/exporters/formats';
import { isArchitectureReport } from '../../src/report/messages';
import { withTimings, xceptionReport } from '../extension/fixtures';

describe('export formats', () => {
  it('the JSON report round-trips and stays a valid schema-1 report', async () => {
    const report = withTimings(await xceptionReport(71));
    const parsed: unknown = JSON.parse(exportFormat('json').render(report, 'macs'));
    expect(isArchitectureReport(parsed)).toBe(true);
    expect(parsed).toEqual(report);
  });

  it('every format renders a timed report', async () => {
    const report = withTimings(await xceptionReport(71));
    for (const f of EXPORT_FORMATS) expect(f.render(report, 'flops').length).toBeGreaterThan(1000);
  });

  it('picks the format from the file extension', () => {
    expect(exportFormatForPath('/x/profile.trace.json')?.id).toBe('trace');
    expect(exportFormatForPath('/x/profile.json')?.id).toBe('json');
    expect(exportFormatForPath('C:\\x\\PROFILE.CSV')?.id).toBe('csv');
    expect(exportFormatForPath('notes.md')?.id).toBe('markdown');
    expect(exportFormatForPath('profile.txt')).toBeUndefined();
  });
});
