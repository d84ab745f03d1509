import {Writable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {NeedsExactParse} from './py/value.js';
import {readAll} from './stream.js';
import {openInput} from './sources/open-input.js';
import {sessionEvents} from './parse/session-events.js';
import {timeWindow} from './transforms/time-window.js';
import {sessionMetrics, type SessionOutcome} from './transforms/session-metrics.js';
import type {BucketPlan} from './buckets.js';
import type {InputWarning, SessionInput, SessionResult} from './types.js';

export interface ReadSessionOptions {
  plan: BucketPlan;
  /** Bucket indices this input may reach (the folder rule); null = any. */
  allowed: ReadonlySet<number> | null;
}

/**
 * One session file through parse -> window -> metrics. Tries the fast parse first and parses
 * again exactly when a KPI needs what JSON.parse loses (see NeedsExactParse).
 */
export async function readSession(input: SessionInput, options: ReadSessionOptions): Promise<SessionResult> {
  const opened = await openInput(input.ref);
  const bytes = opened instanceof Uint8Array ? opened : await readAll(opened);
  let run = await runStages(bytes, input.name, options, false);
  if (run instanceof NeedsExactParse) run = await runStages(bytes, input.name, options, true);
  if (run instanceof NeedsExactParse) throw run; // the exact parser never asks; a bug if it does
  const {outcome, warnings} = run;
  const base = {seq: input.seq, name: input.name, bytes: bytes.byteLength};
  if (outcome.skipped !== undefined) {
    return {...base, events: 0, skipped: outcome.skipped, contributions: [], warnings: []};
  }
  return {...base, events: outcome.events, contributions: outcome.contributions, warnings};
}

async function runStages(
  bytes: Uint8Array,
  file: string,
  {plan, allowed}: ReadSessionOptions,
  exact: boolean,
): Promise<{outcome: SessionOutcome; warnings: InputWarning[]} | NeedsExactParse> {
  const warnings: InputWarning[] = [];
  const warn = (code: string, message: string) => warnings.push({code, file, message});
  let outcome: SessionOutcome | undefined;
  try {
    await pipeline(
      sessionEvents(bytes, {exact}),
      timeWindow({plan, allowed, warn}),
      sessionMetrics({exact, warn, everySessionIn: plan.kind === 'daily' ? 0 : undefined}),
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
