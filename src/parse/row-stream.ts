/**
 * A session row read in bounded memory: the same `SessionPart`s as `sessionParts` (issue 4, the
 * "huge session" part), for files too large to decode whole. The reference needs about five times
 * a file's size for one row; this path needs about the largest single event plus a chunk.
 *
 * Three layers, each fed pieces of what the layer before it produced:
 * - bytes -> text: the first line only (up to the first `\r` or `\n`), strict UTF-8, and the
 *   bytes Python decodes past the line end (see `firstLine`) checked once they have arrived;
 * - the row (`RowTokenizer`): the outer object, validated as Python's json would, one member at a
 *   time. `events` and `messages` strings are unescaped piece by piece (`StringPieces`: each piece
 *   cut where no escape is split, then `JSON.parse`d as a string literal, at native speed) into an
 *   inner JSON text; other values are scanned to their end and parsed whole (small in practice).
 *   The `tools` string is only checked to be a valid string: nothing reads its decoded value;
 * - a JSON array, inner text or raw (`ArrayStream`): split into top-level elements by a light
 *   scanner that tracks strings and nesting (`ValueScan`), each element parsed on its own with
 *   `JSON.parse` (Python's parser when that cannot read it, or always when `exact`).
 *
 * Whatever the reference rejects in the end voids what was emitted: a `skip` for the row, a `reset`
 * when an events text turns out not to be a valid list (Python then uses `[]`) or `events` repeats.
 */

import {Readable} from 'node:stream';
import {isAscii, isUtf8} from 'node:buffer';
import type {PyValue} from '../py/value.js';
import {pyTruthy} from '../py/convert.js';
import {isPyWhitespace} from '../py/unicode.js';
import {firstLine, firstLineEnd, PY_TEXT_CHUNK} from './first-line.js';
import {oddBackslashesBefore} from './closing-quote.js';
import {escapeCut} from './escape-cut.js';
import {parsePyJson, PyJsonError, PY_JSON_MAX_DEPTH} from './py-json.js';
import {shortenUnreadStrings, typeName, type ParseNeeds, type SessionHeader, type SessionPart} from './session-events.js';

export interface RowStreamOptions {
  /** Parse every value with the exact Python-compatible parser instead of JSON.parse. */
  exact: boolean;
  /** What to keep of the row: fields, event keys, a fold over the messages. */
  needs: ParseNeeds;
  /**
   * Bytes handed to the parser at once; smaller input chunks are joined first. Default 64 KiB:
   * as fast as larger pieces, and the strings made from them stay out of V8's large-object space,
   * which only a full GC frees.
   */
  chunkBytes?: number;
  /** An events batch is emitted once its elements' text reaches this many characters. Default 256 Ki. */
  batchChars?: number;
}

/** Events per batch at most, as the in-memory path. */
const BATCH_EVENTS = 8192;

/**
 * A session file's bytes -> its `SessionPart`s, in bounded memory: events are emitted in batches
 * as they are parsed, the header (`end`) or `skip` last. Reads only as far as Python would: the
 * first line and the UTF-8 chunks it decodes after it; the rest of `bytes` is not consumed.
 */
export function streamSessionParts(bytes: Readable, options: RowStreamOptions): Readable {
  return Readable.from(rowParts(bytes, options), {objectMode: true, highWaterMark: 1});
}

async function* rowParts(bytes: AsyncIterable<Uint8Array | string>, options: RowStreamOptions): AsyncGenerator<SessionPart> {
  const chunkBytes = options.chunkBytes ?? 1 << 16;
  const reader = new RowReader(options.exact, options.needs, options.batchChars ?? 1 << 18);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of bytes) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    pending.push(buf);
    pendingBytes += buf.length;
    if (pendingBytes < chunkBytes) continue;
    // Large chunks are cut, so that a stdin row or a test's single buffer streams too.
    const joined = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    for (let at = 0; at < joined.length && !reader.done; at += chunkBytes) {
      reader.push(joined.subarray(at, Math.min(joined.length, at + chunkBytes)));
      yield* reader.take();
    }
    if (reader.done) return;
  }
  if (pendingBytes > 0) reader.push(pending.length === 1 ? pending[0] : Buffer.concat(pending));
  if (!reader.done) reader.finish();
  yield* reader.take();
}

