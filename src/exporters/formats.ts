/**
 * The export formats of "Xception Profiler: Export Profile..." in one table: id, label, file
 * extension and the function that renders a report. Free of VS Code; the command and the CLI pick
 * from it. (The HTML report needs the webview bundle and lives in `html.ts`.)
 */
import type { FlopsConvention } from '../report/flopsConvention';
import type { ArchitectureReport } from '../report/schema';
import { reportToCsv } from './csv';
import { reportToMarkdown } from './markdown';
import { reportToTrace } from './trace';

export type ExportFormatId = 'json' | 'trace' | 'csv' | 'markdown';

/** One export format. */
export interface ExportFormat {
  id: ExportFormatId;
  /** Quick-pick label. */
  label: string;
  /** One line on what the file is for. */
  detail: string;
  /** Save-dialog filter name and extensions (without dots), first one the default. */
  filterName: string;
  extensions: string[];
  /** Default file name. */
  defaultFileName: string;
  /**
   * Renders the report as file text.
   * @throws Error for a report the format cannot show (a trace of a report without timings).
   */
  render(report: ArchitectureReport, convention: FlopsConvention): string;
}

/** The JSON report exactly as the schema defines it (`schemaVersion` inside), one-space indented. */
export function reportToJson(report: ArchitectureReport): string {
  return JSON.stringify(report, null, 1) + '\n';
}

export const EXPORT_FORMATS: readonly ExportFormat[] = [
  {
    id: 'json',
    label: 'JSON report',
    detail: 'The whole report (schema version 1): shapes, params, MACs, timings, engine, diagnostics',
    filterName: 'JSON report',
    extensions: ['json'],
    defaultFileName: 'xception-profile.json',
    render: (report) => reportToJson(report),
  },
  {
    id: 'trace',
    label: 'Chrome trace (Perfetto, about://tracing)',
    detail: 'One event per layer and per kernel on a timeline of the median run',
    filterName: 'Chrome trace',
    extensions: ['json'],
    defaultFileName: 'xception-profile.trace.json',
    render: (report, convention) => JSON.stringify(reportToTrace(report, convention)) + '\n',
  },
  {
    id: 'csv',
    label: 'CSV (one row per layer)',
    detail: 'Raw numbers for spreadsheets and pandas',
    filterName: 'CSV',
    extensions: ['csv'],
    defaultFileName: 'xception-profile.csv',
    render: (report, convention) => reportToCsv(report, convention),
  },
  {
    id: 'markdown',
    label: 'Markdown summary',
    detail: 'Totals, flows and a per-layer table, for pull requests and notes',
    filterName: 'Markdown',
    extensions: ['md'],
    defaultFileName: 'xception-profile.md',
    render: (report, convention) => reportToMarkdown(report, convention),
  },
];

/** The format of a file name by its extension: `.trace.json` -> trace, `.json`, `.csv`, `.md`; else undefined. */
export function exportFormatForPath(filePath: string): ExportFormat | undefined {
  const lower = filePath.toLowerCase();
  const id: ExportFormatId | undefined = lower.endsWith('.trace.json') || lower.endsWith('.trace')
    ? 'trace'
    : lower.endsWith('.json')
      ? 'json'
      : lower.endsWith('.csv')
        ? 'csv'
        : lower.endsWith('.md') || lower.endsWith('.markdown')
          ? 'markdown'
          : undefined;
  return EXPORT_FORMATS.find((f) => f.id === id);
}

/** The format with this id. */
export function exportFormat(id: ExportFormatId): ExportFormat {
  return EXPORT_FORMATS.find((f) => f.id === id)!;
}
