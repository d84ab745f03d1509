import {Counter, Gauge, Histogram, Registry, collectDefaultMetrics} from 'prom-client';
import type {RunCounts} from '../reporter.js';
import {HOUR_MS, type Clock, type HourlyScheduler, type RollupReport} from './scheduler.js';

/** How late a tick may be before the watcher is unhealthy (the event loop stalled, or the host slept). */
const TICK_GRACE_MS = 2 * 60_000;

/** What /healthz answers: 200 with `ok` true, else 503; the body says why. */
export interface Health {
  ok: boolean;
  status: 'ok' | 'starting' | 'failing' | 'late';
  reason?: string;
  lastRollup?: {outcome: string; hours: string[]; endedAt: string};
  lastSuccessAt?: string;
  nextTickAt: string;
  hoursBehind: number;
  hoursOwed: string[];
}

/**
 * The watcher's metrics (prom-client, in a registry of its own) and its health, both read from the
 * scheduler and the rollups' counts.
 */
export class WatchStatus {
  readonly registry = new Registry();
  private readonly rollups: Counter<'outcome'>;
  private readonly duration: Histogram<'outcome'>;
  private readonly files: Counter<'kind'>;

  constructor(
    private readonly scheduler: HourlyScheduler,
    private readonly clock: Clock,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({register: this.registry, prefix: 'kpi_stream_'});
    this.rollups = new Counter({name: 'kpi_stream_rollups_total', help: 'Rollups by outcome (ok, failed, interrupted)', labelNames: ['outcome'], registers});
    this.duration = new Histogram({
      name: 'kpi_stream_rollup_duration_seconds',
      help: 'How long a rollup took',
      labelNames: ['outcome'],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
      registers,
    });
    this.files = new Counter({name: 'kpi_stream_files_total', help: 'Session files by what became of them: read (parsed or from the cache), from_cache, skipped, failed', labelNames: ['kind'], registers});
    new Gauge({
      name: 'kpi_stream_hours_behind',
      help: 'Completed hours due that no rollup has succeeded for yet',
      registers,
      collect() {
        this.set(scheduler.hoursBehind());
      },
    });
    new Gauge({
      name: 'kpi_stream_last_success_timestamp_seconds',
      help: 'When the last successful rollup ended (0: none yet)',
      registers,
      collect() {
        this.set((scheduler.lastSuccessAt ?? 0) / 1000);
      },
    });
    for (const outcome of ['ok', 'failed', 'interrupted']) this.rollups.inc({outcome}, 0);
  }

  /** Counts a finished rollup and the files it went through. */
  record(report: RollupReport, counts: RunCounts): void {
    this.rollups.inc({outcome: report.outcome});
    this.duration.observe({outcome: report.outcome}, (report.endedAt - report.startedAt) / 1000);
    this.files.inc({kind: 'read'}, counts.filesRead);
    this.files.inc({kind: 'from_cache'}, counts.filesFromCache ?? 0);
    this.files.inc({kind: 'skipped'}, counts.filesSkipped);
    this.files.inc({kind: 'failed'}, counts.filesFailed);
  }

  /** Healthy while the last rollup succeeded and the next tick is not overdue. */
  health(): Health {
    const s = this.scheduler;
    const now = this.clock.now();
    const body = {
      nextTickAt: new Date(s.nextTickAt).toISOString(),
      hoursBehind: s.hoursBehind(),
      hoursOwed: s.hoursOwed().map(hourLabel),
      ...(s.last && {lastRollup: {outcome: s.last.outcome, hours: s.last.hours.map(hourLabel), endedAt: new Date(s.last.endedAt).toISOString()}}),
      ...(s.lastSuccessAt !== undefined && {lastSuccessAt: new Date(s.lastSuccessAt).toISOString()}),
    };
    if (now > s.nextTickAt + TICK_GRACE_MS) return {ok: false, status: 'late', reason: 'the tick is overdue: the process stalled or the host slept', ...body};
    const busy = s.busySince;
    if (busy !== undefined && now - busy > HOUR_MS) return {ok: false, status: 'late', reason: 'a rollup has run for more than an hour: the next one cannot start on time', ...body};
    if (!s.last) return {ok: false, status: 'starting', reason: 'the start-up rollup has not finished yet', ...body};
    if (s.last.outcome !== 'ok') return {ok: false, status: 'failing', reason: `the last rollup ${s.last.outcome === 'failed' ? 'failed' : 'was interrupted'}; its hours are retried at the next tick`, ...body};
    return {ok: true, status: 'ok', ...body};
  }
}

/** An epoch hour as the `bucket` column writes it: `2026-04-24T14`. */
export function hourLabel(hour: number): string {
  return new Date(hour * HOUR_MS).toISOString().slice(0, 13);
}
