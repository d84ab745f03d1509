/**
 * Seeded string generators for the fromisoformat comparison tests: well-formed values of every
 * form with fields in and out of range, mutations of them, exhaustive short tails, and the
 * common timestamp shape. The same seed gives the same strings on every run.
 */

import type {Rng} from '../py/generate.js';

/** Characters that matter to the parser, and a few that should never be accepted as digits. */
export const TRICKY_CHARS = [
  ...'0123456789',
  ...'-:.,TWZ+ xt_/',
  '\u0000', '\t', '\n',
  '\u0663', // ARABIC-INDIC DIGIT THREE
  '\uff11', // FULLWIDTH DIGIT ONE
  '\u00b2', // SUPERSCRIPT TWO
  '\u2212', // MINUS SIGN
  '\u00e9', '\u4e2d', '\u{1f600}',
  '\ud800', '\udc00', // lone surrogates
];

/** Separators to try between date and time: ASCII, multi-byte, digits, surrogates. */
const SEPARATORS = [
  'T', 'T', 'T', ' ', ' ', 't', '-', '+', 'Z', 'W', ':', '.', '_', '0', '1', '5',
  '\u0000', '\u00e9', '\u0663', '\u4e2d', '\u{1f600}', '\ud800', '\udfff',
];

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function twoDigitField(r: Rng, validMax: number, validMin = 0): string {
  if (r.chance(0.85)) return pad(r.int(validMin, validMax), 2);
  return pad(r.pick([0, validMax + 1, 60, 99, r.int(0, 99)]), 2);
}

function year(r: Rng): string {
  const y = r.chance(0.5) ? r.pick([1, 2, 4, 100, 400, 1900, 2000, 2024, 2026, 9998, 9999, 0]) : r.int(1, 9999);
  return pad(y, 4);
}

/** A date in one of the six 3.12 forms (plus ordinal dates, which it rejects). */
export function dateText(r: Rng): string {
  const y = year(r);
  const week = () => pad(r.chance(0.85) ? r.int(1, 53) : r.pick([0, 54, 99]), 2);
  const weekDay = () => String(r.chance(0.85) ? r.int(1, 7) : r.pick([0, 8, 9]));
  const monthDay = () => {
    const m = twoDigitField(r, 12, 1);
    const d = r.chance(0.2) ? r.pick(['28', '29', '30', '31']) : twoDigitField(r, 28, 1);
    return [m, d] as const;
  };
  switch (r.int(0, 7)) {
    case 0:
    case 1: {
      const [m, d] = monthDay();
      return `${y}-${m}-${d}`;
    }
    case 2: {
      const [m, d] = monthDay();
      return `${y}${m}${d}`;
    }
    case 3:
      return `${y}-W${week()}`;
    case 4:
      return `${y}W${week()}`;
    case 5:
      return `${y}-W${week()}-${weekDay()}`;
    case 6:
      return `${y}W${week()}${weekDay()}`;
    default:
      return r.chance(0.5) ? `${y}-${pad(r.int(1, 366), 3)}` : `${y}${pad(r.int(1, 366), 3)}`;
  }
}

function fraction(r: Rng): string {
  return r.pick(['.', '.', ',']) + Array.from({length: r.pick([0, 1, 2, 3, 5, 6, 6, 7, 9, 12])}, () => r.int(0, 9)).join('');
}

/** `HH[[:]MM[[:]SS]][fraction]` with a fraction possibly after any field. */
export function clockText(r: Rng, hourMax: number): string {
  const hh = twoDigitField(r, hourMax);
  const mm = twoDigitField(r, 59);
  const ss = twoDigitField(r, 59);
  const colon = r.chance(0.7) ? ':' : '';
  const parts = [hh, `${hh}${colon}${mm}`, `${hh}${colon}${mm}${colon}${ss}`];
  const base = parts[r.chance(0.6) ? 2 : r.int(0, 1)]!;
  return r.chance(0.4) ? base + fraction(r) : base;
}

function offsetText(r: Rng): string {
  switch (r.int(0, 3)) {
    case 0:
      return '';
    case 1:
      return 'Z';
    default:
      return r.pick(['+', '-']) + (r.chance(0.3) ? r.pick(['00:00', '00', '0000', '00:00:00.5']) : clockText(r, 23));
  }
}

/** A date, or a date, separator, time and offset in any of the accepted forms, fields mostly valid. */
export function isoText(r: Rng): string {
  const date = dateText(r);
  if (r.chance(0.1)) return date;
  return date + r.pick(SEPARATORS) + clockText(r, 23) + offsetText(r);
}

/** One to three random edits: delete, insert, replace, swap, duplicate or cut. */
export function mutate(r: Rng, s: string): string {
  let out = s;
  for (let k = r.int(1, 3); k > 0; k--) {
    const i = r.int(0, out.length);
    switch (r.int(0, 5)) {
      case 0:
        out = out.slice(0, i) + out.slice(i + 1);
        break;
      case 1:
        out = out.slice(0, i) + r.pick(TRICKY_CHARS) + out.slice(i);
        break;
      case 2:
        out = out.slice(0, i) + r.pick(TRICKY_CHARS) + out.slice(i + 1);
        break;
      case 3:
        out = out.slice(0, i) + out.slice(i + 1, i + 2) + out.slice(i, i + 1) + out.slice(i + 2);
        break;
      case 4:
        out = out.slice(0, i) + out.slice(i, i + r.int(1, 4)) + out.slice(i);
        break;
      default:
        out = out.slice(0, i);
    }
  }
  return out;
}

/** Every string of length 0..maxLength over the alphabet, each with the prefix. */
export function allTails(prefix: string, alphabet: readonly string[], maxLength: number): string[] {
  const out = [prefix];
  let level = [''];
  for (let n = 1; n <= maxLength; n++) {
    level = level.flatMap(t => alphabet.map(c => t + c));
    for (const t of level) out.push(prefix + t);
  }
  return out;
}

/** `YYYY-MM-DDTHH:MM:SS[.f+][Z|±HH:MM]`, the shape most events have, with fields in and out of range. */
export function commonShape(r: Rng): string {
  const [m, d] = [twoDigitField(r, 12, 1), r.chance(0.1) ? r.pick(['29', '30', '31']) : twoDigitField(r, 28, 1)];
  let s = `${year(r)}-${m}-${d}${r.chance(0.8) ? 'T' : ' '}${twoDigitField(r, 23)}:${twoDigitField(r, 59)}:${twoDigitField(r, 59)}`;
  if (r.chance(0.6)) s += fraction(r);
  const tz = r.int(0, 3);
  if (tz === 1) s += 'Z';
  if (tz >= 2) s += `${r.pick(['+', '-'])}${twoDigitField(r, 23)}:${r.chance(0.9) ? pad(r.pick([0, 0, 30, 45, r.int(0, 59)]), 2) : twoDigitField(r, 59)}`;
  return s;
}