// ---------------------------------------------------------------------------------------------
// Bytes -> the first line's text

const RECENT = PY_TEXT_CHUNK + 3;

/**
 * Feeds the first line's text to a `RowTokenizer`, and decides as `firstLine` does whether Python
 * could read that line at all. Everything before the line end must be valid UTF-8; what Python
 * decodes after it (the rest of the 8 KiB chunk holding the line end, one more when a `\r` ends
 * that chunk) is checked by `firstLine` itself on a stand-in: the bytes from the start of the
 * chunk before the line end's, with that earlier chunk replaced by ASCII but for the end of a
 * character that straddles into the line end's chunk, so chunk boundaries and decoder state match.
 */
class RowReader {
  private readonly out: SessionPart[] = [];
  private readonly row: RowTokenizer;
  private seen = 0;
  private carry: Buffer | undefined;
  /** The chunks holding the last `RECENT` bytes before the current chunk, for the stand-in. */
  private recent: Buffer[] = [];
  private recentBytes = 0;
  private lineEnd = -1;
  private tailParts: Buffer[] = [];
  private tailBase = 0;
  private tailBytes = 0;
  done = false;

  constructor(exact: boolean, needs: ParseNeeds, batchChars: number) {
    this.row = new RowTokenizer(exact, needs, batchChars, this.out);
  }

  /** Parts ready to emit, in order. */
  *take(): Generator<SessionPart> {
    while (this.out.length > 0) yield this.out.shift()!;
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    if (this.lineEnd >= 0) {
      this.tailParts.push(chunk);
      this.tailBytes += chunk.length;
      this.seen += chunk.length;
      this.checkTail(false);
      return;
    }
    const at = firstLineEnd(chunk);
    const text = this.decode(at < 0 ? chunk : chunk.subarray(0, at), at >= 0);
    if (text === undefined) return;
    if (text.length > 0) this.row.feed(text);
    // A row already rejected is skipped whatever follows.
    if (this.row.finished) {
      this.done = true;
      return;
    }
    if (at >= 0) {
      this.lineEnd = this.seen + at;
      this.tailParts = [...this.recent, chunk];
      this.tailBase = this.seen - this.recentBytes;
      this.tailBytes = this.recentBytes + chunk.length;
      this.seen += chunk.length;
      this.checkTail(false);
      return;
    }
    this.recent.push(chunk);
    this.recentBytes += chunk.length;
    while (this.recentBytes - this.recent[0].length >= RECENT) this.recentBytes -= this.recent.shift()!.length;
    this.seen += chunk.length;
  }

  /** The end of the file. */
  finish(): void {
    if (this.done) return;
    if (this.lineEnd >= 0) {
      this.checkTail(true);
      return;
    }
    // No line end: Python decoded the whole file, and an unfinished character at its end raises.
    const text = this.decode(Buffer.alloc(0), true);
    if (text === undefined) return;
    if (text.length > 0) this.row.feed(text);
    this.close({ok: true});
  }

  /** UTF-8 -> text, holding back an unfinished character for the next chunk unless `final`. */
  private decode(bytes: Buffer, final: boolean): string | undefined {
    let all = bytes;
    if (this.carry) {
      all = Buffer.concat([this.carry, bytes]);
      this.carry = undefined;
    }
    const end = final ? all.length : all.length - unfinished(all);
    if (end < all.length) this.carry = Buffer.from(all.subarray(end));
    const whole = all.subarray(0, end);
    if (isAscii(whole)) return whole.toString('latin1');
    if (isUtf8(whole)) return whole.toString('utf8');
    this.close({ok: false, reason: `invalid UTF-8 (in bytes ${this.seen}-${this.seen + bytes.length - 1}, in the first line)`});
    return undefined;
  }

  /** Once Python's decoded bytes past the line end are here (or the file ended), decides. */
  private checkTail(eof: boolean): void {
    const chunkStart = this.lineEnd - (this.lineEnd % PY_TEXT_CHUNK);
    if (!eof && this.tailBase + this.tailBytes < chunkStart + 2 * PY_TEXT_CHUNK) return;
    const all = Buffer.concat(this.tailParts);
    const at = (global: number) => all[global - this.tailBase];
    // The line before the line end is valid UTF-8 (decoded above), so a continuation byte at the
    // chunk start belongs to a character that began at most three bytes earlier.
    let straddle = 0;
    while (straddle < 3 && chunkStart - straddle > 0 && (at(chunkStart - straddle) & 0xc0) === 0x80) straddle++;
    const from = chunkStart - straddle - this.tailBase;
    const to = Math.min(all.length, chunkStart + 2 * PY_TEXT_CHUNK - this.tailBase);
    const standIn = Buffer.concat([Buffer.alloc(PY_TEXT_CHUNK - straddle, 0x61), all.subarray(from, to)]);
    const line = firstLine(standIn);
    this.close(line.ok ? {ok: true} : {ok: false, reason: line.reason});
  }

