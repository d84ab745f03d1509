/**
 * Python `json.dumps(value)` with default settings (`ensure_ascii=True`, separators `", "` and
 * `": "`), optionally with `sort_keys=True`.
 *
 * Used for the JSON columns of the KPI CSV and to write test corpora that look exactly like the
 * uploader's files, hundreds of MB at a time, so the common all-ASCII string takes a fast path.
 */

import {pyFloatRepr} from './format.js';
import {KEY_ORDER, type PyDict, type PyValue} from './value.js';

/** Options of `pyJsonDumps`. */
export interface PyJsonDumpsOptions {
  /** Python's `sort_keys`: order dict keys by code point. Default: false (insertion order). */
  sortKeys?: boolean;
}

/** Python `json.dumps(value, sort_keys=...)` with otherwise default settings. */
export function pyJsonDumps(value: PyValue, options: PyJsonDumpsOptions = {}): string {
  const writer = new JsonWriter(options.sortKeys === true);
  writer.write(value);
  return writer.finish();
}

/** Pieces gathered before they are joined into one flat chunk. */
const PIECES_PER_CHUNK = 4096;

/** Distinct dict keys remembered by one `pyJsonDumps` call. */
const KEY_CACHE_SIZE = 1024;

/**
 * Collects pieces and joins them into a flat chunk every few thousand. Concatenating with `+=`
 * (per nested value or into one growing string) left millions of live rope nodes that every
 * garbage collection had to copy, which made the collector most of the cost on large corpora;
 * short-lived pieces and flat chunks are cheap to collect.
 */
class JsonWriter {
  private pieces: string[] = [];
  private readonly chunks: string[] = [];
  private readonly keyCache = new Map<string, string>();
  constructor(private readonly sortKeys: boolean) {}

  finish(): string {
    this.chunks.push(this.pieces.join(''));
    return this.chunks.length === 1 ? this.chunks[0] : this.chunks.join('');
  }

  write(value: PyValue): void {
    const pieces = this.pieces;
    switch (typeof value) {
      case 'string':
        pieces.push(pyJsonString(value));
        return;
      case 'bigint':
        pieces.push(value.toString());
        return;
      case 'number':
        pieces.push(jsonFloat(value));
        return;
      case 'boolean':
        pieces.push(value ? 'true' : 'false');
        return;
    }
    if (value === null) pieces.push('null');
    else if (Array.isArray(value)) this.writeList(value);
    else this.writeDict(value);
  }

  private writeList(list: PyValue[]): void {
    if (this.pieces.length > PIECES_PER_CHUNK) this.flush();
    this.pieces.push('[');
    for (let i = 0; i < list.length; i++) {
      if (i > 0) this.pieces.push(', ');
      this.write(list[i]);
    }
    this.pieces.push(']');
  }

  private writeDict(dict: PyDict): void {
    if (this.pieces.length > PIECES_PER_CHUNK) this.flush();
    let keys = (dict as {[KEY_ORDER]?: string[]})[KEY_ORDER] ?? Object.keys(dict);
    if (this.sortKeys && keys.length > 1) keys = [...keys].sort(compareCodePoints);
    this.pieces.push('{');
    for (let i = 0; i < keys.length; i++) {
      this.pieces.push(i > 0 ? ', ' : '', this.key(keys[i]), ': ');
      this.write(dict[keys[i]]);
    }
    this.pieces.push('}');
  }

  /** Corpora repeat a few dict keys millions of times; escape each once. */
  private key(k: string): string {
    let quoted = this.keyCache.get(k);
    if (quoted === undefined) {
      quoted = pyJsonString(k);
      if (this.keyCache.size < KEY_CACHE_SIZE) this.keyCache.set(k, quoted);
    }
    return quoted;
  }

  private flush(): void {
    this.chunks.push(this.pieces.join(''));
    this.pieces = [];
  }
}

/** Python's json float: repr, except the JavaScript-style names for the non-finite values. */
function jsonFloat(x: number): string {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pyFloatRepr(x);
}

function unicodeEscape(c: number): string {
  return '\\u' + c.toString(16).padStart(4, '0');
}

/**
 * A string as Python's `json.dumps` writes it with `ensure_ascii=True`: quoted, every code unit
 * outside 0x20..0x7e escaped as `\uXXXX` (lowercase hex). Escaping UTF-16 code units one by one
 * gives Python's surrogate pairs for astral characters and keeps lone surrogates as themselves.
 */
export function pyJsonString(s: string): string {
  // Most strings need no escape: a charCodeAt scan is the fastest way to find out.
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) break;
  }
  if (i === s.length) return '"' + s + '"';
  // Long strings with escapes (tool outputs): JSON.stringify escapes quotes, backslashes and
  // control characters exactly as Python does (lowercase \u00XX, \b \f \n \r \t) and lone
  // surrogates as \udXXX; what is left to escape is 0x7f and up. Far faster than `+=` per escape.
  return JSON.stringify(s).replace(NOT_ASCII, ch => unicodeEscape(ch.charCodeAt(0)));
}

const NOT_ASCII = /[\u007f-\uffff]/g;

/**
 * Orders strings by Unicode code point, as Python compares `str`. JavaScript's `<` compares UTF-16
 * code units, which puts astral characters (surrogate pairs) before U+E000..U+FFFF; a lone
 * surrogate counts as its own code point.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const ca = a.charCodeAt(i);
  const cb = b.charCodeAt(i);
  if (ca < 0xd800 && cb < 0xd800) return ca - cb;
  // Compare whole code points; the shared unit before i may be the high half of a pair.
  const j = i > 0 && isHighSurrogate(a.charCodeAt(i - 1)) ? i - 1 : i;
  const pa = a.codePointAt(j)!;
  const pb = b.codePointAt(j)!;
  if (pa !== pb) return pa - pb;
  // Both units at j are lone high surrogates; the code points at i decide.
  return a.codePointAt(i)! - b.codePointAt(i)!;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
