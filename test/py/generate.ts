/**
 * Seeded generators for the Python comparison tests, and a JSON-safe encoding of their values.
 *
 * JSON cannot carry every double exactly through both languages (NaN, -0.0, infinities) nor
 * every string (lone surrogates are fine as escapes, but pairs would merge), so floats travel as
 * their 64-bit pattern in hex and strings as arrays of code points.
 */

import {KEY_ORDER, type PyDict, type PyValue} from '../../src/py/value.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same cases on every run. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** A uniform float in [0, 1). */
  next(): number {
    return this.u32() / 2 ** 32;
  }
  /** A uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const view = new DataView(new ArrayBuffer(8));

/** A double from a uniformly random bit pattern (includes subnormals, NaN, infinities). */
export function randomBitsDouble(rng: Rng): number {
  view.setUint32(0, rng.u32());
  view.setUint32(4, rng.u32());
  return view.getFloat64(0);
}

/** The 64-bit pattern of a double as 16 hex digits; Python reads it with `hex_to_float`. */
export function floatHex(x: number): string {
  view.setFloat64(0, x);
  return view.getUint32(0).toString(16).padStart(8, '0') + view.getUint32(4).toString(16).padStart(8, '0');
}

/** Inverse of `floatHex`. */
export function hexFloat(h: string): number {
  view.setUint32(0, parseInt(h.slice(0, 8), 16));
  view.setUint32(4, parseInt(h.slice(8), 16));
  return view.getFloat64(0);
}

/** A whole list of doubles as one hex string of their little-endian bytes; Python reads it with `unpack_doubles`. */
export function packDoubles(xs: readonly number[]): string {
  return Buffer.from(Float64Array.from(xs).buffer).toString('hex');
}

/** Inverse of `packDoubles` (and of Python's `pack_doubles`). */
export function unpackDoubles(hex: string): number[] {
  return Array.from(new Float64Array(new Uint8Array(Buffer.from(hex, 'hex')).buffer));
}

/** Python helpers matching the encodings above; prepend to a snippet. */
export const PY_CODECS = `
import json, struct, sys
def hex_to_float(h): return struct.unpack('>d', bytes.fromhex(h))[0]
def float_to_hex(x): return struct.pack('>d', x).hex()
def unpack_doubles(h): return list(struct.unpack('<%dd' % (len(h) // 16), bytes.fromhex(h)))
def pack_doubles(xs): return struct.pack('<%dd' % len(xs), *xs).hex()
def cps_to_str(cps): return ''.join(map(chr, cps))
def str_to_cps(s): return [ord(c) for c in s]
`;

/** The code points of a string; a lone surrogate is its own code point, as in Python. */
export function codePoints(s: string): number[] {
  return Array.from(s, c => c.codePointAt(0)!);
}

/**
 * A double chosen to stress decimal formatting and rounding: random bit patterns, tie-prone
 * values k/2^m, short decimals, powers of ten and their neighbours, huge and tiny magnitudes.
 */
export function interestingDouble(rng: Rng): number {
  const sign = rng.chance(0.3) ? -1 : 1;
  switch (rng.int(0, 7)) {
    case 0:
      return randomBitsDouble(rng);
    case 1:
      return (sign * rng.int(0, 1 << 20)) / 2 ** rng.int(0, 24);
    case 2:
      return sign * Number(`${rng.int(0, 99999)}e${rng.int(-12, 4)}`);
    case 3: {
      const x = 10 ** rng.int(-8, 22);
      return sign * (rng.chance(0.5) ? x : nudge(x, rng.int(-2, 2)));
    }
    case 4:
      return sign * rng.next() * 10 ** rng.int(-330, 308);
    case 5:
      return sign * (rng.int(0, 10_000) + rng.pick([0.5, 0.25, 0.125, 0.005, 0.00005, 0.675]));
    case 6:
      return sign * rng.next() * rng.pick([1, 100, 1e6, 1e15, 1e16, 1e17]);
    default:
      return rng.pick([0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, 2 ** 53, 1e16, 1e-4]);
  }
}