  private close(verdict: {ok: true} | {ok: false; reason: string}): void {
    this.done = true;
    this.tailParts = [];
    if (verdict.ok) this.row.end();
    else this.row.fail(verdict.reason);
  }
}

/** Bytes at the end of `buf` that start a character it does not finish (0-3). */
function unfinished(buf: Buffer): number {
  for (let n = 1; n <= 3 && n <= buf.length; n++) {
    const b = buf[buf.length - n];
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc0) return 0;
    const needs = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return n < needs ? n : 0;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Scanning JSON text

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const LOWER_U = 0x75;

/** Python's json whitespace (and JSON.parse's). */
function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from);
  return at < 0 ? text.length : at;
}

/** Thrown inside the tokenizer where Python's json would raise; caught where the text began. */
class Invalid extends Error {}

/** Whitespace runs longer than this, outside strings, are kept as one space (ValueScan). */
const SPACE_RUN = 64;

/** The scanner found more nesting than Python decodes. */
const TOO_DEEP = -2;

/**
 * Scans one JSON value that may arrive in several pieces, up to the `,`, `]` or `}` at its own
 * level that ends it, keeping its text. It does not validate: the text is parsed afterwards, and
 * for valid JSON these delimiters and the nesting it counts are exactly the parser's. `room` is
 * how many containers the value may open (Python's limit minus those around it).
 */
class ValueScan {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  chars = 0;

  constructor(private readonly room: number) {}

  /** The index of the delimiter, -1 if `text` ended first, or `TOO_DEEP`. */
  scan(text: string, from: number): number {
    const n = text.length;
    let {depth, inString, escaped} = this;
    let i = from;
    /** Where the text still to keep starts. */
    let segment = from;
    let found = -1;
    while (i < n) {
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        // `i` is not inside an escape: a quote ends the string when the backslashes between `i`
        // and it are even in number.
        const quote = text.indexOf('"', i);
        const odd = oddBackslashesBefore(text, i, quote < 0 ? n : quote);
        if (quote < 0) {
          escaped = odd;
          i = n;
          break;
        }
        if (!odd) inString = false;
        i = quote + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        inString = true;
      } else if (c <= 0x20 && isJsonSpace(c) && isJsonSpace(text.charCodeAt(i + 1))) {
        // A long run of whitespace keeps one space: the value's text stays bounded (a row may pad
        // a value with 200 MB of spaces), and one space still separates what it separated.
        let end = i + 2;
        while (end < n && isJsonSpace(text.charCodeAt(end))) end++;
        if (end - i > SPACE_RUN) {
          this.keep(text.slice(segment, i + 1));
          segment = end;
        }
        i = end;
        continue;
      } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
        if (++depth > this.room) {
          found = TOO_DEEP;
          break;
        }
      } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
        if (depth === 0) {
          found = i;
          break;
        }
        depth--;
      } else if (c === COMMA && depth === 0) {
        found = i;
        break;
      }
      i++;
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    if (found === TOO_DEEP) return TOO_DEEP;
    const end = found < 0 ? n : found;
    if (end > segment) this.keep(segment === 0 && end === n ? text : text.slice(segment, end));
    return found;
  }

  private keep(part: string): void {
    this.parts.push(part);
    this.chars += part.length;
  }

  /** The value's text so far; the scanner starts over. */
  take(): string {
    const text = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    this.chars = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    return text;
  }
}

/**
 * One JSON value's text -> its value, as Python's json gives it (int/float typing aside when not
 * `exact`, see NeedsExactParse). The caller has checked the nesting.
 */
function parseValue(text: string, exact: boolean): PyValue {
  if (!exact) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (value !== undefined && allFinite(value)) return value as PyValue;
  }
  try {
    return parsePyJson(text);
  } catch (error) {
    if (error instanceof PyJsonError) throw new Invalid(error.reason);
    throw error;
  }
}

