import {describe, expect, it} from 'vitest';
import {toCsv} from '../../src/sinks/csv.js';

describe('toCsv', () => {
  it('quotes only cells with a comma, a quote or a newline, doubling quotes', () => {
    expect(toCsv([['a', 'b,c', 'd"e', 'f\ng', '{}', ' x ', "'"]])).toBe('a,"b,c","d""e","f\ng",{}, x ,\'\n');
  });
  it('ends every line with \\n', () => {
    expect(toCsv([['a'], ['b']])).toBe('a\nb\n');
  });
});
