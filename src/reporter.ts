import type {InputWarning} from './types.js';

export type LogFormat = 'text' | 'json';

export interface ReporterOptions {
  format: LogFormat;
  /** Where log lines go (stderr in the CLI). */
  write(line: string): void;
  /** Print every warning, not just the first few of each code. */
  verbose?: boolean;
  quiet?: boolean;
}

/** How many warnings of one code are printed before they are only counted. */
const SHOWN_PER_CODE = 5;

/** Run counters for the end-of-run summary. */
export interface RunCounts {
  filesListed: number;
  filesRead: number;
  /** Of those read: files the hour prefilter showed cannot reach a requested hour (not parsed, so not checked). */
  filesRuledOut: number;
  filesSkipped: number;
  filesFailed: number;
  /** Files whose result came from the cache (set only when a run has one). */
  filesFromCache?: number;
  sessions: number;
  events: number;
  bytes: number;
  buckets: number;
}

/**
 * Collects warnings (counted by code, the first few of each printed with their file) and the run's
 * counters, and prints log lines and the summary as text or JSON lines. Never prints to stdout.
 */
export class Reporter {
  readonly counts: RunCounts = {filesListed: 0, filesRead: 0, filesRuledOut: 0, filesSkipped: 0, filesFailed: 0, sessions: 0, events: 0, bytes: 0, buckets: 0};
  readonly warningsByCode = new Map<string, number>();
  readonly skippedByReason = new Map<string, number>();
  private readonly started = Date.now();

  constructor(private readonly options: ReporterOptions) {}

  warn(warning: InputWarning): void {
    const seen = (this.warningsByCode.get(warning.code) ?? 0) + 1;
    this.warningsByCode.set(warning.code, seen);
    if (this.options.quiet) return;
    if (seen <= SHOWN_PER_CODE || this.options.verbose) {
      this.log('warn', `${warning.file}: ${warning.message}`, {code: warning.code, file: warning.file});
    } else if (seen === SHOWN_PER_CODE + 1) {
      this.log('warn', `more ${warning.code} warnings are only counted (see the summary; --verbose prints all)`, {code: warning.code});
    }
  }

  /** A file the reference skips as well (invalid content): counted, reported, the run goes on. */
  skip(file: string, reason: string): void {
    this.counts.filesSkipped++;
    // Numbers that vary per file become N; a number inside a word (UTF-8) stays.
    const kind = reason.replace(/\s*[(:].*$/, '').replace(/(?<![\w-])\d+(-\d+)?(?![\w-])/g, 'N');
    this.skippedByReason.set(kind, (this.skippedByReason.get(kind) ?? 0) + 1);
    this.warn({code: 'file_skipped', file, message: `skipped: ${reason}`});
  }

  info(message: string, fields: Record<string, unknown> = {}): void {
    if (!this.options.quiet) this.log('info', message, fields);
  }

  verbose(message: string, fields: Record<string, unknown> = {}): void {
    if (this.options.verbose && !this.options.quiet) this.log('debug', message, fields);
  }

  error(message: string, fields: Record<string, unknown> = {}): void {
    this.log('error', message, fields);
  }

  get warningCount(): number {
    let n = 0;
    for (const count of this.warningsByCode.values()) n += count;
    return n;
  }

  /** The hours the run covers, as the summary names them (`2026-04-24T14`, `A .. B (N hours)`). */
  hours = '';

  /**
   * The one-line end-of-run summary (always printed, even with --quiet, unless nothing ran). It
   * starts with the UTC time and the hours, so a log of hourly runs reads as a table.
   */
  summary(extra: Record<string, unknown> = {}, text?: string): void {
    const c = this.counts;
    const elapsed = (Date.now() - this.started) / 1000;
    const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const fields = {time, hours: this.hours, ...c, warnings: this.warningCount, warningsByCode: Object.fromEntries(this.warningsByCode), skippedByReason: Object.fromEntries(this.skippedByReason), elapsedS: elapsed, ...extra};
    const skipped = c.filesSkipped ? ` (${[...this.skippedByReason].map(([r, n]) => `${n} ${r}`).join(', ')})` : '';
    const failed = c.filesFailed ? `, ${c.filesFailed} could not be read` : '';
    const ruledOut = c.filesRuledOut ? ` (${c.filesRuledOut} of them ruled out by the hour prefilter, not parsed)` : '';
    // `text` says in words what the fields of `extra` hold (a commit), for the text format.
    const tail = text !== undefined ? `; ${text}` : Object.entries(extra).map(([k, v]) => `, ${k} ${String(v)}`).join('');
    this.log(
      'summary',
      `${time} kpi-stream${this.hours ? ` ${this.hours}` : ''}: ${plural(c.filesListed, 'file')} listed${c.filesFromCache === undefined ? '' : ` (${c.filesFromCache} from the cache)`}, ${c.filesRead} read${ruledOut}, ${c.filesSkipped} skipped${skipped}${failed}; ` +
        `${plural(c.sessions, 'session')}, ${plural(c.events, 'event')}, ${(c.bytes / 1e6).toFixed(1)} MB; ${plural(c.buckets, 'bucket')} written; ` +
        `${plural(this.warningCount, 'warning')}${tail}; ${elapsed.toFixed(2)} s`,
      fields,
    );
  }

  private log(level: string, message: string, fields: Record<string, unknown>): void {
    if (this.options.format === 'json') {
      this.options.write(JSON.stringify({level, message, ...fields}, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    } else {
      this.options.write(oneLine(level === 'summary' || level === 'info' || level === 'debug' ? message : `${level}: ${message}`));
    }
  }
}

/** `1 bucket`, `2 buckets`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * A text log line as one line of plain text: control characters (a line break or a terminal
 * escape in a file name, say) are written as escapes, so no name can forge a log line or drive
 * the terminal.
 */
export function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, c => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
