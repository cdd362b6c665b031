import { describe, expect, it } from 'vitest';
import { FirstPictureTimeline } from '../../src/extension/firstPicture';

/** A clock the test moves by hand (ms since the epoch). */
function fakeClock(start: number): { now: () => number; at: (t: number) => void } {
  let t = start;
  return { now: () => t, at: (next) => (t = next) };
}

describe('FirstPictureTimeline', () => {
  it('logs the host and webview marks in time order, relative to the command, with the total', () => {
    const clock = fakeClock(1_000);
    const timeline = new FirstPictureTimeline(1_000, clock.now);
    clock.at(4_000);
    timeline.start();
    expect(timeline.running).toBe(true);
    clock.at(4_006);
    timeline.mark('panel created');
    clock.at(4_009);
    timeline.mark('HTML set');
    clock.at(4_500);
    timeline.mark('panel created'); // only the first time of a mark counts
    const line = timeline.finish({ type: 'painted', pageAt: 4_100.4, scriptAt: 4_250, reportAt: 4_260, paintedAt: 4_412 });
    expect(line).toBe(
      'first picture: 412 ms from the command to the painted diagram (panel created +6 ms, HTML set +9 ms, webview page started +100 ms, ' +
        'webview script running +250 ms, report in the webview +260 ms, painted +412 ms; command at 4000, 3.0 s after activation)',
    );
    expect(timeline.running).toBe(false);
  });

  it('says nothing for a page that paints without a command (a reload of the webview), and ignores marks then', () => {
    const clock = fakeClock(0);
    const timeline = new FirstPictureTimeline(0, clock.now);
    timeline.mark('ready received');
    expect(timeline.finish({ type: 'painted', pageAt: 1, scriptAt: 2, reportAt: 3, paintedAt: 4 })).toBeUndefined();
    // A second painted message of the same command is not logged twice.
    timeline.start();
    expect(timeline.finish({ type: 'painted', pageAt: 1, scriptAt: 2, reportAt: 3, paintedAt: 4 })).toMatch(/^first picture: 4 ms/);
    expect(timeline.finish({ type: 'painted', pageAt: 1, scriptAt: 2, reportAt: 3, paintedAt: 5 })).toBeUndefined();
  });
});
