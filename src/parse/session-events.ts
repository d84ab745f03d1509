import type {Readable} from 'node:stream';
import {fromArray} from '../stream.js';
import {isDict, NeedsExactParse, type PyDict, type PyValue} from '../py/value.js';
import {pyTruthy} from '../py/convert.js';
import {firstLine} from './first-line.js';
import {decodeRowExact} from './decode-row.js';
import {PY_JSON_MAX_DEPTH} from '../py/json-loads.js';
import {withoutBulkStrings} from './bulk-strings.js';

/** What a session row turns into, in this order: event batches, then `end` (or `skip`). */
export type SessionPart =
  | {kind: 'events'; events: PyValue[]}
  /** A repeated `events` key: what came before is replaced (Python keeps the last value). */
  | {kind: 'reset'}
  | {kind: 'end'; header: SessionHeader}
  /** The reference skips the whole file; everything before this part is void. */
  | {kind: 'skip'; reason: string};

/**
 * What parse keeps of a row, as the KPIs of the run need it (the metrics' schema says; see
 * metrics/schema.ts). Parse knows no KPI.
 */
export interface ParseNeeds {
  /** Row fields kept in the header as they are (besides `events` and `messages`). */
  rowFields: readonly string[];
  /** Event keys whose long string values are kept whole; the rest are cut (see bulk-strings.ts). */
  eventKeys: ReadonlySet<string>;
  /** Folds each message of a list the streaming path reads one at a time; absent: messages are not read. */
  messages?: MessageFold;
}

/** A reduction over a session's messages (the streaming path cannot keep them). */
export interface MessageFold<S = unknown> {
  init(): S;
  add(state: S, message: PyValue): S;
}

/** The row besides the events. */
export interface SessionHeader {
  /** The `rowFields` the row has, by name. */
  fields: Record<string, PyValue>;
  /** The row's messages value (decoded); read it with `decodeMessages`. */
  messages: PyValue;
  /**
   * The fast path leaves a messages string encoded (and `messages` null): only a session that
   * reaches a bucket needs its turns, and in the cron path most files reach none.
   */
  messagesText?: string;
  /** The streaming path's fold over a messages list (`messages` is then null). */
  messagesFolded?: {state: unknown};
  /** Why a value was replaced (an events string that did not decode, ...). */
  notes: string[];
}

export interface SessionEventsOptions {
  /** Parse with the exact Python-compatible parser instead of JSON.parse. */
  exact: boolean;
  needs: ParseNeeds;
}

const BATCH = 8192;

/**
 * A session file's bytes -> a stream of its events, then its header. Reads the first line as the
 * reference does; `JSON.parse` when it agrees with Python's json, else the exact parser.
 */
export function sessionEvents(bytes: Uint8Array, options: SessionEventsOptions): Readable {
  return fromArray(sessionParts(bytes, options));
}

export function sessionParts(bytes: Uint8Array, {exact, needs}: SessionEventsOptions): SessionPart[] {
  const line = firstLine(bytes);
  if (!line.ok) return [{kind: 'skip', reason: line.reason}];
  if (line.text === '') return [{kind: 'skip', reason: 'empty first line'}];
  const fast = exact ? undefined : decodeRowFast(line.text, needs.eventKeys);
  const decoded = fast ?? decodeRowExact(line.text);
  if (!decoded.ok) return [{kind: 'skip', reason: decoded.reason}];
  const row = decoded.row;
  if (!isDict(row)) return [{kind: 'skip', reason: 'first line is not a JSON object'}];
  if (Object.keys(row).length === 0) return [{kind: 'skip', reason: 'row is an empty object'}];
  const parts: SessionPart[] = [];
  const notes = [...(decoded.notes ?? [])];
  const events = row.events ?? null;
  if (Array.isArray(events)) {
    for (let i = 0; i < events.length; i += BATCH) parts.push({kind: 'events', events: events.slice(i, i + BATCH)});
  } else if (pyTruthy(events)) {
    notes.push(`events is ${typeName(events)}, not a list; treated as []`);
  }
  parts.push({
    kind: 'end',
    header: {
      fields: pickFields(row, needs.rowFields),
      ...(fast && typeof row.messages === 'string' ? {messages: null, messagesText: row.messages} : {messages: row.messages ?? null}),
      notes,
    },
  });
  return parts;
}

function pickFields(row: PyDict, names: readonly string[]): Record<string, PyValue> {
  const fields = Object.create(null) as Record<string, PyValue>;
  for (const name of names) if (Object.hasOwn(row, name)) fields[name] = row[name]!;
  return fields;
}

type Decoded = {ok: true; row: PyDict; notes?: string[]} | {ok: false; reason: string};

/**
 * The fast path: JSON.parse agrees with Python's json on every valid document except NaN and
 * Infinity literals (JSON.parse throws), nesting past Python's limit (checked), and integer/float
 * typing (checked where a KPI reads it, see NeedsExactParse). Returns undefined to fall back.
 */
function decodeRowFast(text: string, keep: ReadonlySet<string>): Decoded | undefined {
  const out = parseAgreeing(text);
  if (!isDict(out)) return undefined;
  if (typeof out.events === 'string') {
    const events = parseAgreeing(shortenUnreadStrings(out.events, keep));
    if (events === undefined) return undefined;
    out.events = events;
  }
  return {ok: true, row: out};
}

/** An events text with the long strings under keys not in `keep` cut short (see bulk-strings.ts). */
export function shortenUnreadStrings(eventsText: string, keep: ReadonlySet<string>): string {
  return withoutBulkStrings(eventsText, keep);
}

/** JSON.parse where it gives what Python's json does; undefined where it may not. */
function parseAgreeing(text: string): PyValue | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return agreesWithPython(value) ? (value as PyValue) : undefined;
}

/**
 * The header's messages, decoded. A string the fast path left encoded is decoded now; where
 * JSON.parse cannot stand in for Python (invalid JSON: Python uses [] and says so; NaN; depth),
 * the session is parsed again exactly.
 */
export function decodeMessages(header: SessionHeader): PyValue {
  if (header.messagesText === undefined) return header.messages;
  const value = parseAgreeing(header.messagesText);
  if (value === undefined) throw new NeedsExactParse('messages string');
  return value;
}

/**
 * Whether a JSON.parse result is what Python's json gives for the same text, up to int/float
 * typing: false when it nests deeper than Python decodes, or holds a number that overflowed
 * (`1e400` is a float inf in Python, but a 400-digit integer is an int, and one past 4300 digits
 * fails to decode). Iterative, so any depth is safe.
 */
export function agreesWithPython(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'number' || Number.isFinite(value);
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop() as object;
    const depth = depths.pop()!;
    if (depth > PY_JSON_MAX_DEPTH) return false;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object') {
        if (child === null) continue;
        stack.push(child);
        depths.push(depth + 1);
      } else if (typeof child === 'number' && !Number.isFinite(child)) {
        return false;
      }
    }
  }
  return true;
}

export function typeName(v: PyValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (isDict(v)) return 'an object';
  return `a ${typeof v === 'bigint' ? 'number' : typeof v}`;
}
