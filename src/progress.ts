/** What the progress line shows. `total` is unknown (null) when reading stdin. */
export interface ProgressState {
  filesDone: number;
  total: number | null;
  bytes: number;
  events: number;
}

export interface ProgressOptions {
  write(text: string): void;
  /** Clock in ms, for tests. */
  now?: () => number;
  /** Minimum ms between redraws. */
  interval?: number;
  width?: number;
}

/** Carriage return, then erase the whole line. */
const ERASE = '\r\x1b[2K';

/**
 * A live one-line progress display for a terminal: files done/total, MB read, events/s, elapsed
 * and ETA, with a bar when the total is known. Redrawn in place at most every `interval` ms and
 * erased by `done()`. Only created when stderr is a TTY, so logs and pipes never see it.
 */
export function createProgress({write, now = Date.now, interval = 250, width = 24}: ProgressOptions) {
  const started = now();
  // The first update draws at once, whatever the clock reads.
  let last = -Infinity;
  /** The state on screen, or undefined when the line is not drawn. */
  let shown: ProgressState | undefined;
  const render = (s: ProgressState): string => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? s.events / elapsed : 0;
    const parts = [`${s.filesDone}${s.total === null ? '' : `/${s.total}`} files`, `${(s.bytes / 1e6).toFixed(1)} MB`, `${Math.round(rate).toLocaleString('en-US')} events/s`, `${elapsed.toFixed(1)} s`];
    let bar = '';
    if (s.total) {
      const fraction = Math.min(1, s.filesDone / s.total);
      const filled = Math.round(fraction * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `;
      if (fraction > 0 && fraction < 1) parts.push(`ETA ${((elapsed / fraction) * (1 - fraction)).toFixed(0)} s`);
    }
    return bar + parts.join(' | ');
  };
  return {
    update(state: ProgressState): void {
      const t = now();
      if (t - last < interval) return;
      last = t;
      shown = state;
      write(`${ERASE}${render(state)}`);
    },
    /**
     * Prints a log line without gluing it to the progress line: erases the line, calls `print`
     * (which writes the log line and its newline), then draws the progress again below it.
     */
    above(print: () => void): void {
      if (shown === undefined) return print();
      write(ERASE);
      print();
      write(`${ERASE}${render(shown)}`);
    },
    done(): void {
      if (shown !== undefined) write(ERASE);
      shown = undefined;
    },
  };
}


export type Progress = ReturnType<typeof createProgress>;
