import {Readable, Writable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {NeedsExactParse} from '../py/value.js';
import {countBytes, openSession, type DownloadHooks} from '../sources/open-input.js';
import {sessionParts, type SessionPart} from '../parse/session-events.js';
import {streamSessionParts} from '../parse/stream/index.js';
import {stageTransform} from '../stream.js';
import {windowStage} from '../transforms/time-window.js';
import {metricsStage, type SessionOutcome} from '../transforms/session-metrics.js';
import type {BucketPlan} from '../buckets.js';
import {compiled, type CompiledSchema} from '../metrics/schema.js';
import {DEFAULT_SCHEMA, type SchemaName} from '../metrics/catalog.js';
import type {InputWarning, SessionInput, SessionResult} from '../types.js';

/**
 * Files larger than this are parsed as a stream, in bounded memory, rather than whole (issue 4).
 * Decoding a row whole peaks at several times its size, a stream at a bound whatever the size;
 * why this threshold, with the figures: docs/performance.md.
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

/** Reads one session to its result: `readSession` itself, a pool's `read`, or a decorator of either (prefilter, cache). */
export type SessionReader = (input: SessionInput, options: ReadSessionOptions) => Promise<SessionResult>;

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
    run = runInMemory(opened, input.name, schema, options, false);
    if (run instanceof NeedsExactParse) run = runInMemory(opened, input.name, schema, options, true);
  } else {
    const counted = countBytes(opened);
    run = await runStreamed(() => streamSessionParts(counted.stream, {exact: false, needs}), input.name, schema, options, false);
    size = counted.bytes();
    if (run instanceof NeedsExactParse) {
      // The bytes were not kept: read them again.
      const again = await openSession(input.ref, -1, options.hub);
      const stream = again instanceof Uint8Array ? Readable.from([again]) : again;
      run = await runStreamed(() => streamSessionParts(stream, {exact: true, needs}), input.name, schema, options, true);
    }
  }
  if (run instanceof NeedsExactParse) throw run; // the exact parser never asks; a bug if it does
  const {outcome, warnings} = run;
  const base = {seq: input.seq, name: input.name, bytes: size};
  if (outcome.skipped !== undefined) {
    return {...base, events: 0, skipped: outcome.skipped, contributions: [], warnings: []};
  }
  return {...base, events: outcome.events, eventsByBucket: outcome.eventsByBucket, contributions: outcome.contributions, warnings};
}

export type Run = {outcome: SessionOutcome; warnings: InputWarning[]};

/** The window and metrics stages of one session, and what they warn about. */
function stagesFor(file: string, schema: CompiledSchema, {plan, allowed}: ReadSessionOptions, exact: boolean) {
  const warnings: InputWarning[] = [];
  const warn = (code: string, message: string) => warnings.push({code, file, message});
  const window = windowStage({plan, allowed, warn});
  const metrics = metricsStage({schema, exact, warn, everySessionIn: plan.kind === 'daily' ? 0 : undefined});
  return {window, metrics, warnings};
}

/**
 * A session in memory: its parts go through the stage functions directly. A stream pipeline per
 * file cost more than the stages themselves on small sessions (issue 11).
 */
function runInMemory(bytes: Uint8Array, file: string, schema: CompiledSchema, options: ReadSessionOptions, exact: boolean): Run | NeedsExactParse {
  const {window, metrics, warnings} = stagesFor(file, schema, options, exact);
  let outcome: SessionOutcome | undefined;
  const metricsOf = (windowed: ReturnType<typeof window.step>) => {
    const out = windowed && metrics.step(windowed);
    if (out) outcome = out;
  };
  try {
    const parts: SessionPart[] = sessionParts(bytes, {exact, needs: schema.parse});
    for (const part of parts) metricsOf(window.step(part));
    metricsOf(window.flush?.());
    metrics.flush?.();
  } catch (error) {
    if (error instanceof NeedsExactParse) return error;
    throw error;
  }
  if (!outcome) throw new Error(`internal: ${file} produced no outcome`);
  return {outcome, warnings};
}

/** A session too large to hold: the same stages as Transforms, in bounded memory. */
export async function runStreamed(
  parts: () => Readable,
  file: string,
  schema: CompiledSchema,
  options: ReadSessionOptions,
  exact: boolean,
): Promise<Run | NeedsExactParse> {
  const {window, metrics, warnings} = stagesFor(file, schema, options, exact);
  let outcome: SessionOutcome | undefined;
  try {
    await pipeline(
      parts(),
      stageTransform(window),
      stageTransform(metrics),
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
