/**
 * Python 3.12 `json.loads(str)` with default settings, value for value: the exact parser behind
 * the fast path (`JSON.parse`), used when a session holds something `JSON.parse` reads
 * differently (NaN, big integers, ints vs floats) and for the rows that must print exactly.
 *
 * Python's decoder is stricter or looser than `JSON.parse` in a few places, all kept here:
 * `NaN`, `Infinity` and `-Infinity` literals; integers of any size (as `bigint`) up to 4300
 * digits; a leading U+FEFF rejected; whitespace only ` \t\n\r`; duplicate keys keep their first
 * position with the last value; and a nesting limit (see `PY_JSON_MAX_DEPTH`).
 *
 * Strings are JS strings, so one case cannot be kept apart: an escaped high surrogate followed by
 * a raw low surrogate (possible only in a double-encoded string, whose outer decode left the raw
 * lone surrogate) is two code points in Python and reads here as the astral character they pair
 * into. `json.dumps` prints both alike; only sorting and set membership could tell.
 */

import {KEY_ORDER, type PyDict, type PyValue} from './value.js';

/**
 * The deepest nesting of arrays and objects the reference decodes: 1497 containers open at
 * once; one more and CPython raises RecursionError.
 *
 * CPython 3.12 counts C-level recursion (`Py_EnterRecursiveCall`, once per `[` or `{`) against a
 * fixed budget of 1500 that Python-to-Python calls do not spend, so the limit does not depend on
 * how deep in Python code `json.loads` is called. Measured with the oracle by bisection on a
 * one-file dataset: nesting inside an event's `data` (the inner `events` string) and inside the
 * row itself, arrays and objects alike, with `--daily-backfill` and with `--stdin`: all eight
 * give 1497 (1497 decodes, 1498 makes the events `[]` or skips the file).
 */
export const PY_JSON_MAX_DEPTH = 1497;

/** Python's limit on the digits of an integer literal (`sys.int_info.default_max_str_digits`). */
const MAX_INT_DIGITS = 4300;

/** Thrown where Python's `json.loads` raises (JSONDecodeError, RecursionError, ValueError). */
export class PyJsonError extends Error {
  constructor(
    readonly reason: string,
    /** UTF-16 index into the text where Python would report the problem. */
    readonly pos: number,
  ) {
    super(`${reason} (char ${pos})`);
    this.name = 'PyJsonError';
  }
}

/** Parses `text` exactly as Python 3.12 `json.loads(text)` does, or throws `PyJsonError`. */
export function parsePyJson(text: string): PyValue {
  if (text.charCodeAt(0) === 0xfeff) throw new PyJsonError('Unexpected UTF-8 BOM', 0);
  return new Parser(text).document();
}

/**
 * True when `value` (a `JSON.parse` result) nests arrays and objects more than `limit` deep,
 * counting the outermost container as 1: with `PY_JSON_MAX_DEPTH`, whether Python would have
 * raised RecursionError on the text. Iterative, so any depth is safe.
 */
