import {describe, expect, it} from 'vitest';
import {createProgress, type ProgressState} from '../src/progress.js';

const ERASE = '\r\x1b[2K';

/** A progress line on a fake clock that starts at `start` ms; `writes` collects what it prints. */
function fake(start = 0, interval = 250) {
  let t = start;
  const writes: string[] = [];
  const progress = createProgress({write: text => void writes.push(text), now: () => t, interval, width: 10});
  return {progress, writes, tick: (ms: number) => void (t += ms)};
}

const state = (filesDone: number, total: number | null, extra: Partial<ProgressState> = {}): ProgressState => ({filesDone, total, bytes: 0, events: 0, ...extra});

describe('createProgress', () => {
  it('draws the first update at once, even on a clock that starts at 0', () => {
    const {progress, writes} = fake(0);
    progress.update(state(1, 10));
    expect(writes).toHaveLength(1);
    expect(writes[0].startsWith(ERASE)).toBe(true);
  });

  it('redraws at most once per interval', () => {
    const {progress, writes, tick} = fake(5_000, 250);
    const drawnAt: number[] = [];
    let now = 0;
    for (const step of [0, 100, 100, 60, 40, 220, 1]) {
      tick(step);
      now += step;
      const before = writes.length;
      progress.update(state(1, 10));
      if (writes.length > before) drawnAt.push(now);
    }
    expect(drawnAt).toEqual([0, 260, 520]);
  });

  it('shows files done/total, MB, events/s, elapsed, a bar and the ETA', () => {
    const {progress, writes, tick} = fake(1_000);
    tick(10_000);
    progress.update(state(5, 10, {bytes: 12_345_678, events: 25_000}));
    expect(writes[0]).toBe(`${ERASE}[#####.....] 5/10 files | 12.3 MB | 2,500 events/s | 10.0 s | ETA 10 s`);
  });

  it('shows no bar and no ETA when the total is unknown (stdin)', () => {
    const {progress, writes, tick} = fake();
    tick(2_000);
    progress.update(state(3, null, {events: 10}));
    expect(writes[0]).toBe(`${ERASE}3 files | 0.0 MB | 5 events/s | 2.0 s`);
  });

  it('shows no ETA before the first file and once all are done', () => {
    const {progress, writes, tick} = fake();
    progress.update(state(0, 4));
    tick(1_000);
    progress.update(state(4, 4));
    expect(writes.map(w => w.includes('ETA'))).toEqual([false, false]);
    expect(writes[1]).toContain('[##########] 4/4 files');
  });

  it('erases the line when done, once, and only if it drew', () => {
    const quiet = fake();
    quiet.progress.done();
    expect(quiet.writes).toEqual([]);
    const {progress, writes} = fake();
    progress.update(state(1, 2));
    progress.done();
    progress.done();
    expect(writes.slice(1)).toEqual([ERASE]);
  });

  it('prints a log line above the progress line: erase, the line, then the progress again', () => {
    const {progress, writes} = fake();
    progress.above(() => void writes.push('before any progress\n'));
    expect(writes).toEqual(['before any progress\n']);
    progress.update(state(1, 2));
    progress.above(() => void writes.push('warn: x\n'));
    expect(writes.slice(2)).toEqual([ERASE, 'warn: x\n', writes[1]]);
    progress.done();
    progress.above(() => void writes.push('after\n'));
    expect(writes.slice(5)).toEqual([ERASE, 'after\n']);
  });
});
