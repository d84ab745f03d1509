/**
 * Seeded generators for the parse tests (JSON texts in Python's dialect, their mutations, session
 * file bytes) and a canonical form of a decoded value that Python and JavaScript both build, so
 * one string comparison checks type, value and key order.
 */

import {accessSync, constants} from 'node:fs';
import {tmpdir} from 'node:os';
import {KEY_ORDER, isDict, type PyValue} from '../../src/py/value.js';
import {PY_JSON_MAX_DEPTH} from '../../src/py/json-loads.js';
import {Rng} from '../py/generate.js';

export {Rng};

/**
 * Where the tests write the files Python reads: tmpfs when there is one, since thousands of small
 * files on a busy disk take seconds. Python reads them the same way (checked on both).
 */
export function scratchRoot(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/**
 * Python side of `canonical`: `enc(value)` gives the same string as `canonical` does for the
 * value our parser returns. Floats travel as their bit pattern, strings as UTF-16 code units:
 * a JS string cannot tell a lone high surrogate followed by a lone low one (Python: two code
 * points, from `"\\ud83d` + a raw U+DE00 in a double-encoded string) from the astral character
 * they pair into, so that is all the comparison can ask.
 */
export const PY_CANONICAL = `
import json, struct, sys
sys.setrecursionlimit(100000)
def enc(v):
    if v is None: return 'n'
    if v is True: return 't'
    if v is False: return 'f'
    if isinstance(v, int): return 'i' + str(v)
    if isinstance(v, float): return 'dnan' if v != v else 'd' + struct.pack('>d', v).hex()
    if isinstance(v, str): return 's' + v.encode('utf-16-be', 'surrogatepass').hex() + ';'
    # Plain loops: a call through map() or a generator would spend CPython's C recursion budget.
    parts = []
    if isinstance(v, list):
        for x in v: parts.append(enc(x))
        return '[' + ','.join(parts) + ']'
    if isinstance(v, dict):
        for k in v: parts.append(enc(k) + ':' + enc(v[k]))
        return '{' + ','.join(parts) + '}'
    raise TypeError(type(v))
def outcome(f):
    try: v = f()
    except RecursionError: return 'E:depth'
    except ValueError as e: return 'E:digits' if 'limit' in str(e) and 'digits' in str(e) else 'E'
    return enc(v)
`;

const view = new DataView(new ArrayBuffer(8));

function utf16Hex(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += s.charCodeAt(i).toString(16).padStart(4, '0');
  return out;
}

/** The canonical form of a parsed value (see `PY_CANONICAL`). */
export function canonical(value: PyValue): string {
  if (value === null) return 'n';
  if (value === true) return 't';
  if (value === false) return 'f';
  if (typeof value === 'bigint') return 'i' + value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'dnan';
    view.setFloat64(0, value);
    return 'd' + view.getBigUint64(0).toString(16).padStart(16, '0');
  }
  if (typeof value === 'string') return 's' + utf16Hex(value) + ';';
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
  if (isDict(value)) {
    const keys = (value as {[KEY_ORDER]?: string[]})[KEY_ORDER];
    if (!keys) throw new Error('dict without KEY_ORDER');
    return '{' + keys.map(k => canonical(k) + ':' + canonical(value[k])).join(',') + '}';
  }
  throw new TypeError(`not a PyValue: ${String(value)}`);
}

/** JSON whitespace as Python's decoder accepts it: mostly none. */
function ws(rng: Rng): string {
  if (rng.chance(0.7)) return '';
  return rng.pick([' ', '  ', '\t', '\n', '\r', '\r\n', ' \n\t ']);
}

function digits(rng: Rng, n: number): string {
  let s = String(rng.int(1, 9));
  while (s.length < n) s += String(rng.int(0, 9));
  return s;
}

function intText(rng: Rng): string {
  const sign = rng.chance(0.3) ? '-' : '';
  switch (rng.int(0, 5)) {
    case 0:
      return sign + String(rng.int(0, 1000));
    case 1:
      return sign + String(2n ** 53n + BigInt(rng.int(-3, 3)));
    case 2:
      return sign + digits(rng, rng.int(14, 40));
    case 3:
      return rng.pick(['0', '-0', '9223372036854775807', '-9223372036854775808', '18446744073709551616']);
    case 4:
      return sign + (rng.chance(0.02) ? digits(rng, rng.int(4299, 4301)) : digits(rng, rng.int(1, 20)));
    default:
      return sign + String(rng.int(0, 2 ** 31));
  }
}

