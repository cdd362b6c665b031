/**
 * Shared helpers of the integration tests (bundled into each test file). State that must be shared
 * between test files lives in the extension (its Session), never here: each test file is its own
 * bundle with its own copy of this module.
 */
import { isWorking, statusLine } from '../../../src/extension/profilingState';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension/main';
import type { ArchitectureReport, LayerReport } from '../../../src/report/schema';

/** `publisher.name` from package.json. */
export const EXTENSION_ID = 'xception-profiler.xception-profiler';

/**
 * Expected values of `block4_sepconv2` at the test workspace's input size of 71 (hand-computed).
 * Spatial size: 71 -conv 3x3/2 valid-> 35 -conv 3x3 valid-> 33 -pool /2 same-> 17 -> 9 (block4's
 * separable convs run before its pool). MACs (Chollet 2017, depthwise separable conv):
 * depthwise 9*9*728*9 = 530,712 plus pointwise 9*9*728*728 = 42,928,704, total 43,459,416.
 */
export const BLOCK4_SEPCONV2_AT_71 = {
  outputShape: [null, 9, 9, 728],
  shapeText: '9x9x728',
  macs: 43_459_416,
  macsText: '43.5M',
} as const;

/** Activates the extension and returns what `activate()` returned. */
export async function extensionApi(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  const api = await ext.activate();
  assert.ok(api && api.session, 'activate() must return { session } (src/extension/main.ts)');
  return api;
}

/** Rejects with "timed out after N ms waiting for WHAT" unless `promise` settles first. */
export async function within<T>(promise: Thenable<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve(promise), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The session's report with timings, running "Profile Xception" once if there is no such report
 * yet (the test workspace sets input size 71 and few runs).
 */
export async function profiledReport(api: ExtensionApi): Promise<ArchitectureReport> {
  if (!api.session.report?.timing) {
    await within(vscode.commands.executeCommand('xceptionProfiler.profile'), 180_000, '"Profile Xception" to finish');
  }
  const report = api.session.report;
  assert.ok(report?.timing, `"Profile Xception" left no report with timings (state ${api.session.state.phase}: "${statusLine(api.session.state)}")`);
  return report;
}

/** Waits up to 10 s for the session to stop working (its last messages may trail the command). */
export async function settledStatus(api: ExtensionApi): Promise<{ state: string; message: string }> {
  const deadline = Date.now() + 10_000;
  while (isWorking(api.session.state) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return { state: api.session.state.phase, message: statusLine(api.session.state) };
}

/** The named layer of `report`; fails the test when it is absent. */
export function layer(report: ArchitectureReport, name: string): LayerReport {
  const found = report.layers.find((l) => l.name === name);
  assert.ok(found, `layer ${name} is not in the report (${report.layers.length} layers)`);
  return found;
}

/** A file of the test workspace (a temporary copy of test/integration/fixtures/workspace). */
export function workspaceFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open (open a copy of test/integration/fixtures/workspace)');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

/** Plain text of hover contents (MarkdownString, MarkedString or string). */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}