/** False when JSON.parse overflowed a number: a huge integer literal is an int to Python. */
function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return true;
  const stack: object[] = [value];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'number') {
        if (!Number.isFinite(child)) return false;
      } else if (typeof child === 'object' && child !== null) {
        stack.push(child);
      }
    }
  }
  return true;
}

/** What an array text turned out to be. */
type ArrayOutcome = {kind: 'list'} | {kind: 'value'; value: PyValue};

/**
 * A JSON array read element by element, each handed to `onItem` as soon as it is parsed.
 * Standalone, the text is a whole document (a decoded `events` string): space may surround the
 * array, and a document that is not an array is parsed whole (`value`). Embedded, the text is
 * the row's and starts at the `[`; `feed` then returns where the array ended.
 */
class ArrayStream {
  private state: 'before' | 'items' | 'after' | 'whole' = 'before';
  private first = true;
  private readonly items: ValueScan;
  private whole: ValueScan | undefined;

  constructor(
    private readonly standalone: boolean,
    /** Containers open around the array's elements, the array included. */
    around: number,
    private readonly exact: boolean,
    private readonly onItem: (value: PyValue, chars: number) => void,
    /** Rewrites an element's text before it is parsed (events: see bulk-strings.ts). */
    private readonly rewrite: (text: string) => string = same,
  ) {
    this.items = new ValueScan(PY_JSON_MAX_DEPTH - around);
  }

  /**
   * Reads `text` from `from`. Embedded: returns the index after the closing `]`, or -1 when
   * the text ended first. Throws `Invalid`.
   */
  feed(text: string, from: number): number {
    let i = from;
    const n = text.length;
    while (i < n) {
      switch (this.state) {
        case 'before': {
          while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
          if (i === n) return -1;
          if (text.charCodeAt(i) === OPEN_ARRAY) {
            this.state = 'items';
            i++;
          } else {
            this.state = 'whole';
            this.whole = new ValueScan(PY_JSON_MAX_DEPTH);
          }
          break;
        }
        case 'items': {
          const at = this.items.scan(text, i);
          if (at === TOO_DEEP) throw new Invalid('maximum recursion depth exceeded while decoding a JSON document');
          if (at < 0) return -1;
          const item = this.items.take();
          const c = text.charCodeAt(at);
          if (c === CLOSE_OBJECT) throw new Invalid("Expecting ',' delimiter");
          if (!(c === CLOSE_ARRAY && this.first && isBlank(item))) {
            this.onItem(parseValue(this.rewrite(item), this.exact), item.length);
          }
          this.first = false;
          i = at + 1;
          if (c === CLOSE_ARRAY) {
            if (!this.standalone) return i;
            this.state = 'after';
          }
          break;
        }
        case 'after':
          for (; i < n; i++) if (!isJsonSpace(text.charCodeAt(i))) throw new Invalid('Extra data');
          break;
        case 'whole': {
          const at = this.whole!.scan(text, i);
          if (at === TOO_DEEP) throw new Invalid('maximum recursion depth exceeded while decoding a JSON document');
          if (at >= 0) throw new Invalid('Extra data');
          return -1;
        }
      }
    }
    return -1;
  }

  /** The standalone text ended. Throws `Invalid`. */
  end(): ArrayOutcome {
    switch (this.state) {
      case 'before':
        throw new Invalid('Expecting value');
      case 'items':
        throw new Invalid(this.first && this.items.chars === 0 ? 'Expecting value' : "Expecting ',' delimiter");
      case 'after':
        return {kind: 'list'};
      case 'whole':
        return {kind: 'value', value: parseValue(this.whole!.take(), this.exact)};
    }
  }
}

const same = (text: string): string => text;

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isJsonSpace(text.charCodeAt(i))) return false;
  return true;
}

/**
 * The inside of a JSON string in the row, unescaped piece by piece: each piece is cut where no
 * escape sequence is split and decoded by `JSON.parse` as a string literal, which checks escapes
 * and control characters as Python's json does. Lone and paired `\uXXXX` surrogates decode to
 * the same UTF-16 code units wherever the cut falls.
 */
class StringPieces {
  /** Where the undecoded rest of the text starts when `feed` returned -1. */
  keepFrom = -1;

