import type {Clock} from '../../src/watch/scheduler.js';

/** A clock that moves only when told; timers fire when it moves past them, in time order. */
export class FakeClock implements Clock {
  private timers: Array<{at: number; fn: () => void}> = [];

  constructor(private t: number) {}

  now = (): number => this.t;

  setTimer = (fn: () => void, ms: number): (() => void) => {
    const timer = {at: this.t + ms, fn};
    this.timers.push(timer);
    return () => void (this.timers = this.timers.filter(t => t !== timer));
  };

  /**
   * Moves to `t` (ms, or an ISO time), firing each timer due by then at its own time; `asleep`:
   * as after a suspended host, the timers due fire late, at `t`.
   */
  moveTo(t: number | string, {asleep = false} = {}): void {
    const target = typeof t === 'string' ? Date.parse(t) : t;
    if (asleep) this.t = target;
    for (;;) {
      const due = this.timers.filter(timer => timer.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter(timer => timer !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = target;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}
