import { beforeEach, describe, expect, it } from 'vitest';
import { stub } from '../vscode-stub';
import { parseCsv } from '../../src/exporters/csv';
import { exportProfile } from '../../src/extension/exportCommand';
import type { ArchitectureReport } from '../../src/report/schema';
import { withTimings, xceptionReport } from './fixtures';

let timed: ArchitectureReport;
const source = (report?: ArchitectureReport) => ({ report, config: { flopsConvention: 'macs' as const } });

beforeEach(async () => {
  stub.reset();
  timed = withTimings(await xceptionReport(71));
});

describe('Export Profile...', () => {
  it('writes the picked format to the chosen file', async () => {
    stub.quickPickAnswer = 'CSV (one row per layer)';
    stub.saveDialogAnswer = '/out/profile.csv';
    const uri = await exportProfile(source(timed));
    expect(uri?.path).toBe('/out/profile.csv');
    const rows = parseCsv(stub.writtenFiles.get('/out/profile.csv')!);
    expect(rows).toHaveLength(135);
    expect(rows[0][0]).toBe('layer');
    expect(stub.messages.at(-1)).toEqual({ level: 'info', text: 'Xception Profiler: exported CSV (one row per layer) to profile.csv.' });
  });

  it('writes a Chrome trace, also to a plain .json name', async () => {
    stub.quickPickAnswer = 'Chrome trace (Perfetto, about://tracing)';
    stub.saveDialogAnswer = '/out/run.json';
    await exportProfile(source(timed));
    const trace = JSON.parse(stub.writtenFiles.get('/out/run.json')!);
    expect(trace.traceEvents.filter((e: { cat: string }) => e.cat.startsWith('layer,'))).toHaveLength(134);
  });

  it('follows a file extension that names another format', async () => {
    stub.quickPickAnswer = 'JSON report';
    stub.saveDialogAnswer = '/out/summary.md';
    await exportProfile(source(timed));
    expect(stub.writtenFiles.get('/out/summary.md')!.startsWith('# Xception profile\n')).toBe(true);
  });

  it('takes the format as an argument (keybindings)', async () => {
    stub.saveDialogAnswer = '/out/report.json';
    await exportProfile(source(timed), 'json');
    expect(JSON.parse(stub.writtenFiles.get('/out/report.json')!)).toEqual(timed);
  });

  it('writes nothing when a dialog is cancelled', async () => {
    stub.quickPickAnswer = undefined;
    expect(await exportProfile(source(timed))).toBeUndefined();
    stub.quickPickAnswer = 'JSON report';
    stub.saveDialogAnswer = undefined;
    expect(await exportProfile(source(timed))).toBeUndefined();
    expect(stub.writtenFiles.size).toBe(0);
  });

  it('says what is wrong when there is nothing (or nothing timed) to export', async () => {
    expect(await exportProfile(source(undefined))).toBeUndefined();
    expect(stub.messages[0].text).toBe('Xception Profiler: nothing to export yet. Profile Xception first.');
    stub.quickPickAnswer = 'Chrome trace (Perfetto, about://tracing)';
    stub.saveDialogAnswer = '/out/static.trace.json';
    expect(await exportProfile(source(await xceptionReport(71)))).toBeUndefined();
    expect(stub.messages[1]).toEqual({
      level: 'error',
      text: 'Xception Profiler: cannot export Chrome trace (Perfetto, about://tracing): the report has no layer timings to lay out as a trace (it is a static analysis); profile the model first',
    });
    expect(stub.writtenFiles.size).toBe(0);
  });
});
