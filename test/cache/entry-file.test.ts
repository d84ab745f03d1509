import {describe, expect, it} from 'vitest';
import {decodeEntry, encodeEntry, ENTRY_FORMAT} from '../../src/cache/entry-file.js';

const KEY = {format: String(ENTRY_FORMAT), schema: 'v1', path: 'sessions/2026-04-24/a.jsonl', identity: 'oid-1'};
const VALUE = {bytes: 12, tokens: 2n ** 70n, byFlavor: new Map([['a10g', {hours: 0.5}]]), warnings: [{code: 'x'}]};

describe('cache entry files', () => {
  it('round-trips plain data with bigints and Maps', () => {
    expect(decodeEntry(encodeEntry(KEY, VALUE), KEY)).toEqual({value: VALUE});
  });

  it('says the file changed (stale, not damage) when only the identity differs', () => {
    expect(decodeEntry(encodeEntry(KEY, VALUE), {...KEY, identity: 'oid-2'})).toEqual({problem: 'the file has changed', stale: true});
  });

  it('refuses an entry written for another schema or path', () => {
    expect(decodeEntry(encodeEntry(KEY, VALUE), {...KEY, schema: 'v2'})).toEqual({problem: 'written for another schema'});
    expect(decodeEntry(encodeEntry(KEY, VALUE), {...KEY, path: 'sessions/2026-04-24/b.jsonl'})).toEqual({problem: 'written for another path'});
  });

  it('detects garbage, truncation, extra bytes, another format version and a flipped byte', () => {
    const good = encodeEntry(KEY, VALUE);
    const problem = (bytes: Buffer) => {
      const decoded = decodeEntry(bytes, KEY);
      return 'problem' in decoded && !decoded.stale ? decoded.problem : 'trusted';
    };
    expect(problem(Buffer.from('x'.repeat(200)))).toBe('not a kpi-stream cache entry');
    expect(problem(Buffer.alloc(0))).toMatch(/^truncated/);
    expect(problem(good.subarray(0, good.length - 5))).toMatch(/^truncated/);
    expect(problem(Buffer.concat([good, Buffer.from('\n')]))).toBe('1 bytes too many');
    const otherVersion = Buffer.from(good);
    otherVersion.writeUInt32LE(ENTRY_FORMAT + 1, 8);
    expect(problem(otherVersion)).toBe(`cache format ${ENTRY_FORMAT + 1}, this version reads ${ENTRY_FORMAT}`);
    for (const at of [30, good.length - 40, good.length - 1]) {
      const flipped = Buffer.from(good);
      flipped[at] ^= 0x01;
      expect(problem(flipped), `byte ${at}`).toBe('checksum mismatch');
    }
  });
});