/** A decimal string exactly halfway between two adjacent doubles, or a hair off it. */
function tieText(rng: Rng): string {
  view.setUint32(0, rng.u32() & 0x7fefffff);
  view.setUint32(4, rng.u32());
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  const odd = 2n * mantissa + 1n;
  const e2 = exponent - 1;
  let text = e2 >= 0 ? (odd << BigInt(e2)).toString() : (odd * 5n ** BigInt(-e2)).toString();
  let e10 = e2 >= 0 ? 0 : e2;
  switch (rng.int(0, 3)) {
    case 0:
      break;
    case 1:
      text += '1';
      e10 -= 1;
      break;
    case 2: {
      const keep = rng.int(1, Math.min(text.length, 25));
      e10 += text.length - keep;
      text = text.slice(0, keep);
      break;
    }
    default: {
      // Scientific form with a fraction: d.ddd e N.
      const e = e10 + text.length - 1;
      return `${text[0]}.${text.slice(1) || '0'}${rng.pick(['e', 'E'])}${e >= 0 && rng.chance(0.5) ? '+' : ''}${e}`;
    }
  }
  return `${text}${rng.pick(['e', 'E'])}${e10}`;
}

function floatText(rng: Rng): string {
  const sign = rng.chance(0.3) ? '-' : '';
  switch (rng.int(0, 4)) {
    case 0:
      return sign + `${rng.int(0, 99999)}.${digits(rng, rng.int(1, 20))}`;
    case 1:
      return sign + `${digits(rng, rng.int(1, 20))}${rng.pick(['e', 'E'])}${rng.pick(['', '+', '-'])}${rng.int(0, 400)}`;
    case 2:
      return sign + tieText(rng);
    case 3:
      return rng.pick([
        '0.0', '-0.0', '0e0', '-0E-0', '1e400', '-1e400', '1e-400', '1.0', '9007199254740993.0', '1e23',
        '2.2250738585072011e-308', '2.2250738585072012e-308', '4.9406564584124654e-324',
        '2.4703282292062327e-324', '2.4703282292062328e-324', '1.7976931348623157e308',
        '1.7976931348623158e308', '1.7976931348623159e308', '0.1', '5e-324', '1e16', '123.456e-7',
      ]);
    default:
      return sign + String(rng.next() * 10 ** rng.int(-10, 25)).replace('Infinity', '1e999');
  }
}

const HEX = '0123456789abcdefABCDEF';

function hex4(rng: Rng, lo: number, hi: number): string {
  const s = rng.int(lo, hi).toString(16).padStart(4, '0');
  return Array.from(s, c => (rng.chance(0.3) ? c.toUpperCase() : c)).join('');
}

/** A JSON string literal with escapes, raw non-ASCII, surrogate escapes (paired and lone). */
export function stringText(rng: Rng, maxPieces = 8): string {
  let s = '"';
  const n = rng.int(0, maxPieces);
  for (let i = 0; i < n; i++) {
    switch (rng.int(0, 9)) {
      case 0:
      case 1:
        s += rng.pick(['abc', 'hello world', 'x', 'user', 'tool_call', '2026-04-24T10:00:00', '\'', '0', 'null']);
        break;
      case 2:
        s += '\\' + rng.pick(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
        break;
      case 3:
        s += '\\u' + hex4(rng, 0, 0xffff);
        break;
      case 4:
        s += '\\u' + hex4(rng, 0xd800, 0xdbff) + (rng.chance(0.6) ? '\\u' + hex4(rng, 0xdc00, 0xdfff) : '');
        break;
      case 5:
        s += '\\u' + hex4(rng, 0xdc00, 0xdfff);
        break;
      case 6:
        s += String.fromCodePoint(rng.pick([0xe9, 0x7f, 0x85, 0xa0, 0x2028, 0x3000, 0xfeff, 0x20ac, 0xff5e, 0x1f680, 0x10ffff]));
        break;
      case 7:
        s += String.fromCharCode(rng.int(0xd800, 0xdfff));
        break;
      case 8:
        s += String.fromCharCode(rng.int(0x100, 0xd7ff));
        break;
      default:
        if (rng.chance(0.1)) s += rng.pick(['\x00', '\x1f', '\t', '\n', '\\x', '\\u12G4', '\\U0041', '\\']);
        else s += rng.pick(['{', '}', '[', ']', ',', ':', ' ', HEX[rng.int(0, 21)]]);
    }
  }
  return s + '"';
}

const KEYS = ['"a"', '"b"', '"__proto__"', '"1"', '"0"', '"constructor"', '"toString"', '"events"', '"-1"', '"10"', '"a\\u0000"', '""'];

/** `text` with raw CR and LF (JSON whitespace there) turned into spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}

/** Brackets `depth` deep (arrays and objects mixed) around `inner`. */
export function nested(rng: Rng, depth: number, inner: string): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    if (rng.chance(0.5)) {
      open += '[' + ws(rng);
      close = ws(rng) + ']' + close;
    } else {
      open += '{' + ws(rng) + '"k"' + ws(rng) + ':' + ws(rng);
      close = ws(rng) + '}' + close;
    }
  }
  return open + inner + close;
}