  constructor(private readonly onPiece: ((decoded: string) => void) | undefined) {}

  /** Returns the index after the closing quote, or -1 (see `keepFrom`). Throws `Invalid`. */
  feed(text: string, from: number): number {
    const n = text.length;
    if (n - from >= OPTIMISTIC) {
      // Most of a long string is neither its end nor invalid: decode the whole piece at once, and
      // look for the closing quote only where that fails.
      const cut = escapeCut(text, from, n);
      const decoded = decodePiece(text, from, cut);
      if (decoded !== undefined) {
        this.onPiece?.(decoded);
        this.keepFrom = cut;
        return -1;
      }
    }
    let i = from;
    let nextQuote = -1;
    let nextBackslash = -1;
    for (;;) {
      if (nextQuote < i) nextQuote = indexOrEnd(text, '"', i);
      if (nextBackslash < i) nextBackslash = indexOrEnd(text, '\\', i);
      if (nextBackslash < nextQuote) {
        const b = nextBackslash;
        const size = text.charCodeAt(b + 1) === LOWER_U ? 6 : 2;
        if (b + size > n) {
          this.piece(text, from, b);
          this.keepFrom = b;
          return -1;
        }
        i = b + 2;
        continue;
      }
      if (nextQuote === n) {
        this.piece(text, from, n);
        this.keepFrom = n;
        return -1;
      }
      this.piece(text, from, nextQuote);
      return nextQuote + 1;
    }
  }

  private piece(text: string, from: number, to: number): void {
    if (to <= from) return;
    const decoded = decodePiece(text, from, to);
    if (decoded === undefined) throw new Invalid('Invalid control character or \\escape in a string');
    this.onPiece?.(decoded);
  }
}

/** Pieces at least this long are decoded before their closing quote is looked for. */
const OPTIMISTIC = 4096;

/** `text[from, to)` as the inside of a JSON string literal, decoded; undefined if it is not one. */
function decodePiece(text: string, from: number, to: number): string | undefined {
  try {
    return JSON.parse('"' + text.slice(from, to) + '"') as string;
  } catch {
    return undefined;
  }
}


// ---------------------------------------------------------------------------------------------
// The row

/** How the current member's value is being read. */
type Member =
  | {kind: 'string'; key: string; opened: boolean; pieces: StringPieces; inner: ArrayStream | undefined; innerFailed: string | undefined}
  | {kind: 'array'; key: string; array: ArrayStream}
  | {kind: 'value'; key: string; scan: ValueScan};

/** What the header needs of `events` or `messages`. */
interface Field {
  /** The value is a list (in the row, or a string that decoded to one): its items were streamed. */
  list: boolean;
  /** Otherwise the value itself; null when absent. */
  value: PyValue;
  /** Why a string was replaced by `[]`. */
  note: string | undefined;
}

const ABSENT: Field = {list: false, value: null, note: undefined};

/**
 * The outer row, fed the first line's text in pieces. Emits event batches into `out` as they
 * parse; `end` (the line ended) or `fail` adds the final part.
 */
class RowTokenizer {
  private state: 'lead' | 'open' | 'key' | 'colon' | 'value' | 'member' | 'next' | 'trail' | 'done' = 'lead';
  /** The start of an escape sequence cut by a piece's end, read again with the next piece. */
  private carry = '';
  private key: StringPieces | undefined;
  private keyParts: string[] = [];
  private currentKey = '';
  private member: Member | undefined;
  private members = 0;
  private readonly header = new Map<string, PyValue>();
  private events: Field = ABSENT;
  private messages: Field = ABSENT;
  /** The messages fold's state over the current messages list. */
  private folded: unknown;
  private readonly headerKeys: ReadonlySet<string>;
  private batch: PyValue[] = [];
  private batchChars = 0;
  /** Events of the current `events` value were emitted: a change of mind needs a `reset`. */
  private emitted = false;

  constructor(
    private readonly exact: boolean,
    private readonly needs: ParseNeeds,
    private readonly maxBatchChars: number,
    private readonly out: SessionPart[],
  ) {
    this.headerKeys = new Set(needs.rowFields);
    this.folded = needs.messages?.init();
  }

  get finished(): boolean {
    return this.state === 'done';
  }

