/**
 * The webview's link to its host: VS Code (`acquireVsCodeApi`: postMessage, getState/setState)
 * or, in the standalone HTML report, the page itself (the report comes from the
 * `#report-data` JSON element; copy and save are done locally).
 */
import type { ArchitectureReport } from '../src/report/schema';
import { isArchitectureReport, isMetricId, type MetricId, type WebviewMessage } from '../src/report/messages';

/** What survives a webview reload (VS Code keeps it while the panel lives). */
export interface PersistedState {
  metric: MetricId;
  collapseMiddle: boolean;
  /**
   * Blocks shown open (their layers); the others are summary rows. `'all'`: every layer. None
   * at first: the whole model readable at 100 % (webview/layout.ts).
   */
  openBlocks: string[] | 'all';
  selected?: string;
  report?: ArchitectureReport;
}

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Provided by VS Code in webviews only.
  function acquireVsCodeApi(): VsCodeApi;
}

/** The host as the app sees it. */
export interface Host {
  /** True inside a VS Code webview. */
  readonly inVsCode: boolean;
  /** Sends a message to the host (no-op for messages the standalone page handles itself). */
  post(msg: WebviewMessage): void;
  /** The persisted state, validated; defaults when none. */
  load(): PersistedState;
  /** Persists the state (debounced: timings may arrive many times a second). */
  save(state: PersistedState): void;
  /** The report embedded in the page (standalone HTML report), if any. */
  embeddedReport(): ArchitectureReport | undefined;
}

const DEFAULTS: PersistedState = { metric: 'medianMs', collapseMiddle: true, openBlocks: [] };

function validState(x: unknown): PersistedState {
  if (typeof x !== 'object' || x === null) return { ...DEFAULTS };
  const o = x as Record<string, unknown>;
  const s: PersistedState = {
    metric: isMetricId(o.metric) ? o.metric : DEFAULTS.metric,
    collapseMiddle: typeof o.collapseMiddle === 'boolean' ? o.collapseMiddle : DEFAULTS.collapseMiddle,
    openBlocks: o.openBlocks === 'all' ? 'all' : Array.isArray(o.openBlocks) ? o.openBlocks.filter((b): b is string => typeof b === 'string') : [],
  };
  if (typeof o.selected === 'string') s.selected = o.selected;
  if (isArchitectureReport(o.report)) s.report = o.report;
  return s;
}

/** Downloads a data or blob URL as a file (standalone page). */
function download(url: string, filename: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Creates the host link for the current page. */
export function createHost(): Host {
  const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: PersistedState | undefined;
  return {
    inVsCode: vscode !== undefined,
    post(msg) {
      if (vscode) {
        vscode.postMessage(msg);
        return;
      }
      // Standalone page: do it here.
      if (msg.type === 'copy') {
        void navigator.clipboard?.writeText(msg.text).catch((e: unknown) => console.warn('copy failed', e));
      } else if (msg.type === 'save') {
        if (msg.format === 'png') download(msg.data, 'xception-diagram.png');
        else {
          const url = URL.createObjectURL(new Blob([msg.data], { type: 'image/svg+xml' }));
          download(url, 'xception-diagram.svg');
          setTimeout(() => URL.revokeObjectURL(url), 10_000);
        }
      }
    },
    load() {
      return validState(vscode?.getState());
    },
    save(state) {
      if (!vscode) return;
      pending = state;
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (pending) vscode.setState(pending);
      }, 300);
    },
    embeddedReport() {
      const el = document.getElementById('report-data');
      if (!el?.textContent) return undefined;
      try {
        const r: unknown = JSON.parse(el.textContent);
        if (isArchitectureReport(r)) return r;
        console.error('report-data: not a schema-1 ArchitectureReport');
      } catch (e) {
        console.error('report-data: invalid JSON', e);
      }
      return undefined;
    },
  };
}
