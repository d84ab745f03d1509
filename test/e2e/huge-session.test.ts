import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {writeHugeSession} from '../../tools/corpus/corpus.js';
import {ORACLE, PYTHON, REPO, oracleMissing} from '../support/python.js';

/**
 * A 250 MB session through the CLI (the streaming path, issue 4): the same bytes as the reference
 * for its hours and its day, in at most 256 MB. Minutes of work, so only with KPI_HUGE_TEST=1.
 */
const MB = 1e6;
const SIZE = Number(process.env.KPI_HUGE_BYTES ?? 250 * MB);
const RSS_LIMIT_MB = 256;
const TIME = '/usr/bin/time';

const skipWhy =
  process.env.KPI_HUGE_TEST !== '1'
    ? 'set KPI_HUGE_TEST=1 to run it (a 250 MB session, a few minutes)'
    : oracleMissing ?? (existsSync(TIME) ? undefined : `${TIME} (GNU time) not found, needed for the peak RSS`);
if (skipWhy) console.warn(`[skip] huge-session end-to-end test: ${skipWhy}`);

const scratch = mkdtempSync(join(tmpdir(), 'kpi-huge-'));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, {withFileTypes: true})) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.set(relative(dir, join(d, e.name)), readFileSync(join(d, e.name)));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Runs a command under GNU time; returns its wall seconds and peak RSS in MB. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): {seconds: number; rssMb: number} {
  const run = spawnSync(TIME, ['-v', command, ...args], {encoding: 'utf8', env, maxBuffer: 1 << 26});
  expect(run.status, `${command} ${args.join(' ')}\n${run.stdout}\n${run.stderr.slice(-3000)}`).toBe(0);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(run.stderr);
  if (!rss || !wall) throw new Error(`no GNU time report in:\n${run.stderr.slice(-2000)}`);
  return {seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]), rssMb: Number(rss[1]) / 1024};
}

describe.skipIf(skipWhy !== undefined)('a huge session through the CLI', () => {
  it('matches the reference for its hours and its day in bounded memory', () => {
    const source = join(scratch, 'source');
    const file = join(source, 'sessions', '2026-04-20', 'huge.jsonl');
    mkdirSync(join(source, 'sessions', '2026-04-20'), {recursive: true});
    writeHugeSession(file, SIZE, 20260420);
    const bytes = statSync(file).size;
    const cli = join(REPO, 'bin', 'kpi-stream');
    expect(existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js')), 'run `npm run build` first').toBe(true);
    const runs = [
      {name: 'hours', args: ['--from', '2026-04-20T21', '--to', '2026-04-21T04']},
      {name: 'daily', args: ['--daily-backfill', '2026-04-20']},
    ];
    for (const {name, args} of runs) {
      const ours = join(scratch, `ours-${name}`);
      const theirs = join(scratch, `reference-${name}`);
      const k = timed(process.execPath, [cli, '--source-dir', source, '--out-dir', ours, ...args]);
      const r = timed(PYTHON, [ORACLE, '--source-dir', source, '--out-dir', theirs, ...args], {...process.env, PYTHONUTF8: '1'});
      console.log(
        `[huge ${name}] ${(bytes / MB).toFixed(0)} MB: kpi-stream ${k.seconds.toFixed(1)} s (${(bytes / MB / k.seconds).toFixed(0)} MB/s), ` +
          `peak RSS ${k.rssMb.toFixed(0)} MB; reference ${r.seconds.toFixed(1)} s, peak RSS ${r.rssMb.toFixed(0)} MB`,
      );
      const expected = files(theirs);
      expect(expected.size).toBeGreaterThan(0);
      expect(files(ours)).toEqual(expected);
      expect(k.rssMb).toBeLessThan(RSS_LIMIT_MB);
    }
  }, 20 * 60_000);
});
