/**
 * "Xception Profiler: Export Profile...": pick a format (JSON report, Chrome trace, CSV, Markdown),
 * pick a file, write the current report (live timings included) in that format.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXPORT_FORMATS, exportFormat, exportFormatForPath, type ExportFormat, type ExportFormatId } from '../exporters/formats';
import type { FlopsConvention } from '../report/flopsConvention';
import type { ArchitectureReport } from '../report/schema';

/** What the command needs from the session. */
export interface ExportSource {
  readonly report: ArchitectureReport | undefined;
  readonly config: { readonly flopsConvention: FlopsConvention };
}

async function pickFormat(): Promise<ExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    EXPORT_FORMATS.map((f) => ({ label: f.label, detail: f.detail, format: f })),
    { title: 'Export Profile', placeHolder: 'Format of the exported file' },
  );
  return picked?.format;
}

/**
 * Runs the export. `formatId` skips the quick pick (for keybindings and tests). The format follows
 * the saved file's extension when it names another format (`.csv`, `.md`, `.trace.json`).
 * @returns the written file, or undefined when cancelled or when there is nothing to export.
 */
export async function exportProfile(source: ExportSource, formatId?: unknown): Promise<vscode.Uri | undefined> {
  const report = source.report;
  if (!report) {
    const choice = await vscode.window.showInformationMessage('Xception Profiler: nothing to export yet. Profile Xception first.', 'Profile Xception');
    if (choice) await vscode.commands.executeCommand('xceptionProfiler.profile');
    return undefined;
  }
  const chosen = typeof formatId === 'string' && EXPORT_FORMATS.some((f) => f.id === formatId) ? exportFormat(formatId as ExportFormatId) : await pickFormat();
  if (!chosen) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({
    title: `Export Profile as ${chosen.label}`,
    saveLabel: 'Export',
    defaultUri: folder ? vscode.Uri.joinPath(folder, chosen.defaultFileName) : undefined,
    filters: { [chosen.filterName]: chosen.extensions, 'All files': ['*'] },
  });
  if (!uri) return undefined;
  const byExtension = exportFormatForPath(uri.path);
  // `.json` fits both the report and the trace: keep the picked one then.
  const format = byExtension && !(byExtension.id === 'json' && chosen.id === 'trace') ? byExtension : chosen;
  let text: string;
  try {
    text = format.render(report, source.config.flopsConvention);
  } catch (error) {
    void vscode.window.showErrorMessage(`Xception Profiler: cannot export ${format.label}: ${(error as Error).message}`);
    return undefined;
  }
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  void vscode.window.showInformationMessage(`Xception Profiler: exported ${format.label} to ${path.basename(uri.path)}.`, 'Open').then((choice) => {
    if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', uri);
  });
  return uri;
}
