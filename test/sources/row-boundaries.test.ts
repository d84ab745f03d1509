import {describe, expect, it} from 'vitest';
import {rowCuts, valueEnd} from '../../src/sources/row-boundaries.js';
import {realisticRow, Rng, valueText} from '../parse/generate.js';

const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('valueEnd', () => {
  it.each([
    '{}', '[]', '{ }', '[\t]', '{"a": 1}', '{"a": [1, {"b": "x"}], "c": null}', '"a\\"b"', '"\\\\"', 'true', 'NaN',
    '-Infinity', '-12.5e+3', '{"k" : "v" , "l":[ ] }', '[{"a": "}]"}, "]", "{"]',
  ])('ends %s at its last byte', text => {
    expect(valueEnd(utf8(text), 0)).toBe(utf8(text).length);
  });

  it('stops at the end of the first value, starting where it is told', () => {
    const bytes = utf8('{"a": 1} {"b": "é"}x');
    expect(valueEnd(bytes, 0)).toBe(8);
    expect(valueEnd(bytes, 9)).toBe(bytes.length - 1);
    expect(valueEnd(utf8('42null'), 0)).toBe(2);
  });

  it.each(['', '{', '{"a": 1', '{"a" 1}', '{1: 2}', '[1 2]', '{"a": 1,}', '[1,]', '"abc', '{"a": "b\\"}', ')', '}'])(
    'gives -1 for %j, whose structure is not complete',
    text => expect(valueEnd(utf8(text), 0)).toBe(-1),
  );

  it('is lenient about what numbers and literals hold: the session reader decides validity', () => {
    expect(valueEnd(utf8('{"a": 01.2.3, "b": nul}'), 0)).toBe(23);
  });

  it('scans nesting of any depth without a stack', () => {
    const depth = 200_000;
    expect(valueEnd(utf8('['.repeat(depth) + ']'.repeat(depth)), 0)).toBe(2 * depth);
  });

  it('ends every generated value JSON.parse accepts at its last byte', () => {
    const rng = new Rng(11);
    let checked = 0;
    for (let n = 0; n < 3000; n++) {
      const text = valueText(rng);
      try {
        JSON.parse(text);
      } catch {
        continue;
      }
      expect(valueEnd(utf8(text), 0), text).toBe(utf8(text).length);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('rowCuts', () => {
  it('cuts nothing in a line of one row, its newline included', () => {
    expect(rowCuts(utf8('{"a": 1}\n'))).toEqual([]);
    expect(rowCuts(utf8(''))).toEqual([]);
  });

  it('cuts between uploaded rows run together, at byte offsets; a gap goes with the row after it', () => {
    const rng = new Rng(5);
    const gaps = ['', ' ', '\t', '\u3000', '\ufeff', ' \u00a0'];
    for (let n = 0; n < 40; n++) {
      const rows = Array.from({length: rng.int(1, 5)}, (_, i) => (i > 0 ? rng.pick(gaps) : '') + realisticRow(rng, rng.int(0, 6), rng.int(0, 3)));
      const bytes = utf8(rows.join('') + rng.pick(['', '\n', ' \n']));
      const ends = rows.slice(0, -1).map((_, i) => utf8(rows.slice(0, i + 1).join('')).length);
      const cuts = rowCuts(bytes);
      expect(cuts, `rows ${n}`).toEqual(ends);
    }
  });

  it('gives bytes between rows that are no row a cut of their own', () => {
    expect(rowCuts(utf8('{"a": 1}oops{"b": 2}'))).toEqual([8, 12]);
    // A lead byte without its continuation is no whitespace: it stays with the garbage.
    expect(rowCuts(Buffer.concat([utf8('{"a":1}'), Buffer.from([0xc2, 0x41]), utf8('{"b":2}')]))).toEqual([7, 9]);
    // The same lead byte as part of U+00A0 is Python whitespace: it goes with the next row.
    expect(rowCuts(Buffer.concat([utf8('{"a":1}'), Buffer.from([0xc2, 0xa0]), utf8('{"b":2}')]))).toEqual([7]);
  });

  it('leaves a row cut short with whatever follows when no row starts after it', () => {
    expect(rowCuts(utf8('{"a": "x", "b": [1, 2'))).toEqual([]);
    expect(rowCuts(utf8('{"a": "x", "b": [1, {"c": 2}, '))).toEqual([]);
  });
});
