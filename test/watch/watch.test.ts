/**
 * `kpi-stream watch` end to end, in this process, against the local Hub server (source and target),
 * with a clock the test moves: the start-up backfill, a tick, ticks missed in a sleep, a failed
 * hour retried at the next tick, /healthz and /metrics, and a stop mid-rollup that commits nothing.
 * Every commit must hold the bytes of a one-shot local run of the same hours.
 */

import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {CliIo} from '../../src/cli/run.js';
import {watch} from '../../src/watch/command.js';
import type {RollupReport} from '../../src/watch/scheduler.js';
import {hourLabel} from '../../src/watch/status.js';
import {runInProcess} from '../support/cli-io.js';
import {FakeClock} from '../support/fake-clock.js';
import {loadDatasetFolder, startHubServer, type HubServer} from '../support/hub-server.js';
import {readTree} from '../support/oracle.js';
import {REPO} from '../support/python.js';
import {TOKEN} from '../hub/setup.js';

process.env.KPI_RETRY_BASE_MS = '1';

const SOURCE = 'smolagents/ml-intern-sessions';
const TARGET = 'smolagents/ml-intern-kpis';
let scratch: string;
let hub: HubServer;
/** A one-shot local run over every hour the test rolls up: what each commit must hold. */
let expected: Map<string, Buffer>;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'kpi-watch-'));
  const dataset = join(REPO, 'fixtures', 'dataset');
  hub = await startHubServer({token: TOKEN, repos: {[SOURCE]: {files: await loadDatasetFolder(dataset)}, [TARGET]: {files: new Map()}}});
  const out = join(scratch, 'expected');
  const local = await runInProcess(['--source-dir', dataset, '--from', '2026-04-21T04', '--to', '2026-04-21T18', '--out-dir', out], {});
  expect(local.code, local.stderr).toBe(0);
  expected = readTree(out);
});

afterAll(async () => {
  await hub.close();
  rmSync(scratch, {recursive: true, force: true});
});

