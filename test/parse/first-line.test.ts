import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {PY_TEXT_CHUNK, firstLine, firstLineEnd} from '../../src/parse/first-line.js';
import {python, pythonMissing} from '../support/python.js';
import {Rng, fileBytes, scratchRoot} from './generate.js';

const CHUNK = PY_TEXT_CHUNK;

function bytes(...parts: (string | number[])[]): Uint8Array {
  return Buffer.concat(parts.map(p => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
}

/** `n` ASCII bytes, so a test can put a byte exactly where it wants. */
function pad(n: number): string {
  return 'a'.repeat(n);
}

function text(file: Uint8Array): string {
  const line = firstLine(file);
  if (!line.ok) throw new Error(line.reason);
  return line.text;
}

function rejected(file: Uint8Array): boolean {
  return !firstLine(file).ok;
}

/** What Python's `open(path, 'r').readline().strip()` gives for each file, via a temp folder. */
function pythonFirstLines(files: Uint8Array[]): ({ok: true; text: string} | {ok: false})[] {
  const dir = mkdtempSync(join(scratchRoot(), 'kpi-first-line-'));
  try {
    files.forEach((file, i) => writeFileSync(join(dir, `${i}.jsonl`), file));
    const code = `
import json, os, sys
d, n = json.load(sys.stdin)
out = []
for i in range(n):
    try:
        with open(os.path.join(d, '%d.jsonl' % i), 'r') as f:
            out.append({'ok': True, 'text': f.readline().strip()})
    except UnicodeDecodeError:
        out.append({'ok': False})
print(json.dumps(out))
`;
    return python(code, [dir, files.length]);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

describe('firstLineEnd', () => {
  it('finds the first \\r or \\n, or -1', () => {
    expect(firstLineEnd(bytes('ab\ncd\r'))).toBe(2);
    expect(firstLineEnd(bytes('ab\rcd\n'))).toBe(2);
    expect(firstLineEnd(bytes('abc'))).toBe(-1);
  });
});

describe('firstLine', () => {
  it('ends the line at \\n, \\r\\n or a bare \\r', () => {
    expect(text(bytes('{"a":1}\n{"b":2}'))).toBe('{"a":1}');
    expect(text(bytes('{"a":1}\r\nx'))).toBe('{"a":1}');
    expect(text(bytes('{"a":1}\rx'))).toBe('{"a":1}');
    expect(text(bytes('{"a":1}'))).toBe('{"a":1}');
  });

  it('returns an empty line as ok with empty text', () => {
    expect(firstLine(bytes(''))).toEqual({ok: true, text: ''});
    expect(firstLine(bytes(' \t\n{"a":1}'))).toEqual({ok: true, text: ''});
  });

  it('strips Python whitespace: \\x1c-\\x1f, \\x85, U+3000, but not U+FEFF', () => {
    expect(text(bytes('\x1c\x1d\x1e\x1f\v\f \u0085\u00a0\u3000{}\u2028\u2029\u205f'))).toBe('{}');
    expect(text(bytes([0xef, 0xbb, 0xbf], '{} '))).toBe('\ufeff{}');
  });

  it('rejects invalid UTF-8 in the first line', () => {
    expect(rejected(bytes('{"a":"', [0xff], '"}'))).toBe(true);
  });

  it('rejects invalid UTF-8 on line 2 inside the first 8192 bytes', () => {
    expect(rejected(bytes('{}\n', pad(CHUNK - 4), [0xff]))).toBe(true);
  });

  it('ignores invalid UTF-8 past the chunk that holds the line end', () => {
    expect(text(bytes('{}\n', pad(CHUNK - 3), [0xff]))).toBe('{}');
  });

  it('reads one more chunk when the chunk ends with \\r', () => {
    expect(rejected(bytes(pad(CHUNK - 1), '\r', [0xff]))).toBe(true);
    expect(text(bytes(pad(CHUNK - 1), '\n', [0xff]))).toBe(pad(CHUNK - 1));
    expect(text(bytes(pad(CHUNK - 1), '\r'))).toBe(pad(CHUNK - 1));
  });

  it('reads one more chunk when \\r is followed only by an unfinished character', () => {
    expect(rejected(bytes(pad(CHUNK - 3), '\r', [0xe2, 0x82, 0xac], pad(10), [0xff]))).toBe(true);
    expect(text(bytes(pad(CHUNK - 4), '\rx', [0xe2, 0x82, 0xac], pad(10), [0xff]))).toBe(pad(CHUNK - 4));
  });

  it('never decodes an unfinished character after the line end, even at end of file', () => {
    expect(text(bytes('{}\n', [0xe2, 0x82]))).toBe('{}');
    expect(rejected(bytes('{}\r', [0xe2, 0x82]))).toBe(true);
    expect(rejected(bytes('{}', [0xe2, 0x82]))).toBe(true);
  });

  it('decodes a character split across chunks when no line end came first', () => {
    expect(text(bytes(pad(CHUNK - 1), '€\n', pad(CHUNK - 3), [0xff]))).toBe(pad(CHUNK - 1) + '€');
    expect(rejected(bytes(pad(CHUNK - 1), '€\n', pad(CHUNK - 4), [0xff]))).toBe(true);
  });

  it('lets ED A0 wait at a chunk end like CPython, then fails on the surrogate', () => {
    expect(text(bytes('{}\n', pad(CHUNK - 5), [0xed, 0xa0]))).toBe('{}');
    expect(rejected(bytes(pad(CHUNK - 2), [0xed, 0xa0, 0x80], '\n'))).toBe(true);
  });

  it('rejects encoded surrogates, overlong forms and code points past U+10FFFF', () => {
    for (const bad of [[0xed, 0xa0, 0x80], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xf0, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]) {
      expect(rejected(bytes('{"a":"', bad, '"}'))).toBe(true);
    }
  });
});

describe.skipIf(pythonMissing)('firstLine against Python 3.12 readline().strip()', () => {
  it('agrees on the hand-written files above', () => {
    const files = [
      bytes('{}\n', pad(CHUNK - 4), [0xff]), bytes('{}\n', pad(CHUNK - 3), [0xff]), bytes(pad(CHUNK - 1), '\r', [0xff]),
      bytes(pad(CHUNK - 3), '\r', [0xe2, 0x82, 0xac], pad(10), [0xff]), bytes(pad(CHUNK - 4), '\rx', [0xe2, 0x82, 0xac], pad(10), [0xff]),
      bytes('{}\n', [0xe2, 0x82]), bytes('{}\r', [0xe2, 0x82]), bytes(pad(CHUNK - 1), '€\n', pad(CHUNK - 4), [0xff]),
      bytes('{}\n', pad(CHUNK - 5), [0xed, 0xa0]), bytes(pad(CHUNK - 2), [0xed, 0xa0, 0x80], '\n'), bytes([0xef, 0xbb, 0xbf], '{} '),
      bytes('\x1c\x1d\x1e\x1f\v\f \u0085\u00a0\u3000{}\u2028\u2029\u205f'), bytes(pad(CHUNK - 1), '€\n', pad(CHUNK - 3), [0xff]),
    ];
    expect(files.map(firstLine).map(r => (r.ok ? r : {ok: false}))).toEqual(pythonFirstLines(files));
  });

  it('agrees on 3000 generated files with line ends and bad bytes around the 8192-byte chunks', () => {
    const rng = new Rng(8192);
    const files = Array.from({length: 3000}, () => fileBytes(rng));
    const expected = pythonFirstLines(files);
    const ours = files.map(firstLine);
    const diffs = files.flatMap((file, i) => {
      const a = ours[i];
      const b = expected[i];
      const same = a.ok === b.ok && (!a.ok || !b.ok || a.text === b.text);
      return same ? [] : [{i, length: file.length, lineEnd: firstLineEnd(file), ours: a.ok ? 'ok' : a.reason, python: b.ok ? 'ok' : 'raised'}];
    });
    expect(diffs.slice(0, 5)).toEqual([]);
    expect(expected.filter(e => !e.ok).length).toBeGreaterThan(600);
    expect(expected.filter(e => e.ok).length).toBeGreaterThan(600);
  });
});
