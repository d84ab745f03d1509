import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {KpiError} from '../../src/errors.js';
import {safeJoin, writeLocalFiles} from '../../src/sinks/local-dir.js';

let scratch: string;
let n = 0;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'kpi-local-dir-'));
});
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

/** A fresh output folder and a folder beside it, outside. */
function folders(): {out: string; outside: string} {
  const out = join(scratch, `out-${n}`);
  const outside = join(scratch, `outside-${n++}`);
  mkdirSync(out);
  mkdirSync(outside);
  return {out, outside};
}

const files = [
  {path: 'daily/2026-04-21.csv', content: 'a\n'},
  {path: 'hourly/2026-04-21/14.csv', content: 'b\n'},
];

describe('safeJoin', () => {
  const root = resolve('/srv/out');
  it.each(['../x.csv', 'hourly/../../x.csv', '..', '', '.', 'hourly/..'])('refuses %j', relative => {
    expect(() => safeJoin(root, relative)).toThrow(KpiError);
    expect(() => safeJoin(root, relative)).toThrow(/outside the output folder/);
  });

  it.each([
    ['hourly/2026-04-21/14.csv', 'hourly/2026-04-21/14.csv'],
    ['/etc/passwd', 'etc/passwd'],
    ['a/./b.csv', 'a/b.csv'],
    ['a/../b.csv', 'b.csv'],
  ])('keeps %j inside, as %j', (relative, inside) => {
    expect(safeJoin(root, relative)).toBe(join(root, inside));
  });
});

describe('writeLocalFiles', () => {
  it('writes every file, creating folders, and leaves no temp file', async () => {
    const {out} = folders();
    const written = await writeLocalFiles(out, files);
    expect(written).toEqual(files.map(f => join(out, ...f.path.split('/'))));
    expect(readFileSync(written[1], 'utf8')).toBe('b\n');
    expect(readdirSync(join(out, 'hourly', '2026-04-21'))).toEqual(['14.csv']);
  });

  it('refuses, before writing anything, a file whose folder inside the output folder links outside it', async () => {
    const {out, outside} = folders();
    symlinkSync(outside, join(out, 'hourly'));
    await expect(writeLocalFiles(out, files)).rejects.toMatchObject({code: 'KPI_OPTION_INVALID', message: expect.stringContaining('remove that link or choose another --out-dir')});
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(out, 'daily'))).toBe(false);
  });

  it('refuses a link deeper down, to a folder that does not exist yet', async () => {
    const {out, outside} = folders();
    mkdirSync(join(out, 'hourly'));
    symlinkSync(join(outside, 'later'), join(out, 'hourly', '2026-04-21'));
    await expect(writeLocalFiles(out, files)).rejects.toMatchObject({code: 'KPI_OPTION_INVALID'});
    expect(readdirSync(outside)).toEqual([]);
  });

  it('accepts links that stay inside, and an output folder that is itself a link', async () => {
    const {out, outside} = folders();
    mkdirSync(join(out, 'store'));
    symlinkSync(join(out, 'store'), join(out, 'hourly'));
    const linked = join(scratch, `linked-${n++}`);
    symlinkSync(outside, linked);
    await writeLocalFiles(out, files);
    await writeLocalFiles(linked, files);
    expect(readFileSync(join(out, 'store', '2026-04-21', '14.csv'), 'utf8')).toBe('b\n');
    expect(readFileSync(join(outside, 'daily', '2026-04-21.csv'), 'utf8')).toBe('a\n');
  });

  it('replaces a link at the file name instead of writing through it', async () => {
    const {out, outside} = folders();
    const victim = join(outside, 'victim.csv');
    writeFileSync(victim, 'keep\n');
    mkdirSync(join(out, 'daily'));
    symlinkSync(victim, join(out, 'daily', '2026-04-21.csv'));
    await writeLocalFiles(out, files);
    expect(readFileSync(victim, 'utf8')).toBe('keep\n');
    expect(readFileSync(join(out, 'daily', '2026-04-21.csv'), 'utf8')).toBe('a\n');
  });

  it('raises KPI_OUTPUT_FAILED naming the file when it cannot be written, and removes its temp file', async () => {
    const {out} = folders();
    mkdirSync(join(out, 'daily', '2026-04-21.csv'), {recursive: true});
    await expect(writeLocalFiles(out, files)).rejects.toMatchObject({code: 'KPI_OUTPUT_FAILED', message: expect.stringContaining(`cannot write ${join(out, 'daily', '2026-04-21.csv')}`)});
    expect(readdirSync(join(out, 'daily'))).toEqual(['2026-04-21.csv']);
  });
});
