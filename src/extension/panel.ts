/**
 * The diagram panel: a webview that renders the session's report. One panel per window. The
 * webview asks for data with a `ready` message (on load, on reload and when restored), and the
 * panel answers with the cached report and status, so hiding and showing it never loses results.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FlopsConvention } from '../report/flopsConvention';
import { type HostMessage, type MetricId, parseWebviewMessage } from '../report/messages';
import type { WebviewAssets } from '../exporters/html';
import type { ArchitectureReport } from '../report/schema';
import { statusLine, type ProfilingState } from './profilingState';
import type { Session, SessionEvent } from './session';
import { webviewHtml } from './webviewHtml';

export const PANEL_VIEW_TYPE = 'xceptionProfiler.diagram';

export class DiagramPanel implements vscode.Disposable {
  private static current: DiagramPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Resolves when the webview has said `ready` at least once (for tests and reveal). */
  private readyResolve!: () => void;
  readonly ready = new Promise<void>((r) => (this.readyResolve = r));
  /** Resolves when the webview has painted its first diagram (its `painted` message). */
  private paintedResolve!: () => void;
  readonly painted = new Promise<void>((r) => (this.paintedResolve = r));
  /** The report embedded in the page's HTML, until the page's first `ready` (not posted again). */
  private embedded: ArchitectureReport | undefined;

  /** Shows the panel (creating it if needed) beside the active editor. */
  static show(session: Session): DiagramPanel {
    if (DiagramPanel.current) {
      DiagramPanel.current.panel.reveal(undefined, true);
      return DiagramPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Xception Profiler', { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, DiagramPanel.options(session));
    DiagramPanel.current = new DiagramPanel(panel, session);
    return DiagramPanel.current;
  }

  /** The open panel, if any. */
  static get instance(): DiagramPanel | undefined {
    return DiagramPanel.current;
  }

  /** Restores a panel after a window reload (WebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, session: Session): void {
    panel.webview.options = DiagramPanel.options(session);
    DiagramPanel.current?.dispose();
    DiagramPanel.current = new DiagramPanel(panel, session);
  }

  private static options(session: Session): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      // Only the extension's own bundle and media may load.
      localResourceRoots: [vscode.Uri.joinPath(session.extensionUri, 'dist'), vscode.Uri.joinPath(session.extensionUri, 'media')],
    };
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly session: Session) {
    session.firstPicture.mark('panel created');
    const webview = panel.webview;
    const dist = vscode.Uri.joinPath(session.extensionUri, 'dist');
    // The report in hand (the precomputed static one of a new run) goes in the HTML: the first
    // picture is painted as soon as the script runs.
    this.embedded = session.report;
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      chartsUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview-charts.js')).toString(),
      inline: bundleCode(dist.fsPath),
      report: this.embedded,
    });
    session.firstPicture.mark('HTML set');
    panel.iconPath = vscode.Uri.joinPath(session.extensionUri, 'media', 'icon.png');
    this.disposables.push(
      panel.onDidDispose(() => {
        // Closing the panel ends live profiling; hiding it only pauses it.
        session.controlLive('stop');
        this.dispose();
      }),
      panel.onDidChangeViewState((e) => session.setPanelVisible(e.webviewPanel.visible)),
      webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      session.onDidChange((e) => this.onSessionEvent(e)),
    );
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private onSessionEvent(event: SessionEvent): void {
    if (event.kind === 'report') this.post({ type: 'report', report: event.report });
    else if (event.kind === 'timings') this.post({ type: 'timings', layers: event.layers, timing: event.timing, run: event.run });
    else this.postState(event.state);
  }

  /** The status line: the same text as every other view (profilingState.ts). */
  private postState(state: ProfilingState): void {
    this.post({ type: 'status', state: state.phase, message: statusLine(state) });
  }

  private onMessage(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.session.output.appendLine(`ignored a malformed message from the diagram: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (message.type) {
      case 'ready': {
        this.session.firstPicture.mark('ready received');
        this.post({ type: 'setConvention', convention: this.session.config.flopsConvention });
        const report = this.session.report;
        // The page shows the report of its HTML already; a later one (or a reloaded page) gets it posted.
        if (report && report !== this.embedded) {
          this.post({ type: 'report', report });
          this.session.firstPicture.mark('report posted');
        }
        this.embedded = undefined;
        this.postState(this.session.state);
        this.readyResolve();
        break;
      }
      case 'painted': {
        const line = this.session.firstPicture.finish(message);
        if (line) this.session.output.appendLine(line);
        this.paintedResolve();
        break;
      }
      case 'select':
        void vscode.commands.executeCommand('xceptionProfiler.revealInTree', message.layer).then(undefined, () => undefined);
        break;
      case 'metricChanged':
        void this.session.setMetric(message.metric);
        break;
      case 'copy':
        void vscode.env.clipboard.writeText(message.text).then(() => vscode.window.setStatusBarMessage('Copied', 2000));
        break;
      case 'save':
        void saveImage(message.format, message.data);
        break;
      case 'sweep':
        void vscode.commands.executeCommand('xceptionProfiler.sweep', `${message.axis}=${message.values.join(',')}`).then(undefined, () => undefined);
        break;
    }
  }

  /** Selects a layer in the diagram and shows its card. */
  reveal(layer: string): void {
    this.panel.reveal(undefined, false);
    this.post({ type: 'reveal', layer });
  }

  /** Counts compute by `convention` in the diagram's cards. */
  setConvention(convention: FlopsConvention): void {
    this.post({ type: 'setConvention', convention });
  }

  /** Colours the diagram by `metric`. */
  setMetric(metric: MetricId): void {
    this.post({ type: 'setMetric', metric });
  }

  dispose(): void {
    if (DiagramPanel.current === this) DiagramPanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

let bundle: Pick<WebviewAssets, 'js' | 'css'> | undefined;

/**
 * The webview bundle's code, read once per extension host (inlined in the panel's HTML); undefined
 * when it cannot be read (the page then loads it by URI).
 */
function bundleCode(distDir: string): Pick<WebviewAssets, 'js' | 'css'> | undefined {
  try {
    bundle ??= { js: readFileSync(join(distDir, 'webview.js'), 'utf8'), css: readFileSync(join(distDir, 'webview.css'), 'utf8') };
  } catch {
    return undefined;
  }
  return bundle;
}

async function saveImage(format: 'svg' | 'png', data: string): Promise<void> {
  const uri = await vscode.window.showSaveDialog({ filters: { [format.toUpperCase()]: [format] }, saveLabel: `Save ${format.toUpperCase()}` });
  if (!uri) return;
  const bytes = format === 'svg' ? Buffer.from(data, 'utf8') : Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64');
  await vscode.workspace.fs.writeFile(uri, bytes);
}
