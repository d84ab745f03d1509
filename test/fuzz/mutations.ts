/**
 * fast-check arbitraries that damage valid session files, and the explicit hostile inputs of
 * issue 5. Mutations are plain data (they print and shrink); `applyMutations` turns them into bytes.
 */

import fc from 'fast-check';

/** A byte-level change to a file. Positions are taken modulo the length at the time. */
export type ByteMutation =
  | {kind: 'truncate'; at: number}
  | {kind: 'flip'; at: number; bit: number; count: number}
  | {kind: 'insert'; at: number; bytes: number[]}
  | {kind: 'delete'; at: number; length: number}
  /** This file up to `at`, then another file from `from`. */
  | {kind: 'splice'; other: number; at: number; from: number}
  /** A slice repeated `times` times in place (bounded to a few MB). */
  | {kind: 'inflate'; at: number; length: number; times: number}
  | {kind: 'random'; bytes: Uint8Array};

const text = (s: string): number[] => [...Buffer.from(s, 'utf8')];

/**
 * Byte sequences that matter to the reader: line ends (Python's universal newlines), a BOM, NUL,
 * invalid and surrogate UTF-8, Unicode whitespace Python strips, JSON punctuation, and numbers
 * JSON.parse reads differently from Python.
 */
export const SPECIAL_BYTES: number[][] = [
  [0x00], [0x0d], [0x0a], [0x0d, 0x0a], [0xef, 0xbb, 0xbf], [0xff], [0xc3], [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x80, 0xa8], [0xc2, 0x85], [0x1c], [0x09], [0x20],
  text('"'), text('\\'), text('['), text(']'), text('{'), text('}'), text(','), text(':'),
  text('\\u0000'), text('\\ud800'), text('\\"'), text('NaN'), text('-Infinity'), text('1e400'), text('-0'),
  text('-0.0'), text('99999999999999999999'), text('null'), text('true'),
];

const MAX_INFLATED = 4 << 20;

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({kind: fc.constant('truncate' as const), at: fc.nat()}),
  fc.record({kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({min: 0, max: 7}), count: fc.integer({min: 1, max: 8})}),
  fc.record({kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.oneof(fc.constantFrom(...SPECIAL_BYTES), fc.array(fc.integer({min: 0, max: 255}), {minLength: 1, maxLength: 8}))}),
  fc.record({kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({min: 1, max: 64})}),
  fc.record({kind: fc.constant('splice' as const), other: fc.nat(), at: fc.nat(), from: fc.nat()}),
  fc.record({kind: fc.constant('inflate' as const), at: fc.nat(), length: fc.integer({min: 1, max: 64}), times: fc.integer({min: 2, max: 20_000})}),
  fc.record({kind: fc.constant('random' as const), bytes: fc.uint8Array({maxLength: 512})}),
);

/** One or more mutations applied in turn to file `base` of `files`. */
export function applyMutations(files: readonly Buffer[], base: number, mutations: readonly ByteMutation[]): Buffer {
  let bytes = files[base % files.length];
  for (const m of mutations) bytes = applyOne(bytes, m, files);
  return bytes;
}

function applyOne(bytes: Buffer, m: ByteMutation, files: readonly Buffer[]): Buffer {
  const n = bytes.length;
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, m.at % (n + 1));
    case 'flip': {
      if (n === 0) return bytes;
      const out = Buffer.from(bytes);
      // Spread the flips: one spot, or a few far apart.
      for (let i = 0; i < m.count; i++) out[(m.at + i * 7919) % n] ^= 1 << ((m.bit + i) % 8);
      return out;
    }
    case 'insert': {
      const at = m.at % (n + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
    }
    case 'delete': {
      const at = m.at % (n + 1);
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(n, at + m.length))]);
    }
    case 'splice': {
      const other = files[m.other % files.length];
      return Buffer.concat([bytes.subarray(0, m.at % (n + 1)), other.subarray(m.from % (other.length + 1))]);
    }
    case 'inflate': {
      const at = m.at % (n + 1);
      const piece = bytes.subarray(at, Math.min(n, at + m.length));
      const times = Math.max(1, Math.min(m.times, Math.floor(MAX_INFLATED / Math.max(1, piece.length))));
      return Buffer.concat([bytes.subarray(0, at), ...Array<Buffer>(times).fill(piece), bytes.subarray(at)]);
    }
    case 'random':
      return Buffer.from(m.bytes);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON-aware edits: the row stays valid JSON, with hostile values where the KPIs read

/**
 * Values as JSON text: what Python's `int()`, `float()`, `str()`, truthiness, hashing and
 * `fromisoformat` treat unlike JavaScript, or crash on.
 */
