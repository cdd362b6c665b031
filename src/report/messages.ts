/**
 * Messages between the extension host (or any host page) and the report webview.
 *
 * Both sides validate what they receive with `parseHostMessage` / `parseWebviewMessage`: a
 * malformed or unknown message parses to `undefined`, and the caller logs and ignores it (a
 * webview is a separate, less trusted context, and old/new versions may meet across reloads).
 *
 * No runtime dependencies: the webview bundle imports this module.
 */
import { isFlopsConvention, type FlopsConvention } from './flopsConvention';
import { isObject } from './guards';
import type { ArchitectureReport, EngineInfo, KernelTiming, LayerTiming, PassTiming } from './schema';

/** Metrics the diagram can colour layers by. */
export type MetricId = 'medianMs' | 'macs' | 'params' | 'activationBytes' | 'gflops';

/** All metric ids, in the order the metric picker lists them. */
export const METRIC_IDS: readonly MetricId[] = ['medianMs', 'macs', 'params', 'activationBytes', 'gflops'];

/**
 * Phase of a profiling session (the extension's state machine, src/extension/profilingState.ts),
 * as the webview's status line shows it: `building` (engine and model), `analysing` (static
 * analysis), `timing` (warm-up and timed passes), `live-running` / `live-paused` (background
 * passes after the result), then `done`, `cancelled` or `failed`.
 */
export type SessionState = 'idle' | 'building' | 'analysing' | 'timing' | 'live-running' | 'live-paused' | 'done' | 'cancelled' | 'failed';

/** Every session phase, in the order a run goes through them. */
export const SESSION_STATES: readonly SessionState[] = ['idle', 'building', 'analysing', 'timing', 'live-running', 'live-paused', 'done', 'cancelled', 'failed'];

/** Host -> webview: a whole report to render (replaces the current one; re-layouts). */
export interface ReportMessage {
  type: 'report';
  report: ArchitectureReport;
}

/**
 * Host -> webview: measured timings to merge into the current report, updated in place (no
 * re-layout). Sent once per timed run while profiling; `run` is the 1-based run index the
 * statistics cover so far.
 */
export interface TimingsMessage {
  type: 'timings';
  /** Layer name -> timing; layers not listed keep their previous timing. */
  layers: Record<string, LayerTiming>;
  /** Whole-pass timing so far. */
  timing?: PassTiming;
  /** Engine that measured the timings. */
  engine?: EngineInfo;
  /** Timed runs completed so far (>= 0). */
  run: number;
}

/** Host -> webview: session state and a one-line human-readable message. */
export interface StatusMessage {
  type: 'status';
  state: SessionState;
  message: string;
}

/** Host -> webview: scroll to, select and show the hover card of a layer (e.g. from the tree). */
export interface RevealMessage {
  type: 'reveal';
  layer: string;
}

/** Host -> webview: colour layers by this metric (e.g. from a setting or a command). */
export interface SetMetricMessage {
  type: 'setMetric';
  metric: MetricId;
}

/** Host -> webview: count compute by this convention (the `flopsConvention` setting). */
export interface SetConventionMessage {
  type: 'setConvention';
  convention: FlopsConvention;
}

/** Anything the host may send to the webview. */
export type HostMessage = ReportMessage | TimingsMessage | StatusMessage | RevealMessage | SetMetricMessage | SetConventionMessage;

/** Webview -> host: the webview has loaded its script and listens (send the report now). */
export interface ReadyMessage {
  type: 'ready';
}

/** Webview -> host: the user clicked (selected) a layer. */
export interface SelectMessage {
  type: 'select';
  layer: string;
}

/** Webview -> host: the user picked another colour metric (the host may persist it). */
export interface MetricChangedMessage {
  type: 'metricChanged';
  metric: MetricId;
}

/** Webview -> host: put this text on the clipboard (webviews may lack clipboard access). */
export interface CopyMessage {
  type: 'copy';
  text: string;
}

/**
 * Webview -> host: save an exported picture. `data` is the SVG document text for `svg`, and a
 * `data:image/png;base64,...` URL for `png`.
 */
