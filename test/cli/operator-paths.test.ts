/**
 * Issue 14: operator paths where nothing may be lost and nothing may surprise: a KPI that cannot
 * be computed, output folders that cannot be created, arguments, exit codes, dry runs, the audit
 * trail. Through `run()` with a CliIo of strings (stdin resync has its own file).
 */

import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {generateCorpus} from '../../tools/corpus/corpus.js';
import {acquireLock, targetLockPath} from '../../src/lock.js';
import {startHubServer, type HubServer} from '../support/hub-server.js';
import {runInProcess} from '../support/cli-io.js';
import {CLI, readTree} from '../support/oracle.js';
import {REPO} from '../support/python.js';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  lines: string[];
}

async function cli(args: string[], options: {stdin?: string; env?: NodeJS.ProcessEnv; now?: string} = {}): Promise<Ran> {
  const ran = await runInProcess(args, options.env ?? {}, new Date(options.now ?? '2026-04-22T00:30:00Z'), options.stdin);
  return {...ran, lines: ran.stderr.split('\n').slice(0, -1)};
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

describe('arguments', () => {
  it('a positional is an error (it used to be ignored: a Hub run with the default target)', async () => {
    const result = await cli(['../data', '--datetime', '2026-04-24T14'], {env: {HF_TOKEN: 'hf_x'}});
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe('error: unexpected argument "../data": kpi-stream takes only flags (a folder goes after --source-dir; - alone reads standard input)');
  });

  it('- reads standard input', async () => {
    const row = '{"session_id": "s", "session_start_time": "2026-04-21T10:00:00", "events": "[{\\"timestamp\\": \\"2026-04-21T10:05:00\\", \\"event_type\\": \\"llm_call\\", \\"data\\": {}}]"}';
    const dash = await cli(['-', '--stdout'], {stdin: row});
    const stdin = await cli(['--stdin', '--stdout'], {stdin: row});
    expect(dash.code).toBe(0);
    expect(dash.stdout).toMatch(/^bucket,.*\n2026-04-21T10,1,/);
    expect(dash.stdout).toBe(stdin.stdout);
  });

  it('-h and -V are --help and --version', async () => {
    const help = await cli(['-h']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--source-dir');
    const version = await cli(['-V']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
  });

  it('--now alone pins the cron hour (the completed hour before it)', async () => {
    const out = outDir();
    const result = await cli(['--source-dir', week, '--now', '2026-04-21T11', '--out-dir', out], {now: '2030-01-01T00:00:00Z'});
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Z kpi-stream 2026-04-21T10: /);
  });

  it.each([
    [['--datetime', '2026-04-24'], 'error: option `--datetime` must be an hour, not just a date: 2026-04-24T00 for its first hour, or --from 2026-04-24T00 --to <next day>T00 for the day, got "2026-04-24"'],
    [['--hours', 'abc'], 'error: option `--hours` must be a whole number >= 1, got "abc"'],
    [['--concurrency', '0'], 'error: option `--concurrency` must be a whole number >= 1, got "0"'],
    [['--out-dir'], 'error: option `--out-dir` needs a value'],
    [['--hours'], 'error: option `--hours` needs a value: a whole number >= 1'],
  ])('%j: exit 1, the value in its own words, one error prefix', async (flags, message) => {
    const result = await cli(['--source-dir', week, '--stdout', ...flags]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(message);
    expect(lines.slice(1).every(l => !l.startsWith('error') && !l.startsWith('kpi-stream:'))).toBe(true);
  });
});

describe('smaller surprises', () => {
  it('bin/kpi-stream in a clone that was never built says to run npm ci, not a module stack', () => {
    const clone = join(scratch, 'unbuilt');
    mkdirSync(join(clone, 'bin'), {recursive: true});
    writeFileSync(join(clone, 'bin', 'kpi-stream'), readFileSync(CLI));
    const result = spawnSync(process.execPath, [join(clone, 'bin', 'kpi-stream'), '--help'], {encoding: 'utf8', timeout: 20_000});
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`error: kpi-stream is not built: run \`npm ci\` (or \`npm run build\`) in ${clone}/\n`);
  });

  it('the summary says "1 bucket" and counts invalid UTF-8 as one reason without a literal N', async () => {
    const dir = join(scratch, 'utf8');
    mkdirSync(join(dir, 'sessions', '2026-04-21'), {recursive: true});
    // A timestamp in the hour, so the hour prefilter lets it through to the UTF-8 check.
    writeFileSync(join(dir, 'sessions', '2026-04-21', 'bad.jsonl'), Buffer.concat([Buffer.from('{"t": "2026-04-21T10:01:00", "x": "'), Buffer.from([0xff]), Buffer.from('"}')]));
    writeFileSync(join(dir, 'sessions', '2026-04-21', 'good.jsonl'), '{"session_id": "s", "session_start_time": "2026-04-21T10:00:00", "events": "[{\\"timestamp\\": \\"2026-04-21T10:05:00\\", \\"event_type\\": \\"llm_call\\", \\"data\\": {}}]"}');
    const result = await cli(['--source-dir', dir, '--datetime', '2026-04-21T10', '--stdout']);
    expect(result.lines.at(-1)).toMatch(/Z kpi-stream 2026-04-21T10: 2 files listed, 1 read, 1 skipped \(1 invalid UTF-8\); 1 session, 1 event, 0\.0 MB; 1 bucket written; 1 warning; /);
  });
});

describe('--timeout and the run lock', () => {
  let hub: HubServer | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });
  const HOUR = ['--from', '2026-04-21T00', '--to', '2026-04-22T00'];

  it('a commit answered 429 with Retry-After: 30 stops retrying at --timeout 2: exit 3 in seconds, not minutes', async () => {
    process.env.KPI_RETRY_BASE_MS = '1';
    hub = await startHubServer({token: 'hf_op14', repos: {'acme/kpis': {files: new Map()}}});
    hub.inject({match: 'preupload', times: Infinity, status: 429, retryAfter: 30});
    const began = Date.now();
    const result = await cli(['--source-dir', week, ...HOUR, '--target', 'acme/kpis', '--timeout', '2'], {env: {HF_TOKEN: 'hf_op14', HF_ENDPOINT: hub.url}});
    expect(result.code).toBe(3);
    expect(Date.now() - began).toBeLessThan(15_000);
    expect(result.stderr).toMatch(/error: cannot commit \d+ files? to dataset acme\/kpis: HTTP 429/);
    expect(hub.commits).toHaveLength(0);
  }, 40_000);

  it('a second run on the same --out-dir stops at once (exit 5) naming the run that holds it, and writes nothing', async () => {
    const out = outDir();
    mkdirSync(out, {recursive: true});
    writeFileSync(join(out, '.kpi-stream.lock'), `${process.pid}\n2026-04-22T00:05:00.000Z\n`);
    const result = await cli(['--source-dir', week, ...WEEK, '--out-dir', out]);
    expect(result.code).toBe(5);
    expect(result.lines[0]).toBe(`error: another kpi-stream run (pid ${process.pid}, since 2026-04-22T00:05:00.000Z) is writing --out-dir ${out}; this run stops without reading or writing anything. If no such run exists, remove ${join(out, '.kpi-stream.lock')}`);
    expect(readdirSync(out)).toEqual(['.kpi-stream.lock']);
  });

  it('a lock left by a run that is gone is taken over, and removed at the end', async () => {
    const out = outDir();
    mkdirSync(out, {recursive: true});
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(out, '.kpi-stream.lock'), `${gone}\n2026-04-22T00:05:00.000Z\n`);
    const result = await cli(['--source-dir', week, ...WEEK, '--out-dir', out]);
    expect(result.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['hourly']);
  });

  it('the same Hub target on this machine: the second run stops (exit 5) before any request', async () => {
    hub = await startHubServer({token: 'hf_op14', repos: {'acme/kpis': {files: new Map()}}});
    const lock = await acquireLock(targetLockPath(hub.url, 'acme/kpis'), 'dataset acme/kpis');
    try {
      const result = await cli(['--source-dir', week, ...HOUR, '--target', 'acme/kpis'], {env: {HF_TOKEN: 'hf_op14', HF_ENDPOINT: hub.url}});
      expect(result.code).toBe(5);
      expect(result.lines[0]).toMatch(/^error: another kpi-stream run \(pid \d+, since .*\) is writing dataset acme\/kpis;/);
      expect(hub.requests).toHaveLength(0);
    } finally {
      await lock.release();
    }
  });
});

