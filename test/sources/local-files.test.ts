import {appendFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {KpiError} from '../../src/errors.js';
import {listLocalFiles, LOCAL_CHUNK, LocalFile, openLocalFile} from '../../src/sources/local-files.js';
import {scratchDir, writeTree} from '../support/scratch-dir.js';

const scratch = scratchDir('local-files');

async function chunksOf(stream: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return chunks;
}

/** `n` bytes that differ from one position to the next, so a misplaced read shows. */
const pattern = (n: number) => Buffer.from(Array.from({length: n}, (_, i) => (i * 7 + (i >> 8)) & 0xff));

describe('listLocalFiles', () => {
  const dir = writeTree(join(scratch, 'dataset'), {
    'sessions/2026-04-20/b.jsonl': '',
    'sessions/2026-04-20/a.jsonl': '',
    'sessions/2026-04-20/Z.jsonl': '',
    'sessions/2026-04-20/\u00e9.jsonl': '',
    'sessions/2026-04-20/\uff5e.jsonl': '',
    'sessions/2026-04-20/\u{1f680}.jsonl': '',
    'sessions/2026-04-20/sub/b.jsonl': '',
    'sessions/2026-04-20/sub-x.jsonl': '',
    'sessions/2026-04-20/.github/kept.jsonl': '',
    'sessions/2026-04-20/.git/hidden.jsonl': '',
    'sessions/2026-04-20/sub/.git/hidden.jsonl': '',
    'sessions/2026-04-20/notes.json': '',
    'sessions/2026-04-20/x.jsonl.bak': '',
    'sessions/2026-04-20/X.JSONL': '',
    'sessions/2026-04-21/c.jsonl': '',
    'elsewhere/y.jsonl': '',
  });
  const day = join(dir, 'sessions', '2026-04-20');
  symlinkSync('../../elsewhere', join(day, 'linked-folder'));
  symlinkSync('../../elsewhere', join(day, 'folder-link.jsonl'));
  symlinkSync('../../elsewhere/y.jsonl', join(day, 'file-link.jsonl'));

  it('lists every .jsonl file below the day folder, subfolders too, sorted by path in code point order', async () => {
    const listed = await listLocalFiles(dir, ['2026-04-20']);
    // Code points, not UTF-16 units: U+FF5E before U+1F680; and `-` (U+2D) before `/` (U+2F).
    const names = ['.github/kept.jsonl', 'Z.jsonl', 'a.jsonl', 'b.jsonl', 'file-link.jsonl', 'sub-x.jsonl', 'sub/b.jsonl', '\u00e9.jsonl', '\uff5e.jsonl', '\u{1f680}.jsonl'];
    expect(listed).toEqual(names.map(name => ({path: `sessions/2026-04-20/${name}`, folder: '2026-04-20'})));
  });

  it('passes over .git folders and names that do not end in .jsonl', async () => {
    const paths = (await listLocalFiles(dir, ['2026-04-20'])).map(f => f.path);
    expect(paths.filter(p => p.includes('/.git/') || !p.endsWith('.jsonl'))).toEqual([]);
  });

  it('does not follow a symlinked folder, whatever its name, but lists a symlinked file', async () => {
    const paths = (await listLocalFiles(dir, ['2026-04-20'])).map(f => f.path);
    expect(paths.filter(p => p.includes('link'))).toEqual(['sessions/2026-04-20/file-link.jsonl']);
  });

  it('keeps the folders in the order given', async () => {
    const listed = await listLocalFiles(dir, ['2026-04-21', '2026-04-20']);
    expect(listed[0]).toEqual({path: 'sessions/2026-04-21/c.jsonl', folder: '2026-04-21'});
    expect(listed.slice(1).every(f => f.folder === '2026-04-20')).toBe(true);
  });

  it('gives nothing for a day without a folder', async () => {
    expect(await listLocalFiles(dir, ['2026-04-19', '2026-04-22'])).toEqual([]);
  });

  it('raises KPI_INPUT_UNREADABLE, naming the folder, for a day folder that cannot be listed', async () => {
    const broken = writeTree(join(scratch, 'broken'), {'sessions/2026-04-20': 'a file where the day folder should be'});
    const error = await listLocalFiles(broken, ['2026-04-20']).catch(e => e);
    expect(error).toBeInstanceOf(KpiError);
    expect(error).toMatchObject({code: 'KPI_INPUT_UNREADABLE', message: expect.stringContaining(`cannot list ${join(broken, 'sessions', '2026-04-20')}`)});
  });

  it('raises KPI_OPTION_INVALID for a --source-dir that is missing or not a folder', async () => {
    const file = join(scratch, 'plain-file');
    writeFileSync(file, '');
    for (const source of [join(scratch, 'missing'), file]) {
      await expect(listLocalFiles(source, ['2026-04-20'])).rejects.toMatchObject({code: 'KPI_OPTION_INVALID', message: expect.stringContaining(`--source-dir ${source} cannot be read`)});
    }
  });
});

describe('LocalFile', () => {
  const dir = join(scratch, 'reader');
  const ref = (path: string) => ({dir, path});

  it('reads from any position; fewer bytes at the end, then 0', () => {
    const bytes = pattern(1000);
    writeTree(dir, {'sessions/d/r.jsonl': bytes});
    const file = new LocalFile(ref('sessions/d/r.jsonl'));
    try {
      expect(file.size).toBe(1000);
      const buffer = Buffer.alloc(300);
      expect(file.readAt(buffer, 100)).toBe(300);
      expect(buffer).toEqual(bytes.subarray(100, 400));
      expect(file.readAt(buffer, 900)).toBe(100);
      expect(buffer.subarray(0, 100)).toEqual(bytes.subarray(900));
      expect(file.readAt(buffer, 1000)).toBe(0);
    } finally {
      file.close();
    }
  });

  it('reads the file whole as large as it was when opened, though it grew since', () => {
    writeTree(dir, {'sessions/d/grows.jsonl': 'first'});
    const file = new LocalFile(ref('sessions/d/grows.jsonl'));
    appendFileSync(join(dir, 'sessions/d/grows.jsonl'), ' and more');
    const all = file.readAll(Buffer.alloc(64));
    file.close();
    expect(all.toString()).toBe('first');
  });

  it('may be closed twice', () => {
    writeTree(dir, {'sessions/d/c.jsonl': 'x'});
    const file = new LocalFile(ref('sessions/d/c.jsonl'));
    file.close();
    expect(() => file.close()).not.toThrow();
  });

  it('raises KPI_INPUT_UNREADABLE naming the file (its listed path) when it cannot be opened or read', () => {
    mkdirSync(join(dir, 'sessions/d/a-folder.jsonl'), {recursive: true});
    const missing = () => new LocalFile(ref('sessions/d/missing.jsonl'));
    expect(missing).toThrow(KpiError);
    expect(missing).toThrow(expect.objectContaining({code: 'KPI_INPUT_UNREADABLE', context: {file: 'sessions/d/missing.jsonl'}, message: expect.stringContaining(join(dir, 'sessions/d/missing.jsonl'))}));
    const folder = () => new LocalFile(ref('sessions/d/a-folder.jsonl')).readAll(Buffer.alloc(LOCAL_CHUNK));
    expect(folder).toThrow(expect.objectContaining({code: 'KPI_INPUT_UNREADABLE', context: {file: 'sessions/d/a-folder.jsonl'}}));
  });
});

describe('openLocalFile', () => {
  const dir = join(scratch, 'open');
  const size = 2 * LOCAL_CHUNK + 1234;
  const bytes = pattern(size);
  writeTree(dir, {'sessions/d/big.jsonl': bytes, 'sessions/d/empty.jsonl': ''});
  const big = {dir, path: 'sessions/d/big.jsonl'};

  it('gives the bytes whole when there are at most `limit` of them', async () => {
    const opened = await openLocalFile(big, size);
    expect(opened).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(opened as Uint8Array).equals(bytes)).toBe(true);
  });

  it('streams a larger file in chunks of LOCAL_CHUNK bytes, each in a buffer of its own', async () => {
    const opened = await openLocalFile(big, size - 1);
    expect(opened).not.toBeInstanceOf(Uint8Array);
    const chunks = await chunksOf(opened as Readable);
    expect(chunks.map(c => c.length)).toEqual([LOCAL_CHUNK, LOCAL_CHUNK, 1234]);
    expect(new Set(chunks.map(c => c.buffer)).size).toBe(chunks.length);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  it('streams an empty file as no chunks when every size is over the limit', async () => {
    expect(await chunksOf((await openLocalFile({dir, path: 'sessions/d/empty.jsonl'}, -1)) as Readable)).toEqual([]);
    const whole = await openLocalFile({dir, path: 'sessions/d/empty.jsonl'}, 0);
    expect(whole).toBeInstanceOf(Uint8Array);
    expect(whole).toHaveLength(0);
  });

  it('opens a streamed file at its first read: one gone by then fails the stream, naming it', async () => {
    writeTree(dir, {'sessions/d/gone.jsonl': bytes});
    const stream = (await openLocalFile({dir, path: 'sessions/d/gone.jsonl'}, 0)) as Readable;
    rmSync(join(dir, 'sessions/d/gone.jsonl'));
    await expect(chunksOf(stream)).rejects.toMatchObject({code: 'KPI_INPUT_UNREADABLE', context: {file: 'sessions/d/gone.jsonl'}});
  });

  it('rejects with KPI_INPUT_UNREADABLE naming a file that is not there', async () => {
    await expect(openLocalFile({dir, path: 'sessions/d/none.jsonl'}, size)).rejects.toMatchObject({code: 'KPI_INPUT_UNREADABLE', context: {file: 'sessions/d/none.jsonl'}});
  });
});