  feed(piece: string): void {
    if (this.state === 'done') return;
    const text = this.carry === '' ? piece : this.carry + piece;
    this.carry = '';
    try {
      this.step(text);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      this.fail(`row is not valid JSON: ${error.message}`);
    }
  }

  /** The line ended. */
  end(): void {
    if (this.state === 'done') return;
    if (this.state === 'lead') return this.fail('empty first line');
    if (this.state !== 'trail' || this.carry !== '') return this.fail('row is not valid JSON: the line ends inside the row');
    if (this.members === 0) return this.fail('row is an empty object');
    this.flush();
    const notes: string[] = [];
    if (this.messages.note) notes.push(this.messages.note);
    if (this.events.note) notes.push(this.events.note);
    if (!this.events.list && pyTruthy(this.events.value)) notes.push(`events is ${typeName(this.events.value)}, not a list; treated as []`);
    const fields = Object.create(null) as Record<string, PyValue>;
    for (const [key, value] of this.header) fields[key] = value;
    const header: SessionHeader = this.messages.list
      ? {fields, messages: null, messagesFolded: {state: this.folded}, notes}
      : {fields, messages: this.messages.value, notes};
    this.state = 'done';
    this.out.push({kind: 'end', header});
  }

  /** Python would not read this row: the file is skipped, whatever was emitted. */
  fail(reason: string): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.batch = [];
    this.out.push({kind: 'skip', reason});
  }

  private step(text: string): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case 'lead': {
          // Python strips the line before decoding it.
          while (i < n && isPyWhitespace(text.charCodeAt(i))) i++;
          if (i === n) return;
          if (text.charCodeAt(i) !== OPEN_OBJECT) return this.fail('first line is not a JSON object');
          this.state = 'open';
          i++;
          break;
        }
        case 'open':
        case 'member': {
          while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
          if (i === n) return;
          const c = text.charCodeAt(i);
          if (c === CLOSE_OBJECT && this.state === 'open') {
            this.state = 'trail';
            i++;
            break;
          }
          if (c !== QUOTE) throw new Invalid('Expecting property name enclosed in double quotes');
          this.state = 'key';
          this.keyParts = [];
          this.key = new StringPieces(part => this.keyParts.push(part));
          i++;
          break;
        }
        case 'key': {
          const after = this.key!.feed(text, i);
          if (after < 0) {
            this.carry = text.slice(this.key!.keepFrom);
            return;
          }
          this.currentKey = this.keyParts.length === 1 ? this.keyParts[0] : this.keyParts.join('');
          this.state = 'colon';
          i = after;
          break;
        }
        case 'colon': {
          while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
          if (i === n) return;
          if (text.charCodeAt(i) !== COLON) throw new Invalid("Expecting ':' delimiter");
          this.state = 'value';
          i++;
          break;
        }
        case 'value': {
          if (this.member === undefined) {
            while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
            if (i === n) return;
            this.member = this.startMember(text.charCodeAt(i));
          }
          const after = this.readMember(this.member, text, i);
          if (after < 0) return;
          i = after;
          break;
        }
        case 'next': {
          while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
          if (i === n) return;
          const c = text.charCodeAt(i);
          if (c === COMMA) this.state = 'member';
          else if (c === CLOSE_OBJECT) this.state = 'trail';
          else throw new Invalid("Expecting ',' delimiter");
          i++;
          break;
        }
        case 'trail': {
          // Python strips the line, so any of its whitespace may follow the row.
          for (; i < n; i++) if (!isPyWhitespace(text.charCodeAt(i))) throw new Invalid('Extra data');
          break;
        }
        case 'done':
          return;
      }
    }
  }

  /** At a member value's first character: how to read it. A repeated key replaces the value. */
  private startMember(c: number): Member {
    const key = this.currentKey;
    this.members++;
    if (key === 'events') {
      this.flush();
      if (this.emitted) this.out.push({kind: 'reset'});
      this.emitted = false;
      this.events = ABSENT;
    } else if (key === 'messages') {
      this.folded = this.needs.messages?.init();
      this.messages = ABSENT;
    }
    if (this.headerKeys.has(key)) return {kind: 'value', key, scan: new ValueScan(PY_JSON_MAX_DEPTH - 1)};
    const streamed = key === 'events' || key === 'messages';
    const onItem = key === 'events' ? this.onEvent : key === 'messages' && this.needs.messages ? this.onMessage : ignore;
    const rewrite = key === 'events' && !this.exact ? this.shorten : same;
    if (c === OPEN_ARRAY) return {kind: 'array', key, array: new ArrayStream(false, 2, this.exact, onItem, rewrite)};
    if (c !== QUOTE) return {kind: 'value', key, scan: new ValueScan(PY_JSON_MAX_DEPTH - 1)};
    if (!streamed) return {kind: 'string', key, opened: false, pieces: new StringPieces(undefined), inner: undefined, innerFailed: undefined};
    // Python decodes the string as a JSON document of its own; if that fails the value is [].
    const member: Member & {kind: 'string'} = {kind: 'string', key, opened: false, pieces: undefined!, inner: new ArrayStream(true, 1, this.exact, onItem, rewrite), innerFailed: undefined};
    member.pieces = new StringPieces(decoded => {
      if (member.innerFailed !== undefined) return;
      try {
        member.inner!.feed(decoded, 0);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        this.innerFailed(member, error.message);
      }
    });
    return member;
  }

  /** Reads the member's value from `i`: returns the index after it, or -1 when the text ended first. */
  private readMember(member: Member, text: string, i: number): number {
    switch (member.kind) {
      case 'string': {
        if (!member.opened) {
          member.opened = true;
          i++;
        }
        const after = member.pieces.feed(text, i);
        if (after < 0) {
          this.carry = text.slice(member.pieces.keepFrom);
          return -1;
        }
        if (member.inner && member.innerFailed === undefined) {
          try {
            const outcome = member.inner.end();
            this.setField(member.key, outcome.kind === 'list' ? {list: true, value: null, note: undefined} : {list: false, value: outcome.value, note: undefined});
          } catch (error) {
            if (!(error instanceof Invalid)) throw error;
            this.innerFailed(member, error.message);
          }
        }
        return this.memberDone(after);
      }
      case 'array': {
        const after = member.array.feed(text, i);
        if (after < 0) return -1;
        this.setField(member.key, {list: true, value: null, note: undefined});
        return this.memberDone(after);
      }
      case 'value': {
        const at = member.scan.scan(text, i);
        if (at === TOO_DEEP) throw new Invalid('maximum recursion depth exceeded while decoding a JSON document');
        if (at < 0) return -1;
        const c = text.charCodeAt(at);
        if (c === CLOSE_ARRAY) throw new Invalid("Expecting ',' delimiter");
        const value = parseValue(member.scan.take(), this.exact);
        if (this.headerKeys.has(member.key)) this.header.set(member.key, value);
        else this.setField(member.key, {list: false, value, note: undefined});
        this.member = undefined;
        this.state = c === COMMA ? 'member' : 'trail';
        return at + 1;
      }
    }
  }

  private memberDone(after: number): number {
    this.member = undefined;
    this.state = 'next';
    return after;
  }

  /** The decoded text of an `events` or `messages` string is not valid JSON: Python uses []. */
  private innerFailed(member: Member & {kind: 'string'}, reason: string): void {
    member.innerFailed = reason;
    member.inner = undefined;
    this.setField(member.key, {list: true, value: null, note: `${member.key} string is not valid JSON (${reason}); used []`});
    if (member.key === 'events') {
      this.batch = [];
      this.batchChars = 0;
      if (this.emitted) this.out.push({kind: 'reset'});
      this.emitted = false;
    } else {
      this.folded = this.needs.messages?.init();
    }
  }

  private setField(key: string, field: Field): void {
    if (key === 'events') this.events = field;
    else if (key === 'messages') this.messages = field;
  }

  private readonly onEvent = (value: PyValue, chars: number): void => {
    this.batch.push(value);
    this.batchChars += chars;
    if (this.batch.length >= BATCH_EVENTS || this.batchChars >= this.maxBatchChars) this.flush();
  };

  private readonly onMessage = (value: PyValue): void => {
    this.folded = this.needs.messages!.add(this.folded, value);
  };

  private readonly shorten = (text: string): string => shortenUnreadStrings(text, this.needs.eventKeys);

  private flush(): void {
    if (this.batch.length === 0) return;
    this.out.push({kind: 'events', events: this.batch});
    this.emitted = true;
    this.batch = [];
    this.batchChars = 0;
  }
}

function ignore(): void {}

