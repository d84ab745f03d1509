import type {Readable} from 'node:stream';
import type {BucketPlan} from '../buckets.js';
import {streamSessionParts} from '../parse/stream/index.js';
import {NeedsExactParse} from '../py/value.js';
import {readSession, runStreamed} from '../session/read.js';
import {countBytes} from '../sources/open-input.js';
import type {SessionResult} from '../types.js';
import {compiled} from '../metrics/schema.js';
import {DEFAULT_SCHEMA, type SchemaName} from '../metrics/catalog.js';

export interface SessionReadOptions {
  /** The buckets to fill (see planHour, planRange, ...). */
  plan: BucketPlan;
  /** The KPI schema (default v1, the reference's columns). */
  schema?: SchemaName;
  /** The name warnings give the session. Default `session`. */
  name?: string;
  /**
   * Bucket indices the session may reach (the folder rule, see folderBuckets). Default: every
   * requested hour, as for a row on stdin.
   */
  allowed?: ReadonlySet<number> | null;
}

/** One session file's bytes -> its per-bucket contributions, or why the reference skips it. */
export function readSessionBytes(bytes: Uint8Array, options: SessionReadOptions): Promise<SessionResult> {
  const {plan, name = 'session'} = options;
  return readSession({seq: 0, name, folder: null, ref: {kind: 'bytes', bytes}}, {plan, schema: options.schema, allowed: allowedOf(options)});
}

/**
 * The same from a byte stream, in bounded memory whatever its size. A stream cannot be read twice,
 * so it is parsed with the exact Python-compatible parser in one pass (slower than the fast parse
 * readSessionBytes tries first, same result).
 */
export async function readSessionStream(stream: Readable, options: SessionReadOptions): Promise<SessionResult> {
  const {plan, name = 'session'} = options;
  const counted = countBytes(stream);
  const schema = compiled(options.schema ?? DEFAULT_SCHEMA);
  const parts = () => streamSessionParts(counted.stream, {exact: true, needs: schema.parse});
  const run = await runStreamed(parts, name, schema, {plan, allowed: allowedOf(options)}, true);
  if (run instanceof NeedsExactParse) throw run; // the exact parser never asks; a bug if it does
  const {outcome, warnings} = run;
  const base = {seq: 0, name, bytes: counted.bytes()};
  if (outcome.skipped !== undefined) return {...base, events: 0, skipped: outcome.skipped, contributions: [], warnings: []};
  return {...base, events: outcome.events, contributions: outcome.contributions, warnings};
}

function allowedOf({plan, allowed}: SessionReadOptions): ReadonlySet<number> | null {
  if (allowed !== undefined) return allowed;
  return plan.kind === 'hourly' ? new Set(plan.indices) : null;
}