describe('kpi-stream watch', () => {
  it('backfills, ticks, coalesces missed ticks, retries a failed hour, serves health and metrics, and stops mid-rollup with nothing committed', async () => {
    const clock = new FakeClock(Date.parse('2026-04-21T10:03:00Z'));
    const stop = new AbortController();
    let log = '';
    const io: CliIo = {
      stdin: Readable.from([]),
      stdout: () => undefined,
      stderr: line => void (log += line + '\n'),
      stderrRaw: text => void (log += text),
      stderrIsTTY: false,
      env: {HF_KPI_WRITE_TOKEN: TOKEN, HF_ENDPOINT: hub.url},
      now: () => new Date(clock.now()),
    };
    const reports: RollupReport[] = [];
    const waiters: Array<(r: RollupReport) => void> = [];
    const nextReport = () => new Promise<RollupReport>(resolve => waiters.push(resolve));
    let url = '';
    const first = nextReport();
    const watching = watch(['--retries', '0', '--listen', '127.0.0.1:0', '--log-format', 'json'], io, {
      clock,
      signal: stop.signal,
      onRollup: report => {
        reports.push(report);
        waiters.shift()?.(report);
      },
      onListening: at => void (url = at),
    });
    const hoursOf = (r: RollupReport) => r.hours.map(hourLabel);
    /** Each commit holds exactly the expected CSVs of its hours. */
    const committedMatches = (hours: string[]) => {
      const commit = hub.commits.at(-1)!;
      const want = [...expected].filter(([path]) => hours.some(h => path === `hourly/${h.slice(0, 10)}/${h.slice(11)}.csv`));
      expect([...commit.files.keys()].sort()).toEqual(want.map(([path]) => path).sort());
      for (const [path, bytes] of want) expect(commit.files.get(path), path).toBe(bytes.toString('utf8'));
    };
    const health = async () => {
      const response = await fetch(`${url}/healthz`);
      return {status: response.status, body: (await response.json()) as {status: string; reason?: string; hoursOwed: string[]}};
    };

    // Start-up: the 6 completed hours before 10:03, in one rollup and one commit.
    const backfill = await first;
    expect(hoursOf(backfill)).toEqual(['04', '05', '06', '07', '08', '09'].map(h => `2026-04-21T${h}`));
    expect(backfill.outcome).toBe('ok');
    expect(hub.commits).toHaveLength(1);
    committedMatches(hoursOf(backfill));
    expect((await health()).status).toBe(200);

    // A tick at 11:05: hour 10, with every file from the memory cache (no download).
    hub.resetCounts();
    let next = nextReport();
    clock.moveTo('2026-04-21T11:05:00Z');
    const tick = await next;
    expect(hoursOf(tick)).toEqual(['2026-04-21T10']);
    expect(hub.counts.resolve + hub.counts.cdn).toBe(0);
    committedMatches(hoursOf(tick));

    // Asleep from 11:06 to 15:20: the ticks of 12:05 .. 15:05 become one rollup of hours 11-14.
    next = nextReport();
    clock.moveTo('2026-04-21T15:20:00Z', {asleep: true});
    const coalesced = await next;
    expect(hoursOf(coalesced)).toEqual(['11', '12', '13', '14'].map(h => `2026-04-21T${h}`));
    expect(hub.commits).toHaveLength(3);
    committedMatches(hoursOf(coalesced));

    // 16:05: the listing fails (HTTP 500, no retries): hour 15 fails, health says so.
    hub.inject({match: 'tree', status: 500});
    next = nextReport();
    clock.moveTo('2026-04-21T16:05:00Z');
    const failed = await next;
    expect([hoursOf(failed), failed.outcome]).toEqual([['2026-04-21T15'], 'failed']);
    const sick = await health();
    expect(sick.status).toBe(503);
    expect(sick.body.status).toBe('failing');
    expect(sick.body.hoursOwed).toEqual(['2026-04-21T15']);
    // 17:05: hour 15 again, with hour 16.
    next = nextReport();
    clock.moveTo('2026-04-21T17:05:00Z');
    const retried = await next;
    expect([hoursOf(retried), retried.outcome]).toEqual([['2026-04-21T15', '2026-04-21T16'], 'ok']);
    committedMatches(hoursOf(retried));
    expect((await health()).status).toBe(200);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('kpi_stream_rollups_total{outcome="ok"} 4');
    expect(metrics).toContain('kpi_stream_rollups_total{outcome="failed"} 1');
    expect(metrics).toMatch(/kpi_stream_files_total\{kind="from_cache"\} [1-9]/);
    expect(metrics).toContain('kpi_stream_hours_behind 0');
    expect(metrics).toContain(`kpi_stream_last_success_timestamp_seconds ${Date.parse('2026-04-21T17:05:00Z') / 1000}`);

    // 18:05: the rollup of hour 17 hangs on its listing; SIGTERM (the signal) abandons it.
    const commits = hub.commits.length;
    hub.inject({match: 'tree', delayMs: 3000});
    next = nextReport();
    clock.moveTo('2026-04-21T18:05:00Z');
    await new Promise(resolve => setTimeout(resolve, 300));
    const stopAt = performance.now();
    stop.abort();
    expect(await watching).toBe(0);
    expect(performance.now() - stopAt).toBeLessThan(2500);
    expect((await next).outcome).toBe('interrupted');
    expect(hub.commits).toHaveLength(commits);
    expect(reports).toHaveLength(6);

    const lines = log.trim().split('\n').map(line => JSON.parse(line) as {level: string; message: string});
    expect(lines.filter(l => l.level === 'summary')).toHaveLength(5); // one per finished rollup
    expect(log).not.toContain(TOKEN);
  });

  it('as a process: SIGTERM ends it with exit 0 within seconds', async () => {
    const out = join(scratch, 'child-out');
    const child = spawn(process.execPath, [join(REPO, 'bin', 'kpi-stream'), 'watch', '--source-dir', join(REPO, 'fixtures', 'dataset'), '--out-dir', out, '--threads', '1'], {stdio: ['ignore', 'ignore', 'pipe']});
    let err = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString('utf8');
        if (err.includes('watching:')) resolve();
      });
      child.on('exit', () => reject(new Error(`exited before watching: ${err}`)));
    });
    const sent = performance.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>(resolve => child.on('exit', c => resolve(c)));
    expect(code, err).toBe(0);
    expect(performance.now() - sent).toBeLessThan(5000);
    expect(err).toContain('stopping:');
  });

  it('refuses hour flags and bad watch flags with exit 1, before any rollup', async () => {
    for (const args of [['--datetime', '2026-04-21T10'], ['--at-minute', '60'], ['--backfill-hours', '-1'], ['--listen', 'nowhere'], ['--stdin']]) {
      let err = '';
      const io = {stdin: Readable.from([]), stdout: () => undefined, stderr: (l: string) => void (err += l), stderrRaw: () => undefined, stderrIsTTY: false, env: {HF_TOKEN: TOKEN}, now: () => new Date()};
      expect(await watch(['--source-dir', 'x', '--out-dir', 'y', ...args], io), args.join(' ')).toBe(1);
      expect(err, args.join(' ')).toMatch(/kpi-stream watch: .*\n?Run kpi-stream watch --help/);
    }
  });

  it('stops at start-up without a token (KPI_CONFIG_MISSING, exit 1), as one JSON line with --log-format json', async () => {
    const lines: string[] = [];
    const io = {stdin: Readable.from([]), stdout: () => undefined, stderr: (l: string) => void lines.push(l), stderrRaw: () => undefined, stderrIsTTY: false, env: {HOME: '/nonexistent'}, now: () => new Date()};
    expect(await watch(['--log-format', 'json'], io)).toBe(1);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({level: 'error', code: 'KPI_CONFIG_MISSING', message: expect.stringContaining('no Hub token found')});
  });
});