/** A JSON text in Python's dialect; `depth` is how deep in the document it will stand. */
export function valueText(rng: Rng, depth = 0): string {
  if (depth <= 1 && rng.chance(0.03)) {
    // Nesting that brings the document around Python's limit.
    const total = PY_JSON_MAX_DEPTH + rng.int(-3, 2);
    return nested(rng, Math.max(0, total - depth - 1), rng.pick(['1', '[]', '{}', '"x"']));
  }
  switch (rng.int(0, depth > 3 ? 5 : 8)) {
    case 0:
      return intText(rng);
    case 1:
      return floatText(rng);
    case 2:
    case 3:
      return stringText(rng);
    case 4:
      return rng.pick(['null', 'true', 'false', 'NaN', 'Infinity', '-Infinity']);
    case 5:
      return String(rng.int(0, 100));
    case 6: {
      const items = Array.from({length: rng.int(0, 4)}, () => ws(rng) + valueText(rng, depth + 1) + ws(rng));
      return '[' + (items.length ? items.join(',') : ws(rng)) + ']';
    }
    default: {
      const members = Array.from({length: rng.int(0, 5)}, () => {
        const key = rng.chance(0.7) ? rng.pick(KEYS) : stringText(rng, 3);
        return ws(rng) + key + ws(rng) + ':' + ws(rng) + valueText(rng, depth + 1) + ws(rng);
      });
      return '{' + (members.length ? members.join(',') : ws(rng)) + '}';
    }
  }
}

const NOISE = ['"', '\\', ',', ':', '[', ']', '{', '}', '\x00', '\x1f', '\x7f', 'e', 'E', '.', '-', '+', '0', '1', ' ',
  '\t', '\r\n', '\n', '\ufeff', '\u00a0', '\v', '\f', '\u2028', 'N', 'I', 'u', '\ud800', 'x', '\\u', '/'];

/** A text derived from `text` that is often invalid: cut, spliced, a character replaced, etc. */
export function mutate(rng: Rng, text: string): string {
  const at = rng.int(0, text.length);
  switch (rng.int(0, 8)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(rng.int(at, text.length));
    case 2:
      return text.slice(0, at) + rng.pick(NOISE) + text.slice(at + 1);
    case 3:
      return text.slice(0, at) + rng.pick(NOISE) + text.slice(at);
    case 4:
      return '\ufeff' + text;
    case 5:
      return text + rng.pick([' x', ',', ' ', '\n', '\u00a0', '\v', '\f', ' 1', ']', '}', '\x1c']);
    case 6:
      return rng.pick(['', ' ', '\t\r\n', '\u00a0', '\f', '\x85']) + text;
    case 7: {
      const from = rng.int(0, text.length);
      return text.slice(0, at) + text.slice(from, from + rng.int(1, 20)) + text.slice(at);
    }
    default:
      return text.slice(0, at) + '\r\n' + text.slice(at);
  }
}

/** Generated JSON texts: valid ones and mutated ones, alternating at random. */
export function jsonTexts(rng: Rng, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const text = ws(rng) + valueText(rng) + ws(rng);
    out.push(rng.chance(0.4) ? mutate(rng, text) : text);
  }
  return out;
}

const CHUNK = 8192;

