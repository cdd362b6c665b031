/**
 * The status bar item: the session's state as an icon (a spinner only while the worker computes,
 * a pause sign while live profiling is paused), the engine and the last pass time
 * (`$(pulse) WASM x2 · 432 ms`), a tooltip with the status line and why that engine was chosen,
 * and a click that opens the diagram. Hidden while idle with no report.
 */
import * as vscode from 'vscode';
import { formatMs } from '../report/format';
import { escapeMarkdown } from '../report/layerCard';
import type { ArchitectureReport, EngineInfo } from '../report/schema';
import { passLine, runtimeText } from '../report/viewModel';
import { IDLE, statusBarIcon, statusLine, viewDescription, type ProfilingState } from './profilingState';
import type { ReportSource } from './tree';

/** Short engine label: `TF GPU`, `TF native`, `ORT CPU x2` / `ORT CUDA`, `WASM x2` (threads), `JS CPU`. */
export function engineLabel(engine: EngineInfo): string {
  switch (engine.name) {
    case 'tensorflow-gpu':
      return 'TF GPU';
    case 'tensorflow':
      return 'TF native';
    case 'onnxruntime':
      return engine.gpu ? `ORT ${engine.backend.replace(/^onnxruntime-/, '').toUpperCase()}` : `ORT CPU x${engine.threads}`;
    case 'wasm':
      return `WASM x${engine.threads}`;
    case 'cpu':
      return 'JS CPU';
  }
}

/**
 * Time of one forward pass the item shows, ms: the median of plain `model.predict` when measured
 * (the model's real speed), else the median profiled pass; null before any timing.
 */
export function lastPassMs(report: ArchitectureReport): number | null {
  const t = report.timing;
  const ms = t?.predictMedianMs ?? t?.profiledMedianMs ?? null;
  return ms != null && Number.isFinite(ms) ? ms : null;
}

/**
 * Item text, or undefined while there is nothing to show (idle, no report). The icon is the
 * state's (`statusBarIcon`); the engine and pass time once a report names its engine, else the
 * state in a few words.
 */
export function statusBarText(report: ArchitectureReport | undefined, state: ProfilingState): string | undefined {
  const icon = `$(${statusBarIcon(state)})`;
  if (report?.engine) {
    const ms = lastPassMs(report);
    return `${icon} ${engineLabel(report.engine)}${ms != null ? ` · ${formatMs(ms)}` : ''}`;
  }
  if (state.phase === 'idle') return undefined;
  return `${icon} Xception Profiler: ${viewDescription(state) || state.phase}`;
}

/**
 * Tooltip Markdown: the status line, then engine, package, why it was chosen, what was skipped
 * and why, pass timing.
 */
export function statusBarTooltip(report: ArchitectureReport | undefined, state: ProfilingState = IDLE): string {
  const head = state.phase === 'idle' ? [] : [escapeMarkdown(statusLine(state)), ''];
  const e = report?.engine;
  if (!report || !e) return [...head, 'Click to open the diagram.'].join('\n');
  const details = [`${e.threads} thread${e.threads === 1 ? '' : 's'}`, e.simd ? 'SIMD' : '', e.gpu ? 'GPU' : ''].filter(Boolean).join(', ');
  const lines = [
    ...head,
    `**Xception Profiler engine:** ${escapeMarkdown(e.name)} (${details}), backend \`${e.backend.replace(/`/g, '')}\`, ${escapeMarkdown(e.package)} ${escapeMarkdown(e.version)}`,
    '',
    escapeMarkdown(e.why),
  ];
  if (e.skipped.length) {
    lines.push('', 'Faster engines skipped:');
    for (const s of e.skipped) lines.push(`- ${escapeMarkdown(s.name)}: ${escapeMarkdown(s.reason)}`);
  }
  if (e.runtime) lines.push('', `Runtime: ${escapeMarkdown(runtimeText(e.runtime))}`);
  const t = report.timing;
  if (t) {
    lines.push('', `**Pass:** ${escapeMarkdown(passLine(report, t))}`);
  }
  lines.push('', 'Click to open the diagram.');
  return lines.join('\n');
}

/** Owns the status bar item and keeps it in step with the session. */
export class ProfilerStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly source: ReportSource & { readonly state: ProfilingState }) {
    this.item = vscode.window.createStatusBarItem('xceptionProfiler.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Xception Profiler';
    this.item.command = 'xceptionProfiler.showDiagram';
    this.subscription = source.onDidChange(() => this.update());
    this.update();
  }

  update(): void {
    const report = this.source.report;
    const state = this.source.state;
    const text = statusBarText(report, state);
    if (text === undefined) {
      this.item.hide();
      return;
    }
    this.item.text = text;
    const tooltip = new vscode.MarkdownString(statusBarTooltip(report, state));
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
