/** What the streaming parser's layers share: JSON's structural characters, the error a layer throws where Python's json would raise, and parsing one value's text. */

import type {PyValue} from '../../py/value.js';
import {parsePyJson, PyJsonError} from '../../py/json-loads.js';

export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const LOWER_U = 0x75;

/** Python's json whitespace (and JSON.parse's). */
export function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from);
  return at < 0 ? text.length : at;
}

/** Thrown inside the tokenizer where Python's json would raise; caught where the text began. */
export class Invalid extends Error {}

/** The scanner found more nesting than Python decodes. */
export const TOO_DEEP = -2;

/**
 * One JSON value's text -> its value, as Python's json gives it (int/float typing aside when not
 * `exact`, see NeedsExactParse). The caller has checked the nesting.
 */
export function parseValue(text: string, exact: boolean): PyValue {
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

export const same = (text: string): string => text;