describe('--dry-run writes nothing anywhere', () => {
  it('a local source with --out-dir: no folder, no file; it lists what it would write', async () => {
    const out = join(scratch, `dry-${dirs++}`);
    const real = outDir();
    expect((await cli(['--source-dir', week, ...WEEK, '--out-dir', real])).code).toBe(0);
    const result = await cli(['--source-dir', week, ...WEEK, '--out-dir', out, '--dry-run']);
    expect(result.code).toBe(0);
    expect(existsSync(out)).toBe(false);
    const tree = readTree(real);
    expect(result.stderr).toContain(`dry run: would write ${tree.size} files under ${out}:`);
    for (const [path, bytes] of tree) expect(result.stderr).toContain(`  ${path} (${bytes.length} bytes)`);
    expect(result.lines.at(-1)).toMatch(/; 0 buckets written; /);
  });

  it('a local source and no output: computes and says so, exit 0', async () => {
    const result = await cli(['--source-dir', week, ...WEEK, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/dry run: computed \d+ buckets; give --out-dir, --stdout or --target/);
  });
});

describe('empty inputs are warned, not silent', () => {
  it('--source-dir one level too deep: a warning that there is no sessions/ folder', async () => {
    const result = await cli(['--source-dir', join(week, 'sessions'), ...WEEK, '--stdout']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`warn: ${join(week, 'sessions')}: has no sessions/ folder: give the folder that holds sessions/YYYY-MM-DD/*.jsonl (one level up or down?)`);
  });

  it('hours whose day folders do not exist: a warning naming them; --stdout still prints the header', async () => {
    const result = await cli(['--source-dir', week, '--datetime', '2027-01-05T10', '--stdout']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`warn: --source-dir ${week}: no session file in sessions/2027-01-04/, sessions/2027-01-05/: nothing to read for the requested hours`);
    expect(result.stdout).toMatch(/^bucket,sessions,.*\n$/);
  });

  it('empty standard input: a warning', async () => {
    const result = await cli(['--stdin', '--stdout'], {stdin: ''});
    expect(result.stderr).toContain('warn: stdin: held no session row');
  });
});

describe('--report FILE: the audit trail', () => {
  const records = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n').map(l => JSON.parse(l) as Record<string, unknown>);

  it('one line per input (read, skipped with reason, ruled out by the hour prefilter) and per bucket (written)', async () => {
    const dataset = join(REPO, 'fixtures', 'dataset');
    const report = join(scratch, `report-${dirs++}.jsonl`);
    const out = outDir();
    const result = await cli(['--source-dir', dataset, '--datetime', '2026-04-21T14', '--out-dir', out, '--report', report]);
    expect(result.code).toBe(0);
    const lines = records(report);
    const inputs = lines.filter(l => l.kind === 'input');
    const buckets = lines.filter(l => l.kind === 'bucket');
    const listed = Number(/(\d+) files listed/.exec(result.lines.at(-1)!)![1]);
    expect(inputs).toHaveLength(listed);
    const byStatus = (s: string) => inputs.filter(i => i.status === s);
    expect(byStatus('read').length).toBeGreaterThan(0);
    expect(byStatus('ruled-out').length).toBeGreaterThan(0);
    expect(byStatus('read').length + byStatus('ruled-out').length + byStatus('skipped').length).toBe(listed);
    for (const input of inputs) {
      expect(input.path).toMatch(/^sessions\/2026-04-2[01]\//);
      expect(typeof input.bytes).toBe('number');
      expect(Array.isArray(input.warnings)).toBe(true);
      if (input.status !== 'read') expect(input.reason).toEqual(expect.any(String));
    }
    expect(result.lines.at(-1)).toContain(`(${byStatus('ruled-out').length} of them ruled out by the hour prefilter, not parsed)`);
    expect(buckets).toEqual([{kind: 'bucket', bucket: '2026-04-21T14', file: 'hourly/2026-04-21/14.csv', rows: 1, sessions: expect.any(Number), written: true, committed: false, unchanged: false}]);
    expect(readTree(out).has('hourly/2026-04-21/14.csv')).toBe(true);
  });

  it('with --strict every file is parsed: skipped files carry their reason, none is ruled out', async () => {
    const report = join(scratch, `report-${dirs++}.jsonl`);
    await cli(['--source-dir', join(REPO, 'fixtures', 'dataset'), '--datetime', '2026-04-21T14', '--stdout', '--strict', '--report', report]);
    const inputs = records(report).filter(l => l.kind === 'input');
    expect(inputs.filter(i => i.status === 'ruled-out')).toHaveLength(0);
    expect(inputs.find(i => String(i.path).includes('true-row'))).toMatchObject({status: 'skipped', reason: 'row is not a JSON object'});
  });

  it('an input that cannot be read: status failed with the reason, no bucket line; the run exits 2', async () => {
    const dir = join(scratch, `unreadable-${dirs++}`);
    generateCorpus(dir, {seed: 5, profile: 'realistic', days: 2, sessionsPerDay: 2, sizeScale: 0.02, start: '2026-04-20'});
    symlinkSync(join(dir, 'nowhere'), join(dir, 'sessions', '2026-04-21', 'gone.jsonl'));
    const report = join(scratch, `report-${dirs++}.jsonl`);
    const result = await cli(['--source-dir', dir, '--from', '2026-04-20T00', '--to', '2026-04-22T00', '--stdout', '--report', report]);
    expect(result.code).toBe(2);
    const lines = records(report);
    expect(lines.find(l => l.path === 'sessions/2026-04-21/gone.jsonl')).toMatchObject({kind: 'input', status: 'failed', reason: expect.stringContaining('ENOENT')});
    expect(lines.filter(l => l.kind === 'bucket')).toHaveLength(0);
  });

  it('a Hub target: committed on the first run, unchanged on the second', async () => {
    process.env.KPI_RETRY_BASE_MS = '1';
    const hub = await startHubServer({token: 'hf_op14', repos: {'acme/kpis': {files: new Map()}}});
    try {
      const env = {HF_TOKEN: 'hf_op14', HF_ENDPOINT: hub.url};
      const args = ['--source-dir', week, '--from', '2026-04-21T00', '--to', '2026-04-22T00', '--target', 'acme/kpis'];
      const first = join(scratch, `report-${dirs++}.jsonl`);
      const second = join(scratch, `report-${dirs++}.jsonl`);
      expect((await cli([...args, '--report', first], {env})).code).toBe(0);
      const again = await cli([...args, '--report', second, '--log-format', 'json'], {env});
      expect(again.code).toBe(0);
      const firstBuckets = records(first).filter(l => l.kind === 'bucket');
      expect(firstBuckets.length).toBeGreaterThan(0);
      expect(firstBuckets.every(b => b.committed === true && b.unchanged === false && b.written === false)).toBe(true);
      expect(records(second).filter(l => l.kind === 'bucket').every(b => b.committed === false && b.unchanged === true)).toBe(true);
      expect(hub.commits).toHaveLength(1);
      // JSON logs carry the commit as fields.
      const summary = JSON.parse(again.lines.at(-1)!) as {commit: Record<string, unknown>; time: string; hours: string};
      expect(summary.commit).toEqual({repo: 'acme/kpis', files: [], unchanged: firstBuckets.map(b => b.file)});
      expect(summary.hours).toBe('2026-04-21T00 .. 2026-04-21T23 (24 hours)');
      expect(summary.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    } finally {
      await hub.close();
    }
  });
});
