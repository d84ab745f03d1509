/**
 * Issue 14: a bad row on standard input costs only itself. `cat` of session files runs them
 * together on one line; every file that is not a plain row (a BOM, an array, a string, `true`,
 * a number, `null`, a truncated row, garbage, `{}`) must leave every row after it readable.
 */

import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateCorpus} from '../../tools/corpus/corpus.js';
import {runInProcess} from '../support/cli-io.js';
import {readTree} from '../support/oracle.js';
import {REPO} from '../support/python.js';

const cli = (args: string[], stdin?: Buffer) => runInProcess(args, {}, new Date('2026-04-22T00:30:00Z'), stdin);

/** The session files of `root` in the folder run's order (day folder, then name), as `cat` would read them. */
function sessionFiles(root: string): string[] {
  const sessions = join(root, 'sessions');
  const days = readdirSync(sessions, {withFileTypes: true}).filter(d => d.isDirectory()).map(d => d.name).sort();
  return days.flatMap(day => readdirSync(join(sessions, day), {withFileTypes: true}).filter(f => f.isFile() && !f.name.startsWith('.') && f.name.endsWith('.jsonl')).map(f => join(sessions, day, f.name)).sort());
}

const cat = (files: string[]) => Buffer.concat(files.map(f => readFileSync(f)));
const awk1 = (files: string[]) => Buffer.concat(files.map(f => readFileSync(f)).map(b => (b.length && b[b.length - 1] !== 0x0a ? Buffer.concat([b, Buffer.from('\n')]) : b)));

describe('--stdin resynchronises after a bad row', () => {
  it('cat of fixtures/dataset (no newline between files) writes what the oracle wrote for the newline-separated stream', async () => {
    const dataset = join(REPO, 'fixtures', 'dataset');
    // The shell's `cat fixtures/dataset/sessions/*/*.jsonl`: folders and names in byte order.
    const files = sessionFiles(dataset);
    const expected = readTree(join(REPO, 'fixtures', 'expected', 'stdin'));
    const catRun = await cli(['--stdin', '--stdout'], cat(files));
    const awkRun = await cli(['--stdin', '--stdout'], awk1(files));
    expect(catRun.code).toBe(0);
    expect(catRun.stdout).toBe(awkRun.stdout);
    // Every bucket the oracle wrote, byte for byte: its data line is the CSV's second line.
    const lines = catRun.stdout.trimEnd().split('\n');
    expect(lines.length - 1).toBe(expected.size);
    for (const [, csv] of expected) expect(lines).toContain(csv.toString().trimEnd().split('\n')[1]);
    // As many sessions as the newline-separated stream: no good row lost to a bad neighbour.
    const sessionsIn = (stderr: string) => Number(/(\d+) sessions?,/.exec(stderr)?.[1]);
    expect(sessionsIn(catRun.stderr)).toBeGreaterThan(50);
    expect(sessionsIn(catRun.stderr)).toBe(sessionsIn(awkRun.stderr));
  });

  describe('every kind of bad file between good ones', () => {
    let root: string;
    let good: string[];
    const bad: Record<string, string | Buffer> = {
      'a-bom.jsonl': '', // filled in below: a BOM before a good row
      'b-array.jsonl': '[1, 2, 3]',
      'c-string.jsonl': '"session"',
      'd-true.jsonl': 'true',
      'e-number.jsonl': '42',
      'f-null.jsonl': 'null',
      'g-empty-object.jsonl': '{}',
      'h-garbage.jsonl': 'hello, world',
      'i-truncated.jsonl': '', // filled in below: half of a good row
      'j-empty.jsonl': '',
      'k-unicode-space.jsonl': '', // a good row behind Unicode whitespace: read, as the reference strips it
    };
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'kpi-resync-'));
      generateCorpus(root, {seed: 11, profile: 'realistic', days: 2, sessionsPerDay: 4, sizeScale: 0.02, start: '2026-04-20'});
      good = sessionFiles(root);
      const row = readFileSync(good[0]!);
      bad['a-bom.jsonl'] = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), row]);
      bad['i-truncated.jsonl'] = row.subarray(0, Math.floor(row.length / 2));
      bad['k-unicode-space.jsonl'] = Buffer.concat([Buffer.from('\u3000\u00a0\x1c', 'utf8'), readFileSync(good[1]!)]);
      // Bad files sort between the good ones of each day.
      for (const [name, data] of Object.entries(bad)) {
        const day = name < 'f' || name.startsWith('k') ? '2026-04-20' : '2026-04-21';
        const goodOfDay = good.filter(f => f.includes(day)).map(f => f.split('/').pop()!);
        const between = goodOfDay[Math.min(2, goodOfDay.length - 1)]!.slice(0, 8);
        writeFileSync(join(root, 'sessions', day, `${between}-${name}`), data);
      }
    });
    afterAll(() => rmSync(root, {recursive: true, force: true}));

    it('in cat order and newline-separated, gives the bytes of the folder run', async () => {
      const hours = ['--from', '2026-04-20T00', '--to', '2026-04-22T00'];
      const folder = await cli(['--source-dir', root, ...hours, '--stdout', '--strict']);
      expect(folder.stdout.split('\n').length).toBeGreaterThan(3);
      const files = sessionFiles(root);
      expect(files.length).toBe(good.length + Object.keys(bad).length);
      for (const stdin of [cat(files), awk1(files)]) {
        const piped = await cli(['--stdin', ...hours, '--stdout'], stdin);
        expect(piped.code).toBe(0);
        expect(piped.stdout).toBe(folder.stdout);
      }
    });

    it('warns each bad row with its row number and byte offset', async () => {
      const piped = await cli(['--stdin', '--stdout', '--verbose'], cat(sessionFiles(root)));
      const warned = piped.stderr.split('\n').filter(l => /skipped/.test(l) && l.startsWith('warn'));
      // BOM, array, string, true, number, null, {}, garbage, truncated: nine rows, each named.
      expect(warned).toHaveLength(9);
      for (const line of warned) expect(line).toMatch(/^warn: stdin row \d+ \(byte \d+\): skipped: /);
    });
  });
});