/** The double `steps` ULPs away from x. */
export function nudge(x: number, steps: number): number {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0) + BigInt(steps);
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

/** A code point biased toward the interesting places: ASCII controls, Latin-1, surrogates, astral. */
export function randomCodePoint(rng: Rng): number {
  switch (rng.int(0, 6)) {
    case 0:
      return rng.int(0x20, 0x7e);
    case 1:
      return rng.int(0, 0x20);
    case 2:
      return rng.int(0x7f, 0xff);
    case 3:
      return rng.int(0xd800, 0xdfff);
    case 4:
      return rng.int(0x10000, 0x10ffff);
    case 5:
      return rng.pick([0x22, 0x27, 0x5c, 0x2028, 0x3000, 0xfeff, 0xff5e, 0x1f680, 0xe000, 0xffff]);
    default:
      return rng.int(0x100, 0xffff);
  }
}

/** A random string of 0..maxLength code points (lone surrogates included). */
export function randomString(rng: Rng, maxLength: number): string {
  let s = '';
  const n = rng.int(0, maxLength);
  for (let i = 0; i < n; i++) s += String.fromCodePoint(randomCodePoint(rng));
  return s;
}

/** A dict the way the exact parser builds it: no prototype, keys in Python order. */
export function dict(entries: [string, PyValue][]): PyDict {
  const d = Object.create(null) as PyDict;
  for (const [k, v] of entries) d[k] = v;
  (d as {[KEY_ORDER]?: string[]})[KEY_ORDER] = entries.map(([k]) => k);
  return d;
}

/** A JSON value in a form both languages rebuild exactly (see `PY_UNTAG`). */
export type Tagged = ['n'] | ['b', boolean] | ['i', string] | ['f', string] | ['s', number[]] | ['l', Tagged[]] | ['d', [number[], Tagged][]];

/** A random JSON value plus its tagged form for Python. */
export function randomValue(rng: Rng, depth: number): [PyValue, Tagged] {
  const kind = depth > 3 ? rng.int(0, 4) : rng.int(0, 6);
  switch (kind) {
    case 0:
      return [null, ['n']];
    case 1: {
      const b = rng.chance(0.5);
      return [b, ['b', b]];
    }
    case 2: {
      const i = BigInt(rng.int(-1e9, 1e9)) ** BigInt(rng.int(1, 4));
      return [i, ['i', i.toString()]];
    }
    case 3: {
      const f = interestingDouble(rng);
      return [f, ['f', floatHex(f)]];
    }
    case 4: {
      const s = randomString(rng, 12);
      return [s, ['s', codePoints(s)]];
    }
    case 5: {
      const items = Array.from({length: rng.int(0, 4)}, () => randomValue(rng, depth + 1));
      return [items.map(([v]) => v), ['l', items.map(([, t]) => t)]];
    }
    default: {
      const entries = new Map<string, [PyValue, Tagged]>();
      for (let n = rng.int(0, 5); n > 0; n--) {
        // Integer-like keys make Object.keys order differ from insertion order.
        const key = rng.chance(0.3) ? String(rng.int(0, 20)) : randomString(rng, 4);
        entries.set(key, randomValue(rng, depth + 1));
      }
      const list = [...entries];
      return [
        dict(list.map(([k, [v]]) => [k, v])),
        ['d', list.map(([k, [, t]]) => [codePoints(k), t] as [number[], Tagged])],
      ];
    }
  }
}

/** Python `untag(t)` rebuilds a `Tagged` value; needs `PY_CODECS`. */
export const PY_UNTAG = `
def untag(t):
    k = t[0]
    if k == 'n': return None
    if k == 'b': return t[1]
    if k == 'i': return int(t[1])
    if k == 'f': return hex_to_float(t[1])
    if k == 's': return cps_to_str(t[1])
    if k == 'l': return [untag(x) for x in t[1]]
    return {cps_to_str(key): untag(v) for key, v in t[1]}
`;