export const HOSTILE_VALUES: string[] = [
  '1e400', '-1e400', '-0', '-0.0', 'NaN', 'Infinity', '-Infinity', '99999999999999999999999', '9007199254740993',
  '1.5', '2.0', '1e16', '1E5', '1e-7', '0', '5', '-3', 'true', 'false', 'null', '[]', '{}', '[1]', '{"a": 1}', '""',
  '"12"', '" 7 "', '"1_000"', '"abc"', '"nan"', '"inf"', '"-inf"', '"12.5"', '"1e3"', '"\u0663"', '"0x10"', '"+5"',
  '"up"', '"down"', '"completed"', '"SUCCESS"', '"h100"', '"a100x8"', '"\\u0000"', '"\\ud800"', '"\u00e9"',
  '"2026-04-21T10:00:00"', '"2026-04-21T10:30:00+05:30"', '"2026-04-21T10:00:00Z"', '"2026-04-21"', '"2026-W17-2"',
  '['.repeat(1497) + ']'.repeat(1497), '['.repeat(1498) + ']'.repeat(1498),
];

const ROW_KEYS = ['session_id', 'user_id', 'session_start_time', 'messages', 'events'] as const;
const EVENT_KEYS = ['event_type', 'timestamp', 'data'] as const;
const DATA_KEYS = ['prompt_tokens', 'completion_tokens', 'cache_read_tokens', 'cache_creation_tokens', 'cost_usd', 'success', 'rating', 'flavor', 'final_status', 'wall_time_s', 'source'] as const;
const EVENT_TYPES = ['llm_call', 'tool_output', 'tool_call', 'error', 'undo_complete', 'feedback', 'hf_job_submit', 'hf_job_complete', 'jobs_access_blocked', 'pro_cta_click'] as const;

export type JsonEdit =
  | {where: 'row'; key: (typeof ROW_KEYS)[number]; value: string}
  | {where: 'event'; index: number; key: (typeof EVENT_KEYS)[number]; value: string}
  | {where: 'data'; index: number; key: (typeof DATA_KEYS)[number]; value: string; type: (typeof EVENT_TYPES)[number] | null}
  | {where: 'message'; index: number; value: string};

const hostile: fc.Arbitrary<string> = fc.oneof(
  {weight: 5, arbitrary: fc.constantFrom(...HOSTILE_VALUES)},
  {weight: 1, arbitrary: fc.jsonValue({maxDepth: 2}).map(v => JSON.stringify(v))},
);

export const jsonEdit: fc.Arbitrary<JsonEdit> = fc.oneof(
  fc.record({where: fc.constant('row' as const), key: fc.constantFrom(...ROW_KEYS), value: hostile}),
  fc.record({where: fc.constant('event' as const), index: fc.nat(), key: fc.constantFrom(...EVENT_KEYS), value: hostile}),
  fc.record({where: fc.constant('data' as const), index: fc.nat(), key: fc.constantFrom(...DATA_KEYS), value: hostile, type: fc.option(fc.constantFrom(...EVENT_TYPES))}),
  fc.record({where: fc.constant('message' as const), index: fc.nat(), value: hostile}),
);

/**
 * A clean session row (events and messages double-encoded, as the uploader writes them) with
 * `edits` applied; the edited values are spliced in as raw JSON text, so `1e400` stays `1e400`.
 */
export function editRow(rowText: string, edits: readonly JsonEdit[]): string {
  const row = JSON.parse(rowText) as Record<string, unknown>;
  const events = JSON.parse(row.events as string) as Array<Record<string, unknown>>;
  const messages = JSON.parse(row.messages as string) as unknown[];
  const raws: string[] = [];
  const mark = (value: string): string => `\u0001${raws.push(value) - 1}\u0001`;
  const unmark = (s: string): string => s.replace(/"\\u0001(\d+)\\u0001"/g, (_, k: string) => raws[Number(k)]);
  const rowEdits: Array<[string, string]> = [];
  for (const e of edits) {
    if (e.where === 'row') rowEdits.push([e.key, e.value]);
    else if (e.where === 'message') {
      if (messages.length) messages[e.index % messages.length] = mark(e.value);
    } else if (events.length) {
      const event = events[e.index % events.length];
      if (e.where === 'event') event[e.key] = mark(e.value);
      else {
        if (e.type) event.event_type = e.type;
        if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) event.data = {};
        (event.data as Record<string, unknown>)[e.key] = mark(e.value);
      }
    }
  }
  const out: Record<string, unknown> = {...row, events: unmark(JSON.stringify(events)), messages: unmark(JSON.stringify(messages))};
  for (const [key, value] of rowEdits) out[key] = mark(value);
  return unmark(JSON.stringify(out));
}
