/**
 * Issue 14: operator paths where nothing may be lost and nothing may surprise: a KPI that cannot
 * be computed, output folders that cannot be created, arguments, exit codes, dry runs, the audit
 * trail. Through `run()` with a CliIo of strings (stdin resync has its own file).
 */

import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {run, type CliIo} from '../../src/cli/run.js';
import {generateCorpus} from '../../src/dev/corpus.js';
import {CLI, readTree} from '../support/oracle.js';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  lines: string[];
}

async function cli(args: string[], options: {stdin?: string; env?: NodeJS.ProcessEnv; now?: string} = {}): Promise<Ran> {
  const out: Ran = {code: -1, stdout: '', stderr: '', lines: []};
  const io: CliIo = {
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout: text => void (out.stdout += text),
    stderr: line => {
      out.lines.push(line);
      out.stderr += `${line}\n`;
    },
    stderrRaw: text => void (out.stderr += text),
    stderrIsTTY: false,
    env: options.env ?? {},
    now: () => new Date(options.now ?? '2026-04-22T00:30:00Z'),
  };
  out.code = await run(args, io);
  return out;
}

let scratch: string;
let week: string;
let dirs = 0;
const outDir = () => join(scratch, `out-${dirs++}`);
const WEEK = ['--from', '2026-04-20T00', '--to', '2026-04-27T00'];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'kpi-op14-'));
  week = join(scratch, 'week');
  generateCorpus(week, {seed: 5, profile: 'realistic', days: 7, sessionsPerDay: 2, sizeScale: 0.02, start: '2026-04-20'});
});
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

/** A session whose token counts are integers of 400 digits summing to 1: its cache-hit ratio overflows a float. */
function overflowingSession(day: string, hour: string): string {
  const big = `1${'0'.repeat(400)}`;
  const events = `[{"timestamp": "${day}T${hour}:05:00", "event_type": "llm_call", "data": {"prompt_tokens": -${"9".repeat(400)}, "completion_tokens": 1, "cache_read_tokens": ${big}, "cache_creation_tokens": 0, "cost_usd": 0.5}}]`;
  return `{"session_id": "overflow", "session_start_time": "${day}T${hour}:00:00", "user_id": "u", "messages": "[]", "events": ${JSON.stringify(events)}, "tools": "[]"}`;
}

describe('a KPI that cannot be computed costs one cell', () => {
  it('a week with one overflowing cache-hit ratio: exit 0, every other hour as without it, that cell empty, the bucket named', async () => {
    const planted = join(scratch, 'week-overflow');
    generateCorpus(planted, {seed: 5, profile: 'realistic', days: 7, sessionsPerDay: 2, sizeScale: 0.02, start: '2026-04-20'});
    writeFileSync(join(planted, 'sessions', '2026-04-22', 'overflow.jsonl'), overflowingSession('2026-04-22', '03'));
    const clean = outDir();
    const withOverflow = outDir();
    expect((await cli(['--source-dir', week, ...WEEK, '--out-dir', clean])).code).toBe(0);
    const result = await cli(['--source-dir', planted, ...WEEK, '--out-dir', withOverflow]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warn: bucket 2026-04-22T03: cache_hit_ratio cannot be computed \(integer division result too large for a float\); its cell is left empty/);
    const before = readTree(clean);
    const after = readTree(withOverflow);
    expect(after.size).toBeGreaterThan(10);
    for (const [path, bytes] of before) if (path !== 'hourly/2026-04-22/03.csv') expect(after.get(path), path).toEqual(bytes);
    const [header, row] = after.get('hourly/2026-04-22/03.csv')!.toString().trimEnd().split('\n');
    const cell = header!.split(',').indexOf('cache_hit_ratio');
    expect(row!.split(',')[cell]).toBe('');
    expect(row!.split(',')[header!.split(',').indexOf('tokens_cache_read')]).toMatch(/^1?0{400}/);
  });
});

describe('--out-dir that cannot be created', () => {
  it('under /proc: exit 4 at once with one line naming the folder (Node\'s recursive mkdir loops forever there)', async () => {
    if (!existsSync('/proc/self')) return console.log('skipped: no /proc on this machine');
    // A child process, killed if it hangs: an in-process hang would keep spinning after the test.
    const result = spawnSync(process.execPath, [CLI, '--source-dir', week, ...WEEK, '--out-dir', '/proc/kpi-stream-test/out', '--threads', '1'], {timeout: 20_000, encoding: 'utf8'});
    expect(result.signal, 'the run hung and was killed').toBeNull();
    expect(result.status).toBe(4);
    const errors = result.stderr.split('\n').filter(l => l.startsWith('error: '));
    expect(errors).toEqual([expect.stringMatching(/^error: cannot create \/proc\/kpi-stream-test\/out: mkdir \/proc\/kpi-stream-test failed \(ENOENT\)$/)]);
  }, 30_000);

  it('a file where a folder should be: exit 4 naming it', async () => {
    const blocker = join(scratch, 'a-file');
    writeFileSync(blocker, 'x');
    const result = await cli(['--source-dir', week, ...WEEK, '--out-dir', join(blocker, 'out')]);
    expect(result.code).toBe(4);
    expect(result.lines.filter(l => l.startsWith('error: '))).toEqual([`error: cannot create ${join(blocker, 'out')}: ${blocker} is not a folder`]);
  });
});
