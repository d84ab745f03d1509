import {rename, rm, writeFile} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {KpiError} from './errors.js';
import type {InputWarning, SessionResult} from './types.js';

/**
 * What became of one input. `cached` is for inputs answered from a cache (`--cache-dir`) without
 * being read again: the cached reader sets `SessionResult.cached`, see {@link inputStatus}.
 */
export type InputStatus = 'read' | 'skipped' | 'ruled-out' | 'failed' | 'cached';

/** One line of the audit trail per input. */
export interface InputRecord {
  kind: 'input';
  path: string;
  bytes: number;
  status: InputStatus;
  /** Why it was skipped or failed; why it was ruled out. */
  reason?: string;
  warnings: Array<{code: string; message: string}>;
}

/** One line of the audit trail per bucket: its CSV and what happened to it. */
export interface BucketRecord {
  kind: 'bucket';
  bucket: string;
  file: string;
  /** Data rows of the CSV (one per bucket file) and the sessions it counts. */
  rows: number;
  sessions: number;
  written: boolean;
  committed: boolean;
  unchanged: boolean;
  dryRun?: boolean;
}

/** The status of an input, from its result. */
export function inputStatus(result: SessionResult): {status: InputStatus; reason?: string} {
  if (result.failed !== undefined) return {status: 'failed', reason: result.failed};
  if (result.skipped !== undefined) return {status: 'skipped', reason: result.skipped};
  if (result.ruledOut) return {status: 'ruled-out', reason: 'no timestamp in the requested hours (hour prefilter); not parsed'};
  if (result.cached) return {status: 'cached'};
  return {status: 'read'};
}

/**
 * The audit trail of a run (`--report FILE`): one JSON line per input, in canonical order, then
 * one per bucket, so an operator can tell which inputs were read, skipped, ruled out, cached or
 * failed, and which buckets were written, committed or found unchanged. Written at the end of
 * the run, whatever its outcome, atomically (temp file, then rename).
 */
export class AuditTrail {
  private readonly inputs: InputRecord[] = [];
  private readonly buckets: BucketRecord[] = [];

  constructor(private readonly file: string) {}

  input(result: SessionResult): void {
    const {status, reason} = inputStatus(result);
    const warnings = result.warnings.map((w: InputWarning) => ({code: w.code, message: w.message}));
    this.inputs.push({kind: 'input', path: result.name, bytes: result.bytes, status, ...(reason !== undefined && {reason}), warnings});
  }

  bucket(record: Omit<BucketRecord, 'kind'>): void {
    this.buckets.push({kind: 'bucket', ...record});
  }

  async write(): Promise<void> {
    const text = [...this.inputs, ...this.buckets].map(r => JSON.stringify(r) + '\n').join('');
    const temp = join(dirname(this.file), `.${basename(this.file)}.tmp-${process.pid}`);
    try {
      await writeFile(temp, text);
      await rename(temp, this.file);
    } catch (error) {
      await rm(temp, {force: true});
      throw new KpiError('KPI_OUTPUT_FAILED', `cannot write the report ${this.file}: ${(error as Error).message}`);
    }
  }
}
