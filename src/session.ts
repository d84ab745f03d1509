import {Readable, Writable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {NeedsExactParse} from './py/value.js';
import {countBytes, openSession, type DownloadHooks} from './sources/open-input.js';
import {sessionEvents} from './parse/session-events.js';
import {streamSessionParts} from './parse/row-stream.js';
import {timeWindow} from './transforms/time-window.js';
import {sessionMetrics, type SessionOutcome} from './transforms/session-metrics.js';
import type {BucketPlan} from './buckets.js';
import {compiled, type CompiledSchema} from './metrics/schema.js';
import {DEFAULT_SCHEMA, type SchemaName} from './metrics/catalog.js';
import type {InputWarning, SessionInput, SessionResult} from './types.js';

/**
 * Files larger than this are parsed as a stream, in bounded memory, rather than whole (issue 4).
 * Decoding a row whole peaks at five to six times its size (a 50 MB session: 272 MB RSS), a
 * stream at about 100 MB whatever the size. On the benchmark week 4 MiB instead of 16 MiB gave
 * the same time and 219 MB peak RSS instead of 305 MB (one thread).
 */
export const STREAM_ABOVE = 4 << 20;

export interface ReadSessionOptions {
  plan: BucketPlan;
  /** The KPI schema, by name (plain data: it crosses to worker threads). Default v1. */
  schema?: SchemaName;
  /** Bucket indices this input may reach (the folder rule); null = any. */
  allowed: ReadonlySet<number> | null;
  /** Sessions of more bytes than this are parsed as a stream. Default `STREAM_ABOVE`. */
  streamAbove?: number;
  /** For Hub downloads. Not sent to a worker thread, which brings its own (see session-worker.ts). */
  hub?: DownloadHooks;
}

/**
 * One session file through parse -> window -> metrics. Tries the fast parse first and parses
 * again exactly when a KPI needs what JSON.parse loses (see NeedsExactParse).
 */
export async function readSession(input: SessionInput, options: ReadSessionOptions): Promise<SessionResult> {
  const limit = options.streamAbove ?? STREAM_ABOVE;
  const schema = compiled(options.schema ?? DEFAULT_SCHEMA);
  const needs = schema.parse;
  const opened = await openSession(input.ref, limit, options.hub);
  let size: number;
  let run: Run | NeedsExactParse;
  if (opened instanceof Uint8Array) {
    size = opened.byteLength;
    run = await runStages(() => sessionEvents(opened, {exact: false, needs}), input.name, schema, options, false);
    if (run instanceof NeedsExactParse) run = await runStages(() => sessionEvents(opened, {exact: true, needs}), input.name, schema, options, true);
  } else {
    const counted = countBytes(opened);
    run = await runStages(() => streamSessionParts(counted.stream, {exact: false, needs}), input.name, schema, options, false);
    size = counted.bytes();
    if (run instanceof NeedsExactParse) {
      // The bytes were not kept: read them again.
      const again = await openSession(input.ref, -1, options.hub);
      const stream = again instanceof Uint8Array ? Readable.from([again]) : again;
      run = await runStages(() => streamSessionParts(stream, {exact: true, needs}), input.name, schema, options, true);
    }
  }
  if (run instanceof NeedsExactParse) throw run; // the exact parser never asks; a bug if it does
  const {outcome, warnings} = run;
  const base = {seq: input.seq, name: input.name, bytes: size};
  if (outcome.skipped !== undefined) {
    return {...base, events: 0, skipped: outcome.skipped, contributions: [], warnings: []};
  }
  return {...base, events: outcome.events, contributions: outcome.contributions, warnings};
}

type Run = {outcome: SessionOutcome; warnings: InputWarning[]};

async function runStages(
  parts: () => Readable,
  file: string,
  schema: CompiledSchema,
  {plan, allowed}: ReadSessionOptions,
  exact: boolean,
): Promise<Run | NeedsExactParse> {
  const warnings: InputWarning[] = [];
  const warn = (code: string, message: string) => warnings.push({code, file, message});
  let outcome: SessionOutcome | undefined;
  try {
    await pipeline(
      parts(),
      timeWindow({plan, allowed, warn}),
      sessionMetrics({schema, exact, warn, everySessionIn: plan.kind === 'daily' ? 0 : undefined}),
      new Writable({
        objectMode: true,
        write(o: SessionOutcome, _encoding, done) {
          outcome = o;
          done();
        },
      }),
    );
  } catch (error) {
    if (error instanceof NeedsExactParse) return error;
    throw error;
  }
  if (!outcome) throw new Error(`internal: ${file} produced no outcome`);
  return {outcome, warnings};
}