export interface SaveMessage {
  type: 'save';
  format: 'svg' | 'png';
  data: string;
}

/** Webview -> host: run a scaling sweep (src/profiler/sweep.ts) at these batch or input sizes. */
export interface SweepRequestMessage {
  type: 'sweep';
  axis: 'batch' | 'input';
  values: number[];
}

/**
 * Webview -> host: the first diagram of this page load is on screen. Wall-clock times in ms since
 * the epoch (`Date.now()`: the host runs on the same machine's clock), for the first-picture
 * timeline the host logs (src/extension/firstPicture.ts).
 */
export interface PaintedMessage {
  type: 'painted';
  /** When the webview's page started loading (`performance.timeOrigin`). */
  pageAt: number;
  /** When the webview script started running. */
  scriptAt: number;
  /** When the first report was in the page (embedded in its HTML or received as a message). */
  reportAt: number;
  /** When that report's diagram was painted (the frame after it was rendered). */
  paintedAt: number;
}

/** Anything the webview may send to the host. */
export type WebviewMessage = ReadyMessage | SelectMessage | MetricChangedMessage | CopyMessage | SaveMessage | SweepRequestMessage | PaintedMessage;


/** A number (NaN allowed: views show it as "n/a") or null. */
function isNumOrNull(x: unknown): x is number | null {
  return x === null || typeof x === 'number';
}

/** True for a known metric id. */
export function isMetricId(x: unknown): x is MetricId {
  return typeof x === 'string' && (METRIC_IDS as readonly string[]).includes(x);
}

/** Absent, or a string (an optional text field such as `naReason`). */
function isOptionalString(x: unknown): boolean {
  return x === undefined || typeof x === 'string';
}

function isKernelTiming(x: unknown): x is KernelTiming {
  return isObject(x) && typeof x.name === 'string' && isNumOrNull(x.medianMs) && typeof x.calls === 'number' && isOptionalString(x.naReason);
}

/** True when `x` has the shape of a `LayerTiming` (every field checked, kernels included). */
export function isLayerTiming(x: unknown): x is LayerTiming {
  return (
    isObject(x) &&
    isNumOrNull(x.medianMs) &&
    isNumOrNull(x.minMs) &&
    isNumOrNull(x.p90Ms) &&
    typeof x.runs === 'number' &&
    isOptionalString(x.naReason) &&
    Array.isArray(x.kernels) &&
    x.kernels.every(isKernelTiming)
  );
}

function isPassTiming(x: unknown): x is PassTiming {
  return (
    isObject(x) &&
    typeof x.warmupRuns === 'number' &&
    typeof x.timedRuns === 'number' &&
    typeof x.batchSize === 'number' &&
    isNumOrNull(x.predictMedianMs) &&
    isNumOrNull(x.profiledMedianMs) &&
    isNumOrNull(x.layerSumMs) &&
    isNumOrNull(x.overheadRatio)
  );
}

function isEngineInfo(x: unknown): x is EngineInfo {
  return (
    isObject(x) &&
    typeof x.name === 'string' &&
    typeof x.backend === 'string' &&
    typeof x.package === 'string' &&
    typeof x.version === 'string' &&
    typeof x.threads === 'number' &&
    typeof x.why === 'string' &&
    Array.isArray(x.skipped)
  );
}

function isGroup(x: unknown): boolean {
  return (
    isObject(x) &&
    typeof x.name === 'string' &&
    typeof x.flow === 'string' &&
    Array.isArray(x.layers) &&
    x.layers.every((n) => typeof n === 'string') &&
    isObject(x.totals)
  );
}

function isLayer(x: unknown): boolean {
  return (
    isObject(x) &&
    typeof x.name === 'string' &&
    typeof x.className === 'string' &&
    typeof x.flow === 'string' &&
    typeof x.block === 'string' &&
    Array.isArray(x.inbound) &&
    Array.isArray(x.outputShape) &&
    isObject(x.params) &&
    typeof x.macs === 'number' &&
    (x.timing === undefined || isLayerTiming(x.timing))
  );
}

/**
 * True when `x` looks like an `ArchitectureReport` of schema version 1: the fields the views read
 * are checked (layers, blocks, flows, totals, model), not every number.
 */
