import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {closingQuote, closingQuoteByte, oddBackslashBytesBefore, oddBackslashesBefore} from '../../src/parse/closing-quote.js';

/** The closing quote the slow way: walk the content, skipping the character after each backslash. */
function walk(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

describe('closingQuote', () => {
  it('finds the first quote behind an even run of backslashes', () => {
    expect(closingQuote('"abc" x', 1)).toBe(4);
    expect(closingQuote(String.raw`"a\"b" x`, 1)).toBe(5);
    expect(closingQuote(String.raw`"a\\" x`, 1)).toBe(4);
    expect(closingQuote(String.raw`"a\\\"b\\\\" x`, 1)).toBe(11);
  });
  it('returns -1 when the string does not close', () => {
    expect(closingQuote('"abc', 1)).toBe(-1);
    expect(closingQuote(String.raw`"abc\"`, 1)).toBe(-1);
  });
  it('counts no backslash before the content start', () => {
    // `from` is where the content starts: a backslash before it belongs to something else.
    expect(closingQuote(String.raw`\"`, 1)).toBe(1);
  });
  it('agrees with a walk over the content, on any text of quotes, backslashes and letters', () => {
    const text = fc.array(fc.constantFrom('"', '\\', 'a', 'é'), {maxLength: 40}).map(cs => cs.join(''));
    fc.assert(fc.property(text, t => closingQuote(t, 0) === walk(t, 0)));
  });
});

describe('closingQuoteByte', () => {
  it('agrees with closingQuote on ASCII bytes', () => {
    const text = fc.array(fc.constantFrom('"', '\\', 'a', ' '), {maxLength: 40}).map(cs => cs.join(''));
    fc.assert(fc.property(text, fc.nat(5), (t, from) => closingQuoteByte(Buffer.from(t, 'latin1'), from) === closingQuote(t, from)));
  });
  it('finds the quote in UTF-8 bytes, where no multi-byte character holds a quote or backslash byte', () => {
    const bytes = Buffer.from(String.raw`"é\"ü" rest`);
    expect(closingQuoteByte(bytes, 1)).toBe(bytes.indexOf('" rest'));
  });
});

describe('oddBackslashesBefore', () => {
  it('tells an escaping run from a paired one, stopping at from', () => {
    expect(oddBackslashesBefore(String.raw`ab\"`, 0, 3)).toBe(true);
    expect(oddBackslashesBefore(String.raw`ab\\"`, 0, 4)).toBe(false);
    expect(oddBackslashesBefore(String.raw`\\\"`, 1, 3)).toBe(false);
    expect(oddBackslashBytesBefore(Buffer.from(String.raw`ab\"`), 0, 3)).toBe(true);
  });
  it('carries an odd run at the end of a chunk over to the next one (the streaming scan)', () => {
    // The chunk ends inside a string with one backslash: the next chunk's first character is escaped.
    expect(oddBackslashesBefore('abc\\', 0, 4)).toBe(true);
    expect(oddBackslashesBefore('abc\\\\', 0, 5)).toBe(false);
  });
});