/** Byte sequences that are invalid, unfinished, or valid but special, for `fileBytes`. */
const ODD_BYTES = [
  [0xff], [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xa0], [0xed, 0x9f], [0xe2, 0x82], [0xf0, 0x9f, 0x98],
  [0xf4, 0x90, 0x80, 0x80], [0xe0, 0x80, 0x80], [0xe0, 0xa0], [0xf0, 0x8f], [0xc2], [0xfe], [0xe2, 0x82, 0xac],
  [0xf0, 0x9f, 0x98, 0x80], [0x0d], [0x0a], [0x0d, 0x0a], [0xc2, 0x85], [0xef, 0xbb, 0xbf],
];
const LINE_ENDS = [[0x0a], [0x0d, 0x0a], [0x0d], [0x0d, 0x0d], [0x0a, 0x0d]];
const SPACES = [[0x20], [0x09], [0x0b], [0x0c], [0x1c], [0x1f], [0xc2, 0x85], [0xc2, 0xa0], [0xe3, 0x80, 0x80], [0xe2, 0x80, 0xa8], [0xef, 0xbb, 0xbf]];
const FILLER = [[0x61], [0x62], [0x7b], [0x22], [0x20], [0x31], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80]];

/** Where a byte sequence is most likely to matter: chunk edges, the line end, the end of file. */
function hotSpot(rng: Rng, size: number, lineEnd: number): number {
  switch (rng.int(0, 3)) {
    case 0:
      return CHUNK * rng.int(1, 3) + rng.int(-5, 4);
    case 1:
      return lineEnd < 0 ? rng.int(0, size) : lineEnd + rng.int(-3, 4);
    case 2:
      return size - rng.int(1, 4);
    default:
      return rng.int(0, size);
  }
}

/**
 * A session file's bytes: `line` (or filler) first, then line ends and odd bytes near the
 * 8192-byte chunk edges, the first line end and the end of file, for the first-line tests.
 */
export function fileBytes(rng: Rng, line: Uint8Array = new Uint8Array(0)): Uint8Array {
  const size = rng.pick([
    () => rng.int(0, 64),
    () => CHUNK * rng.int(1, 3) + rng.int(-6, 6),
    () => rng.int(0, 3 * CHUNK + 10),
  ])();
  const lead = rng.chance(0.3) ? spaces(rng) : [];
  const trail = line.length > 0 && rng.chance(0.3) ? spaces(rng) : [];
  const head = lead.length + line.length + trail.length;
  const out = new Uint8Array(Math.max(size, head));
  out.set(lead);
  out.set(line, lead.length);
  out.set(trail, lead.length + line.length);
  // Filler; its last character may be cut short: an unfinished one at the end of file.
  const ascii = rng.chance(0.5);
  for (let at = head; at < out.length; ) {
    const seq = ascii ? [0x61 + rng.int(0, 25)] : rng.pick(FILLER);
    for (let i = 0; i < seq.length && at < out.length; i++) out[at++] = seq[i];
  }
  const put = (at: number, seq: number[]) => {
    for (let i = 0; i < seq.length && at + i < out.length; i++) if (at + i >= 0) out[at + i] = seq[i];
  };
  const firstEnd = () => {
    const lf = out.indexOf(0x0a);
    const cr = out.indexOf(0x0d);
    return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
  };
  for (let n = rng.int(0, 2); n > 0; n--) put(line.length > 0 && rng.chance(0.5) ? head : hotSpot(rng, out.length, firstEnd()), rng.pick(LINE_ENDS));
  for (let n = rng.int(0, 2); n > 0; n--) put(hotSpot(rng, out.length, firstEnd()), rng.pick(ODD_BYTES));
  return out;
}

function spaces(rng: Rng): number[] {
  const out: number[] = [];
  for (let n = rng.int(1, 3); n > 0; n--) out.push(...rng.pick(SPACES));
  return out;
}

/** `text` as a JSON string literal, non-ASCII escaped as Python's `json.dumps` does by default. */
export function jsonStringLiteral(text: string, asciiOnly: boolean): string {
  const literal = JSON.stringify(text);
  return asciiOnly ? jsonAscii(literal) : literal;
}

const EVENT_TYPES = ['"llm_call"', '"tool_call"', '"tool_output"', '"error"', '"feedback"', '"pro_cta_click"', '"x"'];

