import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {stdinRows} from '../../src/sources/stdin-rows.js';

async function rows(...chunks: string[]) {
  const out: Array<[string, string]> = [];
  for await (const row of stdinRows(Readable.from(chunks.map(c => Buffer.from(c))))) out.push([row.name, row.bytes.toString()]);
  return out;
}

describe('stdinRows', () => {
  it('takes one row per line and keeps the newline', async () => {
    expect(await rows('{"a": 1}\n{"b": 2}\n')).toEqual([['stdin:1', '{"a": 1}\n'], ['stdin:2', '{"b": 2}\n']]);
  });
  it('splits rows concatenated without a newline, as cat of uploaded files gives', async () => {
    expect(await rows('{"a": "}{"}{"b": [1, {"c": 2}]} {"d": "\\"}"}')).toEqual([
      ['stdin:1#1', '{"a": "}{"}'],
      ['stdin:1#2', '{"b": [1, {"c": 2}]} '],
      ['stdin:1#3', '{"d": "\\"}"}'],
    ]);
  });
  it('joins a row split across chunks', async () => {
    expect(await rows('{"a":', ' 1}', '\n{"b"', ': 2}')).toEqual([['stdin:1', '{"a": 1}\n'], ['stdin:2', '{"b": 2}']]);
  });
  it('keeps a line with trailing garbage whole, so it is skipped as the reference skips it', async () => {
    expect(await rows('{"a": 1} xyz\n')).toEqual([['stdin:1', '{"a": 1} xyz\n']]);
  });
  it('ignores blank lines', async () => {
    expect(await rows('\n  \n{"a": 1}')).toEqual([['stdin:3', '{"a": 1}']]);
  });
  it('treats an unterminated string as one (invalid) row', async () => {
    expect(await rows('{"a": "x}{"b": 1}')).toEqual([['stdin:1', '{"a": "x}{"b": 1}']]);
  });
});