export function isArchitectureReport(x: unknown): x is ArchitectureReport {
  return (
    isObject(x) &&
    x.schemaVersion === 1 &&
    isObject(x.model) &&
    typeof x.model.name === 'string' &&
    typeof x.model.grouping === 'string' &&
    Array.isArray(x.layers) &&
    x.layers.every(isLayer) &&
    Array.isArray(x.blocks) &&
    x.blocks.every(isGroup) &&
    Array.isArray(x.flows) &&
    x.flows.every(isGroup) &&
    isObject(x.totals) &&
    Array.isArray(x.diagnostics) &&
    (x.timing === undefined || isPassTiming(x.timing)) &&
    (x.engine === undefined || isEngineInfo(x.engine))
  );
}


/**
 * Validates a message received by the webview. Returns it typed, or `undefined` when it is not a
 * well-formed `HostMessage` (unknown type, missing or mistyped fields). Never throws.
 */
export function parseHostMessage(x: unknown): HostMessage | undefined {
  if (!isObject(x)) return undefined;
  switch (x.type) {
    case 'report':
      return isArchitectureReport(x.report) ? { type: 'report', report: x.report } : undefined;
    case 'timings': {
      const layers = x.layers;
      if (!isObject(layers) || !Object.values(layers).every(isLayerTiming)) return undefined;
      if (typeof x.run !== 'number' || !(x.run >= 0)) return undefined;
      if (x.timing !== undefined && !isPassTiming(x.timing)) return undefined;
      if (x.engine !== undefined && !isEngineInfo(x.engine)) return undefined;
      const msg: TimingsMessage = { type: 'timings', layers: layers as Record<string, LayerTiming>, run: x.run };
      if (x.timing !== undefined) msg.timing = x.timing;
      if (x.engine !== undefined) msg.engine = x.engine;
      return msg;
    }
    case 'status':
      return typeof x.state === 'string' &&
        (SESSION_STATES as readonly string[]).includes(x.state) &&
        typeof x.message === 'string'
        ? { type: 'status', state: x.state as SessionState, message: x.message }
        : undefined;
    case 'reveal':
      return typeof x.layer === 'string' ? { type: 'reveal', layer: x.layer } : undefined;
    case 'setMetric':
      return isMetricId(x.metric) ? { type: 'setMetric', metric: x.metric } : undefined;
    case 'setConvention':
      return isFlopsConvention(x.convention) ? { type: 'setConvention', convention: x.convention } : undefined;
    default:
      return undefined;
  }
}

/**
 * Validates a message received by the host from the webview. Returns it typed, or `undefined`
 * when it is not a well-formed `WebviewMessage`. Never throws.
 */
export function parseWebviewMessage(x: unknown): WebviewMessage | undefined {
  if (!isObject(x)) return undefined;
  switch (x.type) {
    case 'ready':
      return { type: 'ready' };
    case 'select':
      return typeof x.layer === 'string' ? { type: 'select', layer: x.layer } : undefined;
    case 'metricChanged':
      return isMetricId(x.metric) ? { type: 'metricChanged', metric: x.metric } : undefined;
    case 'copy':
      return typeof x.text === 'string' ? { type: 'copy', text: x.text } : undefined;
    case 'save':
      return (x.format === 'svg' || x.format === 'png') && typeof x.data === 'string'
        ? { type: 'save', format: x.format, data: x.data }
        : undefined;
    case 'painted':
      return [x.pageAt, x.scriptAt, x.reportAt, x.paintedAt].every((t) => typeof t === 'number' && Number.isFinite(t))
        ? { type: 'painted', pageAt: x.pageAt as number, scriptAt: x.scriptAt as number, reportAt: x.reportAt as number, paintedAt: x.paintedAt as number }
        : undefined;
    case 'sweep':
      return (x.axis === 'batch' || x.axis === 'input') && Array.isArray(x.values) && x.values.length <= 16 && x.values.every((v) => Number.isInteger(v) && (v as number) > 0)
        ? { type: 'sweep', axis: x.axis, values: x.values as number[] }
        : undefined;
    default:
      return undefined;
  }
}
