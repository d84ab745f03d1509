/** Time as the scheduler sees it; tests pass a clock they move by hand. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` after `ms`; returns what cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export const HOUR_MS = 3_600_000;

/** How a rollup ended: its hours are done, to be retried, or abandoned because the process stops. */
export type RollupOutcome = 'ok' | 'failed' | 'interrupted';

/** One finished rollup. Hours are numbered from the epoch: hour h is [h h, (h+1) h) UTC. */
export interface RollupReport {
  hours: number[];
  outcome: RollupOutcome;
  startedAt: number;
  endedAt: number;
}

export interface SchedulerOptions {
  clock?: Clock;
  /** The minute past each hour at which the hour just completed is rolled up. */
  atMinute: number;
  /** Completed hours before start-up rolled up at once. */
  backfillHours: number;
  /** Rolls up these hours (ascending) in one pass. Should not throw; a throw counts as 'failed'. */
  rollup(hours: number[]): Promise<RollupOutcome>;
  onRollup?(report: RollupReport): void;
}

/**
 * When to roll up which hours: the backfill at start-up, then at :MM past every hour the hour just
 * completed, one rollup at a time. Hours are owed until a rollup of them succeeds: a tick that
 * comes while a rollup runs, or several missed in a sleep, are coalesced into one rollup of every
 * hour owed, and the hours of a failed rollup are owed again, so they go with the next tick.
 */
export class HourlyScheduler {
  private readonly clock: Clock;
  /** Hours owed, not yet in a rollup. */
  private readonly owed = new Set<number>();
  /** The hours of the rollup in flight. */
  private inFlight: number[] = [];
  private running: Promise<void> | undefined;
  private startedAt = 0;
  /** A tick came while a rollup ran: roll up again as soon as it ends. */
  private tickWaiting = false;
  /** The last hour handed to `owed` (every hour up to it was owed once). */
  private queuedUpTo = -Infinity;
  private cancelTimer: (() => void) | undefined;
  private stopped = false;
  /** When the next tick is due (ms). */
  nextTickAt = 0;
  last: RollupReport | undefined;
  lastSuccessAt: number | undefined;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Owes the backfill hours, starts rolling them up, and arms the first tick. */
  start(): void {
    const current = Math.floor(this.clock.now() / HOUR_MS);
    for (let hour = current - this.options.backfillHours; hour < current; hour++) this.owed.add(hour);
    this.queuedUpTo = current - 1;
    this.arm();
    this.launch();
  }

  /** Stops ticking and waits for the rollup in flight (the caller aborts it, if it should not finish). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    await this.running;
  }

  /** Hours completed and due that no rollup has yet succeeded for (in flight included). */
  hoursBehind(): number {
    return this.owed.size + this.inFlight.length + Math.max(0, this.lastDueHour() - this.queuedUpTo);
  }

  /** The hours owed and in flight, ascending. */
  hoursOwed(): number[] {
    return [...this.inFlight, ...this.owed].sort((a, b) => a - b);
  }

  /** When the rollup in flight started, if one is. */
  get busySince(): number | undefined {
    return this.running ? this.startedAt : undefined;
  }

  private tick(): void {
    this.arm();
    if (this.running) this.tickWaiting = true;
    else this.launch();
  }

  /** The next :MM strictly after now. */
  private arm(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    let at = Math.floor(now / HOUR_MS) * HOUR_MS + this.options.atMinute * 60_000;
    if (at <= now) at += HOUR_MS;
    this.nextTickAt = at;
    this.cancelTimer = this.clock.setTimer(() => this.tick(), at - now);
  }

  /** The last hour whose tick time has passed: hour h is due at (h + 1) h + MM min. */
  private lastDueHour(): number {
    return Math.floor((this.clock.now() - this.options.atMinute * 60_000) / HOUR_MS) - 1;
  }

  private launch(): void {
    if (this.stopped) return;
    for (let hour = this.queuedUpTo + 1; hour <= this.lastDueHour(); hour++) this.owed.add(hour);
    this.queuedUpTo = Math.max(this.queuedUpTo, this.lastDueHour());
    if (this.owed.size === 0) return;
    const hours = [...this.owed].sort((a, b) => a - b);
    this.owed.clear();
    this.inFlight = hours;
    this.startedAt = this.clock.now();
    this.running = this.runRollup(hours);
  }

  private async runRollup(hours: number[]): Promise<void> {
    let outcome: RollupOutcome;
    try {
      outcome = await this.options.rollup(hours);
    } catch {
      outcome = 'failed';
    }
    const report: RollupReport = {hours, outcome, startedAt: this.startedAt, endedAt: this.clock.now()};
    this.inFlight = [];
    if (outcome === 'ok') this.lastSuccessAt = report.endedAt;
    else for (const hour of hours) this.owed.add(hour);
    this.last = report;
    this.running = undefined;
    this.options.onRollup?.(report);
    if (this.tickWaiting) {
      this.tickWaiting = false;
      this.launch();
    }
  }
}
