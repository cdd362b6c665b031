/**
 * The last report of a workspace, kept in its storage (`context.workspaceState`) so that a window
 * reload or a restart shows it again in every view, marked with its time and engine. It also
 * records whether live profiling was going on, so that a reload that ended it can say so.
 */
import { isObject } from '../report/guards';
import { isArchitectureReport } from '../report/messages';
import type { ArchitectureReport } from '../report/schema';
import { parseToWorker, PROTOCOL_VERSION, type ProfileJob } from '../worker/protocol';

/** What is stored (format version 1). */
export interface StoredReport {
  report: ArchitectureReport;
  /** The job that produced it (Profile Again, Resume after a reload). */
  job: ProfileJob;
  /** When it was saved, ISO 8601 UTC. */
  savedAt: string;
  /** Live profiling was running or paused when this was saved. */
  liveActive: boolean;
}

/** The part of `vscode.Memento` the store uses. */
export interface Memento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export const STORE_KEY = 'lastReport.v1';
/** Live timings are saved at most this often (each save serialises the whole report), ms. */
export const LIVE_SAVE_INTERVAL_MS = 5000;

/** Validates a stored record; undefined for anything else (an older format, a damaged entry). */
export function parseStoredReport(x: unknown): StoredReport | undefined {
  if (!isObject(x) || !isArchitectureReport(x.report) || typeof x.savedAt !== 'string' || typeof x.liveActive !== 'boolean') return undefined;
  if (!parseToWorker({ protocol: PROTOCOL_VERSION, type: 'start', job: x.job })) return undefined;
  return x as unknown as StoredReport;
}

export class ReportStore {
  private pending: StoredReport | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly memento: Memento) {}

  /** The stored record, if any and valid. */
  load(): StoredReport | undefined {
    return parseStoredReport(this.memento.get<unknown>(STORE_KEY));
  }

  /** Saves at once (state changes: result, pause, done, cancel, failure). */
  save(record: StoredReport): void {
    this.cancelTimer();
    this.pending = undefined;
    void this.memento.update(STORE_KEY, record);
  }

  /** Saves within `LIVE_SAVE_INTERVAL_MS` (live timings: the newest record wins). */
  saveSoon(record: StoredReport): void {
    this.pending = record;
    this.timer ??= setTimeout(() => this.flush(), LIVE_SAVE_INTERVAL_MS);
  }

  /** Clears the live flag of the stored record, keeping its time (a reload's notice is said once). */
  markLiveEnded(): void {
    const stored = this.load();
    if (stored?.liveActive) this.save({ ...stored, liveActive: false });
  }

  /** Writes a pending record now (the window closes). */
  flush(): void {
    this.cancelTimer();
    if (this.pending) this.save(this.pending);
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
