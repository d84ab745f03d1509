/**
 * A session file's stripped first line -> the row the reference works with, through the exact
 * parser: `json.loads(line)`, then `messages`, `events` and `tools` decoded again when they are
 * strings (the uploader double-encodes them), `[]` when that fails.
 */

import {isDict, type PyDict} from '../py/value.js';
import {PyJsonError, parsePyJson} from '../py/json-loads.js';

/** The decoded row, or why the reference skips the file. */
export type DecodedRow =
  | {
      ok: true;
      /** May be `{}`, which the reference then skips as falsy: the caller decides. */
      row: PyDict;
      /** Why a field was replaced by `[]`, for the caller's warnings. Absent when none was. */
      notes?: string[];
    }
  | {ok: false; reason: string};

/** The fields the reference decodes a second time, in its order. */
export const DOUBLE_ENCODED = ['messages', 'events', 'tools'] as const;

/** Decodes a first line (already stripped) exactly as the reference's `_download_session`. */
export function decodeRowExact(text: string): DecodedRow {
  if (text === '') return {ok: false, reason: 'empty first line'};
  let row;
  try {
    row = parsePyJson(text);
  } catch (e) {
    return {ok: false, reason: `row is not valid JSON: ${describe(e)}`};
  }
  // Python: `row.get(...)` raises AttributeError on anything but a dict.
  if (!isDict(row)) return {ok: false, reason: 'row is not a JSON object'};
  let notes: string[] | undefined;
  for (const key of DOUBLE_ENCODED) {
    const value = row[key];
    if (typeof value !== 'string') continue;
    try {
      row[key] = parsePyJson(value);
    } catch (e) {
      row[key] = [];
      (notes ??= []).push(`${key} string is not valid JSON (${describe(e)}); used []`);
    }
  }
  return notes ? {ok: true, row, notes} : {ok: true, row};
}

function describe(error: unknown): string {
  if (error instanceof PyJsonError) return error.message;
  throw error;
}
