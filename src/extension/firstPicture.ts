/**
 * The first-picture timeline of a command that opens the diagram ("Profile Xception" in a window
 * with no panel yet): wall-clock marks from the command handler to the webview's first painted
 * diagram, logged as one line of the output channel, which the e2e run reads (test/e2e/checks.mjs)
 * beside its own wall time from the click. Issue 15's target: on screen within 1 s of the command.
 *
 * Times are `Date.now()` ms: the webview (another process) reports its marks on the same machine's
 * clock (`PaintedMessage`). No `vscode` import: testable as it is.
 */
import type { PaintedMessage } from '../report/messages';

/** The extension host's marks, in the order they normally happen. */
export type HostMark = 'static report read' | 'panel created' | 'HTML set' | 'worker forked' | 'ready received' | 'report posted';

/** One command's timeline, from `start` to the webview's `painted` message. */
export class FirstPictureTimeline {
  private commandAt: number | undefined;
  private marks = new Map<string, number>();

  /**
   * @param activatedAt when `activate` ran (ms since the epoch), to say how long before the
   *   command the extension was ready
   * @param now the clock (tests pass a fake one)
   */
  constructor(
    private readonly activatedAt: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A command that will create the panel starts a timeline (replacing one not finished). */
  start(): void {
    this.commandAt = this.now();
    this.marks.clear();
  }

  /** Whether a timeline is waiting for its first picture. */
  get running(): boolean {
    return this.commandAt !== undefined;
  }

  /** Records the first time of `mark` in the running timeline (ignored when none runs). */
  mark(mark: HostMark): void {
    if (this.commandAt !== undefined && !this.marks.has(mark)) this.marks.set(mark, this.now());
  }

  /**
   * Ends the running timeline with the webview's marks and returns its log line, e.g.
   * `first picture: 412 ms from the command to the painted diagram (panel created +6 ms, ...,
   * painted +412 ms; command at 1764531234567, 3.1 s after activation)`; undefined when no
   * timeline runs (a webview that reloads on its own is not a command's first picture).
   */
  finish(painted: PaintedMessage): string | undefined {
    const commandAt = this.commandAt;
    if (commandAt === undefined) return undefined;
    this.commandAt = undefined;
    const all: [string, number][] = [
      ...this.marks,
      ['webview page started', painted.pageAt],
      ['webview script running', painted.scriptAt],
      ['report in the webview', painted.reportAt],
      ['painted', painted.paintedAt],
    ];
    const steps = all
      .filter(([, at]) => Number.isFinite(at))
      .sort((a, b) => a[1] - b[1])
      .map(([name, at]) => `${name} +${Math.round(at - commandAt)} ms`);
    const total = Math.round(painted.paintedAt - commandAt);
    const sinceActivation = ((commandAt - this.activatedAt) / 1000).toFixed(1);
    return `first picture: ${total} ms from the command to the painted diagram (${steps.join(', ')}; command at ${commandAt}, ${sinceActivation} s after activation)`;
  }
}
