import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {stdinRows} from '../../src/sources/stdin-rows.js';

async function rows(...chunks: string[]) {
  const out: Array<[string, string]> = [];
  for await (const row of stdinRows(Readable.from(chunks.map(c => Buffer.from(c))))) out.push([row.name, row.bytes.toString()]);
  return out;
}

describe('stdinRows', () => {
  it('takes one row per line and keeps the newline; names rows by number and byte offset', async () => {
    expect(await rows('{"a": 1}\n{"b": 2}\n')).toEqual([['stdin row 1 (byte 0)', '{"a": 1}\n'], ['stdin row 2 (byte 9)', '{"b": 2}\n']]);
  });
  it('splits rows concatenated without a newline, as cat of uploaded files gives; the space before a row goes with it', async () => {
    expect((await rows('{"a": "}{"}{"b": [1, {"c": 2}]} {"d": "\\"}"}')).map(r => r[1])).toEqual(['{"a": "}{"}', '{"b": [1, {"c": 2}]}', ' {"d": "\\"}"}']);
  });
  it('joins a row split across chunks', async () => {
    expect(await rows('{"a":', ' 1}', '\n{"b"', ': 2}')).toEqual([['stdin row 1 (byte 0)', '{"a": 1}\n'], ['stdin row 2 (byte 9)', '{"b": 2}']]);
  });
  it('ignores blank lines', async () => {
    expect(await rows('\n  \n{"a": 1}')).toEqual([['stdin row 1 (byte 4)', '{"a": 1}']]);
  });
  it('a value that is not an object is its own row, whatever follows it', async () => {
    const bytes = (await rows('[1, 2, 3]{"a": 1}"session"{"b": 2}true{"c": 3}42null-Infinity{"d": 4}')).map(r => r[1]);
    expect(bytes).toEqual(['[1, 2, 3]', '{"a": 1}', '"session"', '{"b": 2}', 'true', '{"c": 3}', '42', 'null', '-Infinity', '{"d": 4}']);
  });
  it('resynchronises after a truncated row or garbage at the next row start', async () => {
    expect((await rows('{"a": "x", "e": "[{\\"t\\": 1{"b": 1}hello {"c": 2}\n')).map(r => r[1])).toEqual(['{"a": "x", "e": "[{\\"t\\": 1', '{"b": 1}', 'hello', ' {"c": 2}\n']);
    // A cut string swallows the quote of the next row: the row after it is found again.
    expect((await rows('{"a": "x}{"b": 1}')).map(r => r[1])).toEqual(['{"a": "x}', '{"b": 1}']);
  });
  it('keeps a BOM and Unicode whitespace with the row they precede (the reference skips a BOM file, strips the spaces)', async () => {
    const bom = '\ufeff';
    expect((await rows(`{"a": 1}${bom}{"b": 2}\u3000\x1c{"c": 3}`)).map(r => r[1])).toEqual(['{"a": 1}', `${bom}{"b": 2}`, '\u3000\x1c{"c": 3}']);
    expect((await rows(`garbage${bom}{"b": 2}`)).map(r => r[1])).toEqual(['garbage', `${bom}{"b": 2}`]);
  });
  it('an inner object of a cut row followed by a comma is no row start', async () => {
    expect((await rows('{"a": {"b": 1}, "c": "cut')).map(r => r[1])).toEqual(['{"a": {"b": 1}, "c": "cut']);
  });
});