/** The text of an `events` (or `messages`, `tools`) list: event-like dicts, sometimes odd. */
function eventsText(rng: Rng): string {
  const events = Array.from({length: rng.int(0, 4)}, () => {
    const data = rng.chance(0.05) ? nested(rng, PY_JSON_MAX_DEPTH - 2 + rng.int(-1, 1), '1') : valueText(rng, 2);
    return `{"event_type": ${rng.pick(EVENT_TYPES)}, "timestamp": "2026-04-24T10:00:00", "data": ${data}}`;
  });
  const text = '[' + events.join(', ') + ']';
  return rng.chance(0.25) ? mutate(rng, text) : rng.chance(0.05) ? valueText(rng) : text;
}

/** A value for one of the double-encoded fields: mostly a string holding JSON, sometimes not. */
function doubleEncoded(rng: Rng): string {
  if (rng.chance(0.8)) return jsonStringLiteral(eventsText(rng), rng.chance(0.5));
  return valueText(rng, 1);
}

/** A session row's JSON text, as the uploader writes it or damaged. */
export function rowText(rng: Rng): string {
  const members: string[] = [];
  const add = (key: string, value: string) => members.push(`"${key}": ${value}`);
  if (rng.chance(0.9)) add('session_id', rng.chance(0.8) ? `"s${rng.int(0, 99)}"` : valueText(rng, 1));
  for (const key of ['messages', 'events', 'tools']) if (rng.chance(0.85)) add(key, doubleEncoded(rng));
  if (rng.chance(0.3)) add(rng.pick(['user_id', 'model_name', 'events', 'x', '__proto__']), doubleEncoded(rng));
  if (rng.chance(0.03)) add('deep', nested(rng, PY_JSON_MAX_DEPTH - 1 + rng.int(-1, 1), '1'));
  let text = rng.chance(0.05) ? valueText(rng) : '{' + members.join(', ') + '}';
  // The uploader writes one line; a raw line break would end the row early.
  if (rng.chance(0.85)) text = oneLine(text);
  return rng.chance(0.15) ? mutate(rng, text) : text;
}

/**
 * A session row shaped like the uploader's (Python `json.dumps`, `ensure_ascii`, with `messages`,
 * `events` and `tools` double-encoded), for throughput measurements: about 0.36 MB by default.
 */
export function realisticRow(rng: Rng, events = 400, messages = 120): string {
  const words = ['the', 'model', 'calls', 'a', 'tool', 'to', 'read', 'file', 'déjà', 'vu', '→', 'naïve', '"quoted"', 'path/to/x.py',
    'def f(x):\n    return x', '\ttab', '😀', 'result', 'error', 'json'];
  const text = (n: number) => Array.from({length: n}, () => rng.pick(words)).join(' ');
  const stamp = () => `2026-04-24T10:${String(rng.int(0, 59)).padStart(2, '0')}:00.${rng.int(100000, 999999)}`;
  const eventData: Record<string, () => unknown> = {
    llm_call: () => ({model: 'm', prompt_tokens: rng.int(100, 90000), completion_tokens: rng.int(1, 4000), cache_read_tokens: rng.int(0, 80000),
      cache_creation_tokens: 0, cost_usd: rng.next() * 0.5, latency_ms: rng.int(100, 30000)}),
    tool_output: () => ({tool: 'bash', success: rng.chance(0.8), output: text(rng.int(5, 200))}),
    tool_call: () => ({tool: 'bash', arguments: {cmd: text(10)}}),
    feedback: () => ({rating: 'up'}),
    hf_job_complete: () => ({flavor: 'a10g-small', wall_time_s: rng.next() * 3000, final_status: 'COMPLETED'}),
  };
  const types = Object.keys(eventData);
  const dumps = (v: unknown) => jsonAscii(JSON.stringify(v));
  return dumps({
    session_id: 'sess-1', user_id: 'u1', session_start_time: '2026-04-24T10:00:00', model_name: 'm',
    messages: dumps(Array.from({length: messages}, (_, i) => ({role: i % 2 ? 'assistant' : 'user', content: text(rng.int(20, 400))}))),
    events: dumps(Array.from({length: events}, () => {
      const type = rng.pick(types);
      return {event_type: type, timestamp: stamp(), data: eventData[type]()};
    })),
    tools: dumps(Array.from({length: 12}, (_, i) => ({name: `tool${i}`, description: text(30), parameters: {type: 'object'}}))),
  });
}

function jsonAscii(json: string): string {
  return json.replace(/[^\x00-\x7e]/g, c => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