export function exceedsDepth(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: object[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const depth = depths.pop()!;
    if (depth > limit) return true;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** An open array or object while its members are parsed; `key` is the member being read. */
interface Frame {
  array: PyValue[] | undefined;
  dict: PyDict | undefined;
  keys: string[] | undefined;
  key: string;
}

/** A raw control character, which Python's strict decoder refuses inside a string. */
const CONTROL = /[\x00-\x1f]/;

/** Whether the quote at `at` is escaped: an odd run of backslashes stands before it. */
function escapedQuote(text: string, at: number): boolean {
  let i = at - 1;
  while (text.charCodeAt(i) === BACKSLASH) i--;
  return (at - 1 - i) % 2 === 1;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function newDict(keys: string[]): PyDict {
  const dict = Object.create(null) as PyDict;
  // Not enumerable: spreads, Object.keys and test equality see only the Python keys.
  Object.defineProperty(dict, KEY_ORDER, {value: keys, writable: true, configurable: true});
  return dict;
}

function setKey(frame: Frame, value: PyValue): void {
  const dict = frame.dict!;
  if (dict[frame.key] === undefined) frame.keys!.push(frame.key);
  dict[frame.key] = value;
}

/**
 * One parse. Containers live on an explicit stack instead of the JS call stack, so the depth
 * limit is Python's, never V8's.
 */
class Parser {
  private pos = 0;
  private readonly stack: Frame[] = [];

  constructor(private readonly text: string) {}

  document(): PyValue {
    this.pos = this.skipSpace(0);
    const value = this.values();
    const end = this.skipSpace(this.pos);
    if (end !== this.text.length) this.fail('Extra data', end);
    return value;
  }

  /** Parses one value and everything it contains; leaves `pos` just after it. */
  private values(): PyValue {
    const {text, stack} = this;
    for (;;) {
      let value: PyValue;
      // Read a value, or open a container and go read its first member.
      const c = text.charCodeAt(this.pos);
      if (c === QUOTE) {
        value = this.string();
      } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
        if (stack.length >= PY_JSON_MAX_DEPTH) this.fail('maximum recursion depth exceeded while decoding a JSON document');
        this.pos = this.skipSpace(this.pos + 1);
        if (c === OPEN_ARRAY) {
          if (text.charCodeAt(this.pos) !== CLOSE_ARRAY) {
            stack.push({array: [], dict: undefined, keys: undefined, key: ''});
            continue;
          }
          this.pos++;
          value = [];
        } else {
          const keys: string[] = [];
          const dict = newDict(keys);
          if (text.charCodeAt(this.pos) !== CLOSE_OBJECT) {
            stack.push({array: undefined, dict, keys, key: this.memberKey()});
            continue;
          }
          this.pos++;
          value = dict;
        }
      } else {
        value = this.scalar(c);
      }
      // Hand the value to its container; close every container that ends here.
      for (;;) {
        const frame = stack[stack.length - 1];
        if (frame === undefined) return value;
        if (frame.array) frame.array.push(value);
        else setKey(frame, value);
        this.pos = this.skipSpace(this.pos);
        const next = text.charCodeAt(this.pos);
        if (next === COMMA) {
          this.pos = this.skipSpace(this.pos + 1);
          if (!frame.array) frame.key = this.memberKey();
          break;
        }
        if (next !== (frame.array ? CLOSE_ARRAY : CLOSE_OBJECT)) this.fail("Expecting ',' delimiter");
        this.pos++;
        stack.pop();
        value = frame.array ?? frame.dict!;
      }
    }
  }

  /** At a key's opening quote: reads `"key" :` and the space after it. */
  private memberKey(): string {
    if (this.text.charCodeAt(this.pos) !== QUOTE) this.fail('Expecting property name enclosed in double quotes');
    const key = this.string();
    this.pos = this.skipSpace(this.pos);
    if (this.text.charCodeAt(this.pos) !== COLON) this.fail("Expecting ':' delimiter");
    this.pos = this.skipSpace(this.pos + 1);
    return key;
  }

  private scalar(c: number): PyValue {
    const {text, pos} = this;
    if (c === MINUS || isDigit(c)) {
      if (c === MINUS && text.startsWith('Infinity', pos + 1)) {
        this.pos += 9;
        return -Infinity;
      }
      return this.number();
    }
    for (const [word, value] of LITERALS) {
      if (text.startsWith(word, pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail('Expecting value');
  }

  /** `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`: a bigint without fraction and exponent. */
  private number(): PyValue {
    const {text} = this;
    const start = this.pos;
    let i = start;
    if (text.charCodeAt(i) === MINUS) i++;
    const intStart = i;
    if (text.charCodeAt(i) === ZERO) i++;
    else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i++;
    else this.fail('Expecting value');
    const intEnd = i;
    // Python backs off a '.' or 'e' without digits, then fails on the character left over.
    if (text.charCodeAt(i) === DOT && isDigit(text.charCodeAt(i + 1))) {
      i += 2;
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      let j = i + 1;
      const sign = text.charCodeAt(j);
      if (sign === MINUS || sign === 0x2b) j++;
      if (isDigit(text.charCodeAt(j))) {
        while (isDigit(text.charCodeAt(j))) j++;
        i = j;
      }
    }
    this.pos = i;
    if (i === intEnd) {
      if (intEnd - intStart > MAX_INT_DIGITS) {
        this.pos = start;
        this.fail(`Exceeds the limit (${MAX_INT_DIGITS} digits) for integer string conversion`);
      }
      // Short literals go through a double, which holds them exactly and is quicker to convert.
      return intEnd - intStart <= 15 ? BigInt(+text.slice(start, i)) : BigInt(text.slice(start, i));
    }
    return +text.slice(start, i);
  }

  /** At an opening quote: the decoded string; `pos` ends after the closing quote. */
  private string(): string {
    const {text} = this;
    const begin = this.pos;
    let end = text.indexOf('"', begin + 1);
    if (end < 0) return this.badString(begin);
    const plain = text.slice(begin + 1, end);
    if (!plain.includes('\\')) {
      if (CONTROL.test(plain)) return this.badString(begin);
      this.pos = end + 1;
      return plain;
    }
    // The string ends at the first quote after an even run of backslashes (Python agrees).
    while (escapedQuote(text, end)) {
      end = text.indexOf('"', end + 1);
      if (end < 0) return this.badString(begin);
    }
    this.pos = end + 1;
    // Python's escapes are JSON's, and V8 decodes them (and rejects control characters) far
    // faster than a loop here can; a lone surrogate escape stays a lone code unit in both.
    try {
      return JSON.parse(text.slice(begin, end + 1)) as string;
    } catch {
      return this.badString(begin);
    }
  }

  /** Finds the first problem in the string literal at `begin` and throws Python's error for it. */
  private badString(begin: number): never {
    const {text} = this;
    for (let i = begin + 1; ; ) {
      const c = text.charCodeAt(i);
      if (c !== c) this.fail('Unterminated string starting at', begin);
      if (c < 0x20) this.fail('Invalid control character at', i);
      if (c === BACKSLASH) {
        const escape = text.charCodeAt(i + 1);
        if (escape !== escape) this.fail('Unterminated string starting at', begin);
        if (escape === 0x75 && !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) this.fail('Invalid \\uXXXX escape', i + 1);
        if (!'"\\/bfnrtu'.includes(String.fromCharCode(escape))) this.fail('Invalid \\escape', i);
        i += escape === 0x75 ? 6 : 2;
        continue;
      }
      if (c === QUOTE) throw new Error('unreachable: string literal is valid');
      i++;
    }
  }

  private skipSpace(i: number): number {
    const {text} = this;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
      i++;
    }
  }

  private fail(reason: string, pos = this.pos): never {
    throw new PyJsonError(reason, pos);
  }
}

const LITERALS: ReadonlyArray<readonly [string, PyValue]> = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['NaN', NaN],
  ['Infinity', Infinity],
];
