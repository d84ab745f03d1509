import {closingQuote} from './closing-quote.js';
import {escapeCut} from './escape-cut.js';

/**
 * Long string values that no KPI reads, shortened before an events text is parsed (issue 4).
 * Tool outputs and similar texts are nearly all of an events text's characters, and JSON.parse
 * would copy each into a string of its own only for the collector to free it.
 *
 * What is shortened: a string value of at least `LONG` characters (of JSON text) directly after a
 * key written with plain letters, digits or `_` that is not in `keep` (the keys a KPI reads, at any
 * depth). It keeps its first `KEEP_CHARS` characters, cut where no escape is split, so it decodes
 * to a prefix of the original value: still a non-empty string, and as printed in a warning (at most
 * 60 characters, see `describe`) the same. Keys, numbers, nesting and other strings are untouched.
 * A token is shortened only when it matches JSON's string grammar whole; why the shortened text
 * then parses exactly as the original does is argued in docs/design.md ("The string cut").
 */
export function withoutBulkStrings(text: string, keep: ReadonlySet<string>): string {
  if (text.length < LONG) return text;
  let out = '';
  let copiedTo = 0;
  let key: {start: number; end: number} | undefined;
  for (let open = text.indexOf('"'); open >= 0; ) {
    const close = closingQuote(text, open + 1);
    if (close < 0) break;
    if (close - open > LONG && key && isColon(text, key.end + 1, open) && shortens(text, key, keep) && isJsonStringBody(text, open + 1, close)) {
      out += text.slice(copiedTo, escapeCut(text, open + 1, open + 1 + KEEP_CHARS));
      copiedTo = close;
    }
    key = {start: open, end: close};
    open = text.indexOf('"', close + 1);
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

/** Strings shorter than this (in characters of JSON text) are left alone: not worth a copy. */
const LONG = 1024;
/** Characters of JSON text a shortened value keeps: at least 64 decoded characters. */
const KEEP_CHARS = 384;

/** Whether `text[from, to)` is JSON whitespace around one colon. */
function isColon(text: string, from: number, to: number): boolean {
  let colons = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) colons++;
    else if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return colons === 1;
}

const PLAIN_KEY = /^[A-Za-z0-9_]+$/;

/** Whether the value after this key token may be shortened: a plain key that no KPI reads. */
function shortens(text: string, key: {start: number; end: number}, keep: ReadonlySet<string>): boolean {
  const name = text.slice(key.start + 1, key.end);
  return PLAIN_KEY.test(name) && !keep.has(name);
}

/** JSON's string content, then the closing quote (sticky: matches only where it starts). */
const STRING_BODY = /[^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\u0000-\u001f]*)*"/y;

/** Whether `text[from, close)` is valid JSON string content (`close` is the closing quote). */
function isJsonStringBody(text: string, from: number, close: number): boolean {
  STRING_BODY.lastIndex = from;
  return STRING_BODY.test(text) && STRING_BODY.lastIndex === close + 1;
}
