/**
 * What the person running kpi-stream sees (issue 5): exit codes, the summary, JSON logs, --quiet,
 * the progress line, interrupts, safe paths, the token on failing Hub runs, and error messages
 * that say what failed and what to do. Through `run()` with a CliIo of strings, and as child
 * processes where signals or the real process matter (`npm run build` first).
 */

import {spawn} from 'node:child_process';
import {createServer, type AddressInfo} from 'node:net';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {Readable} from 'node:stream';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {run, type CliIo} from '../../src/cli/run.js';
import {corpusEntries, generateCorpus} from '../../tools/corpus/corpus.js';
import {normalizeHubOptions, TOKEN_VARIABLES} from '../../src/hub/config.js';
import {listHubFiles, unsafePath} from '../../src/sources/hub-files.js';
import {envWithoutTokens, runChild} from '../support/cli-io.js';
import {loadDatasetFolder, startHubServer, type HubServer} from '../support/hub-server.js';
import {CLI, readTree} from '../support/oracle.js';
import {REPO} from '../support/python.js';

// Hub retries wait ~1 ms (read from the environment by every Hub request).
process.env.KPI_RETRY_BASE_MS = '1';

const TOKEN = 'hf_SECRETtoken123';
const DAY = '2026-04-21';
const DAILY = ['--daily-backfill', DAY];
const SOURCE = 'smolagents/ml-intern-sessions';
const ERASE = '\r\x1b[2K';

let scratch: string;
/** Four clean sessions a day on 2026-04-20 and 2026-04-21. */
let cleanDir: string;
/** The clean dataset plus five planted files in 2026-04-21 (see `planted`). */
let mixedDir: string;
/** Events of 2026-04-21's files in `mixedDir` that the daily backfill counts. */
let mixedEvents: number;
let cleanDayFiles: number;
let dirs = 0;
/** Everything every run printed, for the token scan at the end. */
const printed: string[] = [];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'kpi-operator-'));
  cleanDir = join(scratch, 'clean');
  const options = {seed: 7, profile: 'realistic' as const, days: 2, sessionsPerDay: 4, sizeScale: 0.02, start: '2026-04-20'};
  const info = generateCorpus(cleanDir, options);
  const today = info.files.filter(f => f.path.includes(DAY));
  cleanDayFiles = today.length;
  mixedDir = join(scratch, 'mixed');
  generateCorpus(mixedDir, options);
  const row = JSON.parse(String([...corpusEntries(options)].find(e => e.path.includes(DAY) && e.sessionId)!.data)) as Record<string, unknown>;
  const events = JSON.parse(row.events as string) as unknown[];
  const planted: Record<string, string | Buffer> = {
    'empty.jsonl': '',
    'not-json.jsonl': 'hello',
    'bom.jsonl': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(row))]),
    'odd-events.jsonl': JSON.stringify({...row, session_id: 'odd-events', events: JSON.stringify([1, 'x', ...events])}),
    'odd-data.jsonl': JSON.stringify({...row, session_id: 'odd-data', events: JSON.stringify(events.map(e => ({...(e as object), data: [1]})))}),
  };
  for (const [name, data] of Object.entries(planted)) writeFileSync(join(mixedDir, 'sessions', DAY, name), data);
  mixedEvents = today.reduce((n, f) => n + f.events!, 0) + 2 * events.length;
});

afterAll(() => {
  if (scratch) rmSync(scratch, {recursive: true, force: true});
});

// ---------------------------------------------------------------------------------------------

interface Captured {
  code: number;
  stdout: string;
  /** stderr lines (the reporter's), without their newline. */
  lines: string[];
  /** What went to stderr without a newline (the progress line). */
  raw: string;
  /** stderr as a terminal gets it, lines and raw writes in order. */
  stderr: string;
}

/** `run(args)` in this process with a CliIo of strings. */
async function cli(args: string[], options: {tty?: boolean; env?: NodeJS.ProcessEnv; stdin?: string} = {}): Promise<Captured> {
  const out: Captured = {code: -1, stdout: '', lines: [], raw: '', stderr: ''};
  const io: CliIo = {
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout: text => void (out.stdout += text),
    stderr: line => {
      out.lines.push(line);
      out.stderr += `${line}\n`;
    },
    stderrRaw: text => {
      out.raw += text;
      out.stderr += text;
    },
    stderrIsTTY: options.tty ?? false,
    env: options.env ?? {},
    now: () => new Date('2026-04-22T00:30:00Z'),
  };
  out.code = await run(args, io);
  printed.push(out.stdout, out.stderr);
  return out;
}

const outDir = () => join(scratch, `out-${dirs++}`);
const local = (dir: string, ...rest: string[]) => ['--source-dir', dir, ...rest];

function json(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`not a JSON line: ${JSON.stringify(line)}`);
  }
}

/** Files below `dir`, or none if it does not exist. */
const filesIn = (dir: string) => (existsSync(dir) ? [...readTree(dir).keys()] : []);

/** A copy of the clean dataset with a dangling symlink listed as a session file. */
function withUnreadableFile(): {dir: string; name: string} {
  const dir = join(scratch, `unreadable-${dirs++}`);
  generateCorpus(dir, {seed: 7, profile: 'realistic', days: 2, sessionsPerDay: 4, sizeScale: 0.02, start: '2026-04-20'});
  symlinkSync(join(dir, 'nowhere'), join(dir, 'sessions', DAY, 'gone.jsonl'));
  return {dir, name: `sessions/${DAY}/gone.jsonl`};
}

// ---------------------------------------------------------------------------------------------

describe('exit codes', () => {
  it('0 for a clean run, 0 for a run that skips invalid files (counted in the summary)', async () => {
    expect((await cli(local(cleanDir, ...DAILY, '--out-dir', outDir()))).code).toBe(0);
    const mixed = await cli(local(mixedDir, ...DAILY, '--out-dir', outDir()));
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(mixed.lines.at(-1)).toContain('3 skipped');
  });

  it.each([
    {flags: ['--concurrency', '0'], names: '--concurrency'},
    {flags: ['--threads', '0'], names: '--threads'},
    {flags: ['--retries', '-1'], names: '--retries'},
    {flags: ['--datetime', DAY, '--hours', '2'], names: '--datetime'},
    {flags: ['--from', `${DAY}T00`], names: '--from and --to'},
  ])('1 for $flags, naming $names, with an example', async ({flags, names}) => {
    const result = await cli(local(cleanDir, '--out-dir', outDir(), ...flags));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(names);
    expect(result.stderr).toContain('Example usage: kpi-stream --source-dir');
  });

  it.each([
    {flags: ['--datetime', '2026-13-01T00'], names: '`--datetime`', example: 'like 2026-04-24T14'},
    {flags: ['--daily-backfill', 'yesterday'], names: '`--daily-backfill`', example: 'like 2026-04-24'},
    {flags: ['--from', `${DAY}T10`, '--to', `${DAY}T09`], names: '--from must be before --to', example: `--from ${DAY}T10 --to ${DAY}T09`},
  ])('1 for $flags, naming $names and showing the form expected', async ({flags, names, example}) => {
    const result = await cli(local(cleanDir, '--out-dir', outDir(), ...flags));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(names);
    expect(result.stderr).toContain(example);
    expect(filesIn(join(scratch, `out-${dirs - 1}`))).toEqual([]);
  });

  it.each([
    {flags: ['--frm', `${DAY}T00`], names: 'frm'},
    {flags: ['--log-format', 'xml'], names: 'log-format'},
  ])('1 for the unknown or invalid $flags, naming $names, and nothing run', async ({flags, names}) => {
    const out = outDir();
    const result = await cli(local(cleanDir, ...DAILY, '--out-dir', out, ...flags));
    expect(result.stderr).toContain(names);
    expect(filesIn(out)).toEqual([]);
    expect(result.code).toBe(1);
  });

  it('2 when an input cannot be read: it is named, nothing is written, the affected buckets are listed', async () => {
    const {dir, name} = withUnreadableFile();
    const out = outDir();
    const result = await cli(local(dir, ...DAILY, '--out-dir', out));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${name}: could not be read`);
    expect(result.stderr).toContain('nothing was written or committed');
    expect(result.stderr).toContain(`Buckets affected: ${DAY}`);
    expect(result.stderr).toContain('Run the same hours again');
    expect(filesIn(out)).toEqual([]);
  });

  it('2 with --strict when a file is skipped as invalid; 0 with --strict on clean input', async () => {
    const strict = await cli(local(mixedDir, ...DAILY, '--out-dir', outDir(), '--strict'));
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('with --strict, a skipped file fails the run: 3 file(s) were skipped as invalid');
    expect((await cli(local(cleanDir, ...DAILY, '--out-dir', outDir(), '--strict'))).code).toBe(0);
  });

  it('4 when the output cannot be written, naming the file (3 is for the upload)', async () => {
    const out = outDir();
    mkdirSync(join(out, 'daily', `${DAY}.csv`), {recursive: true}); // a folder where the CSV goes
    const result = await cli(local(cleanDir, ...DAILY, '--out-dir', out));
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`cannot write ${resolve(out, 'daily', `${DAY}.csv`)}`);
  });
});

describe('the summary', () => {
  it('counts files listed, read and skipped by reason, sessions, events, buckets and warnings (JSON)', async () => {
    const out = outDir();
    const result = await cli(local(mixedDir, ...DAILY, '--out-dir', out, '--log-format', 'json'));
    expect(result.code, result.stderr).toBe(0);
    const summary = json(result.lines.at(-1)!);
    expect(summary).toMatchObject({
      level: 'summary',
      filesListed: cleanDayFiles + 5,
      filesRead: cleanDayFiles + 2,
      filesSkipped: 3,
      filesFailed: 0,
      sessions: cleanDayFiles + 2,
      events: mixedEvents,
      buckets: 1,
      skippedByReason: {'empty first line': 1, 'row is not valid JSON': 2},
    });
    const byCode = summary.warningsByCode as Record<string, number>;
    expect(byCode.file_skipped).toBe(3);
    expect(byCode.event_not_object).toBe(1);
    expect(byCode.value_coerced).toBeGreaterThan(0);
    expect(summary.warnings).toBe(Object.values(byCode).reduce((a, b) => a + b, 0));
    expect(summary.elapsedS).toEqual(expect.any(Number));
    expect(summary.bytes).toBeGreaterThan(0);
    expect(filesIn(out)).toEqual([`daily/${DAY}.csv`]);
  });

  it('says the same in one text line, last on stderr', async () => {
    const result = await cli(local(mixedDir, ...DAILY, '--out-dir', outDir()));
    const line = result.lines.at(-1)!;
    expect(line).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ kpi-stream 2026-04-21 \\(daily\\): ${cleanDayFiles + 5} files listed, ${cleanDayFiles + 2} read, 3 skipped \\((1 empty first line, 2 row is not valid JSON|2 row is not valid JSON, 1 empty first line)\\); ` +
          `${cleanDayFiles + 2} sessions, ${mixedEvents} events, \\d+\\.\\d MB; 1 bucket written; \\d+ warnings; \\d+\\.\\d\\d s$`,
      ),
    );
    expect(result.stdout).toBe('');
  });

  it('is printed when inputs cannot be read too, with the failure counted', async () => {
    const {dir} = withUnreadableFile();
    const result = await cli(local(dir, ...DAILY, '--out-dir', outDir(), '--log-format', 'json'));
    const summary = result.lines.map(json).find(l => l.level === 'summary');
    expect(summary).toMatchObject({filesFailed: 1, filesListed: cleanDayFiles + 1});
  });
});

describe('--log-format json', () => {
  it('makes every stderr line a JSON object with a level: warnings, verbose lines and the summary', async () => {
    const result = await cli(local(mixedDir, ...DAILY, '--out-dir', outDir(), '--log-format', 'json', '--verbose'));
    const lines = result.lines.map(json);
    expect(new Set(lines.map(l => l.level))).toEqual(new Set(['debug', 'warn', 'summary']));
    for (const warning of lines.filter(l => l.level === 'warn')) expect(warning).toEqual(expect.objectContaining({code: expect.any(String), file: expect.stringMatching(/^sessions\//), message: expect.any(String)}));
    expect(result.raw).toBe('');
  });

  it('also for a run that fails (exit 2) and one that cannot write (exit 4)', async () => {
    const {dir} = withUnreadableFile();
    const failed = await cli(local(dir, ...DAILY, '--out-dir', outDir(), '--log-format', 'json'));
    expect(failed.code).toBe(2);
    expect(failed.lines.map(json).filter(l => l.level === 'error').length).toBeGreaterThanOrEqual(2);
    const out = outDir();
    mkdirSync(join(out, 'daily', `${DAY}.csv`), {recursive: true});
    const unwritable = await cli(local(cleanDir, ...DAILY, '--out-dir', out, '--log-format', 'json'));
    expect(unwritable.code).toBe(4);
    expect(unwritable.lines.map(json).at(-1)).toMatchObject({level: 'error', code: 'KPI_OUTPUT_FAILED'});
  });

  it('also for a usage error and for --verbose stacks', async () => {
    const usage = await cli(local(cleanDir, '--out-dir', outDir(), '--concurrency', '0', '--log-format', 'json'));
    expect(usage.code).toBe(1);
    usage.lines.forEach(json);
    const stack = await cli(local(join(scratch, 'missing'), ...DAILY, '--out-dir', outDir(), '--log-format', 'json', '--verbose'));
    expect(stack.code).toBe(1);
    stack.lines.forEach(json);
  });
});

describe('--quiet', () => {
  it('prints the summary only when all goes well, warnings or not', async () => {
    const result = await cli(local(mixedDir, ...DAILY, '--out-dir', outDir(), '--quiet'));
    expect(result.code).toBe(0);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ kpi-stream [^:]+: \d+ files listed/);
    expect(result.raw).toBe('');
  });

  it('prints errors and the summary when inputs cannot be read', async () => {
    const {dir, name} = withUnreadableFile();
    const result = await cli(local(dir, ...DAILY, '--out-dir', outDir(), '--quiet', '--verbose'));
    expect(result.code).toBe(2);
    expect(result.lines.filter(l => !l.startsWith('error: '))).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ kpi-stream [^:]+: \d+ files listed/)]);
    expect(result.stderr).toContain(name);
  });

  it('prints a usage error', async () => {
    const result = await cli(local(cleanDir, '--quiet', ...DAILY));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--out-dir');
  });
});

// ---------------------------------------------------------------------------------------------

/** What a terminal shows after `stderr`: `\r` returns to the line start, `ESC[2K` clears it. */
function screen(stderr: string): string[] {
  const lines: string[] = [''];
  let col = 0;
  for (let i = 0; i < stderr.length; i++) {
    const line = lines.length - 1;
    if (stderr.startsWith('\x1b[2K', i)) {
      lines[line] = '';
      i += 3;
    } else if (stderr[i] === '\r') col = 0;
    else if (stderr[i] === '\n') {
      lines.push('');
      col = 0;
    } else {
      lines[line] = lines[line].slice(0, col) + stderr[i] + lines[line].slice(col + 1);
      col++;
    }
  }
  return lines;
}

describe('the progress line', () => {
  const range = ['--from', '2026-04-20T00', '--to', '2026-04-23T00'];

  it('is drawn on a terminal, in place, on stderr only, and erased before the summary', async () => {
    const result = await cli(local(cleanDir, ...range, '--stdout', '--threads', '1'), {tty: true});
    expect(result.code, result.stderr).toBe(0);
    const frames = result.raw.split(ERASE).filter(Boolean);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[0]).toMatch(/^\[[#.]+\] \d+\/8 files \| \d+\.\d MB \| [\d,]+ events\/s \| \d+\.\d s/);
    expect(result.raw.endsWith(ERASE), 'erased at the end').toBe(true);
    expect(result.stderr.lastIndexOf(ERASE)).toBeLessThan(result.stderr.indexOf(': 8 files listed'));
    expect(result.stdout.startsWith('bucket,')).toBe(true);
    expect(result.stdout).not.toContain('\r');
    expect(result.stdout).not.toContain('files |');
    expect(screen(result.stderr).filter(Boolean)).toEqual([expect.stringMatching(/Z kpi-stream [^:]+: 8 files listed/)]);
  });

  it.each([
    {how: 'stderr is not a terminal', args: [], tty: false},
    {how: '--quiet', args: ['--quiet'], tty: true},
    {how: '--log-format json', args: ['--log-format', 'json'], tty: true},
  ])('is not drawn when $how', async ({args, tty}) => {
    const result = await cli(local(cleanDir, ...range, '--out-dir', outDir(), ...args), {tty});
    expect(result.code).toBe(0);
    expect(result.raw).toBe('');
    expect(result.stderr).not.toContain('\r');
  });

  it('never shares a terminal line with a warning', async () => {
    const result = await cli(local(mixedDir, ...DAILY, '--out-dir', outDir(), '--threads', '1', '--concurrency', '1', '--verbose'), {tty: true});
    const shown = screen(result.stderr).filter(Boolean);
    for (const line of shown) expect(line).not.toMatch(/files \|.*(warn|skipped)/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('interrupts', () => {
  let big: string;
  beforeAll(() => {
    big = join(scratch, 'big');
    const info = generateCorpus(big, {seed: 1, profile: 'realistic', days: 4, sessionsPerDay: 26, sizeScale: 4, start: '2026-04-20'});
    console.log(`[operator] interrupt corpus: ${info.files.length} files, ${(info.bytes / 1e6).toFixed(0)} MB`);
  }, 300_000);

  /**
   * Preloaded into the child: says "ready" on fd 3 once the CLI's own SIGTERM handler is installed
   * (after its SIGINT one), i.e. once main() runs. Node catches both signals from the start, and
   * bin/kpi-stream installs one-shot handlers while the modules load, so neither /proc nor a
   * listener count tells; only a persistent (not `once`) handler does.
   */
  const READY_HOOK = `const {writeSync} = require('node:fs');
const on = process.on;
let told = false;
process.on = function (type, listener) {
  const result = on.call(this, type, listener);
  if (!told && type === 'SIGTERM' && typeof listener.listener !== 'function') {
    told = true;
    setImmediate(() => writeSync(3, 'ready\\n'));
  }
  return result;
};
`;

  /** Starts the CLI on the big corpus; once it listens for signals and 0.5 s have passed, signals it. */
  const STOP_BOUND_MS = 6000;

  async function interrupted(signal: NodeJS.Signals, extra: string[]) {
    expect(existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js')), 'run `npm run build` first').toBe(true);
    const out = outDir();
    const began = performance.now();
    const hook = join(scratch, 'ready-hook.cjs');
    writeFileSync(hook, READY_HOOK);
    const child = spawn(process.execPath, ['--require', hook, CLI, ...local(big, '--from', '2026-04-20T00', '--to', '2026-04-25T00', '--out-dir', out, ...extra)], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: envWithoutTokens([...TOKEN_VARIABLES]),
    });
    let stderr = '';
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null; at: number}>(done =>
      child.on('exit', (code, sig) => done({code, signal: sig, at: performance.now()})),
    );
    child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    let ended = false;
    let ready = false;
    void exited.then(() => void (ended = true));
    (child.stdio[3] as Readable).on('data', () => void (ready = true));
    while (!ended && (performance.now() - began < 500 || !ready)) await new Promise(r => setTimeout(r, 10));
    expect(ended, `the run ended before it was interrupted:\n${stderr}`).toBe(false);
    const sentAt = performance.now();
    child.kill(signal);
    const end = await exited;
    await new Promise(r => setTimeout(r, 50)); // the last stderr chunk
    printed.push(stdout, stderr);
    return {...end, ms: end.at - sentAt, stderr, stdout, out};
  }

  it('SIGINT after 0.5 s: exit 130 promptly, no CSV and no temp file in --out-dir', async () => {
    const result = await interrupted('SIGINT', ['--threads', '1']);
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code, result.stderr).toBe(130);
    // The run stops within the 1.5 s grace period; the bound is loose because a shared CI
    // machine can stall a process for a second (this is a hang check, not a benchmark).
    expect(result.ms).toBeLessThan(STOP_BOUND_MS);
    expect(result.stderr).toContain('interrupted');
    expect(result.stderr).toContain('nothing was written or committed');
    expect(filesIn(result.out)).toEqual([]);
    expect(result.stdout).toBe('');
  });

  it('SIGTERM with worker threads and JSON logs: exit 143, the same otherwise, every line JSON', async () => {
    // Worker threads: closing the pool rejects the reads still queued (see src/cli/main.ts).
    const result = await interrupted('SIGTERM', ['--threads', '2', '--concurrency', '16', '--log-format', 'json']);
    expect(result.code, result.stderr).toBe(143);
    // The run stops within the 1.5 s grace period; the bound is loose because a shared CI
    // machine can stall a process for a second (this is a hang check, not a benchmark).
    expect(result.ms).toBeLessThan(STOP_BOUND_MS);
    const lines = result.stderr.split('\n').filter(Boolean).map(json);
    expect(lines.at(-1)).toMatchObject({level: 'error', code: 'KPI_INTERRUPTED'});
    expect(filesIn(result.out)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('safe paths', () => {
  it('the CLI writes nothing outside --out-dir when a folder in it is a link elsewhere; exit 1 saying what to do', async () => {
    const out = outDir();
    const outside = join(scratch, `outside-${dirs++}`);
    mkdirSync(outside);
    mkdirSync(out);
    symlinkSync(outside, join(out, 'daily'));
    const result = await cli(local(cleanDir, ...DAILY, '--out-dir', out));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('remove that link or choose another --out-dir');
    expect(readdirSync(outside)).toEqual([]);
  });

  it('a source folder with odd names and `..` links: the run reads what it should and writes only below --out-dir', async () => {
    const dir = join(scratch, `odd-${dirs++}`);
    generateCorpus(dir, {seed: 7, profile: 'realistic', days: 2, sessionsPerDay: 4, sizeScale: 0.02, start: '2026-04-20'});
    const day = join(dir, 'sessions', DAY);
    const valid = readFileSync(join(day, readdirSync(day)[0]));
    for (const name of ['..jsonl', '-rf.jsonl', 'a\nb.jsonl', '%2e%2e%2fx.jsonl', 'hourly.jsonl', ' .jsonl']) writeFileSync(join(day, name), valid);
    symlinkSync('..', join(day, 'up'));
    symlinkSync('..', join(day, 'up.jsonl'));
    symlinkSync('../../..', join(day, 'root'));
    const parent = join(scratch, `contained-${dirs++}`);
    const out = join(parent, 'out');
    mkdirSync(parent);
    const result = await cli(local(dir, ...DAILY, '--out-dir', out, '--log-format', 'json'));
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(['out']);
    expect(filesIn(out)).toEqual([`daily/${DAY}.csv`]);
    const summary = result.lines.map(json).find(l => l.level === 'summary')!;
    expect(summary.filesRead).toBe(cleanDayFiles + 6);
  });

  it('a file name with a line break or a terminal escape cannot forge a log line or drive the terminal', async () => {
    const dir = join(scratch, `names-${dirs++}`);
    mkdirSync(join(dir, 'sessions', DAY), {recursive: true});
    writeFileSync(join(dir, 'sessions', DAY, 'x\nerror: all good\x1b[2J.jsonl'), 'not json');
    const result = await cli(local(dir, ...DAILY, '--out-dir', outDir()));
    expect(result.code).toBe(0);
    expect(result.lines).toEqual([`warn: sessions/${DAY}/x\\nerror: all good\\x1b[2J.jsonl: skipped: row is not valid JSON: Expecting value (char 0)`, expect.stringMatching(/Z kpi-stream [^:]+: 1 file listed/)]);
    for (const line of result.lines) expect(line).not.toMatch(/[\x00-\x1f]/);
  });

  it('unsafePath passes plain paths below the folder and names what is wrong with the rest', () => {
    const prefix = `sessions/${DAY}/`;
    expect(unsafePath(`${prefix}a.jsonl`, prefix)).toBeUndefined();
    expect(unsafePath(`${prefix}sub/deeper/a.jsonl`, prefix)).toBeUndefined();
    expect(unsafePath(`${prefix}%2e%2e/a.jsonl`, prefix)).toBeUndefined(); // a name; encoded again in the URL
    for (const path of ['/etc/passwd.jsonl', `/${prefix}a.jsonl`, 'sessions/2026-04-22/a.jsonl', `x/${prefix}a.jsonl`]) expect(unsafePath(path, prefix)).toMatch(/not below/);
    for (const path of [`${prefix}../../secrets.jsonl`, `${prefix}./a.jsonl`, `${prefix}/a.jsonl`, `${prefix}sub/../a.jsonl`, `${prefix}..`]) expect(unsafePath(path, prefix)).toMatch(/segment/);
    for (const path of [`${prefix}..\\..\\a.jsonl`, `${prefix}a\u0000.jsonl`, `${prefix}a\n.jsonl`]) expect(unsafePath(path, prefix)).toMatch(/backslash or a control/);
  });

  it('listHubFiles drops every unsafe path a Hub lists, with a warning each, and downloads none', async () => {
    const listed = [`sessions/${DAY}/ok.jsonl`, '/etc/passwd.jsonl', `sessions/${DAY}/../../../etc/x.jsonl`, 'sessions/2026-04-22/other.jsonl', `sessions/${DAY}/a\\..\\b.jsonl`, `sessions/${DAY}//c.jsonl`];
    const requests: string[] = [];
    const fakeFetch: typeof fetch = async input => {
      const url = String(input instanceof Request ? input.url : input);
      requests.push(url);
      if (!url.includes('/tree/')) return new Response('not here', {status: 404});
      return Response.json(listed.map(path => ({type: 'file', path, oid: 'x', size: 3})));
    };
    const warnings: Array<{code: string; file: string}> = [];
    const files = await listHubFiles(SOURCE, [DAY], normalizeHubOptions({hubUrl: 'http://hub.test', token: TOKEN, retries: 0, fetch: fakeFetch, warn: w => void warnings.push(w)}));
    expect(files.map(f => f.path)).toEqual([`sessions/${DAY}/ok.jsonl`]);
    expect(warnings.map(w => [w.code, w.file])).toEqual(listed.slice(1).map(path => ['unsafe_path', path]));
    expect(requests.every(url => url.includes('/tree/'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('Hub runs that fail: what they say, and never the token', () => {
  let server: HubServer | undefined;
  let files: Map<string, Buffer>;
  beforeAll(async () => {
    files = await loadDatasetFolder(cleanDir);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async (extra: Map<string, Buffer> = new Map(), token = TOKEN) => {
    server = await startHubServer({token, repos: {[SOURCE]: {files: new Map([...files, ...extra])}}});
    return server;
  };
  const env = (hub: HubServer | string, token = TOKEN): NodeJS.ProcessEnv => ({HF_TOKEN: token, HF_ENDPOINT: typeof hub === 'string' ? hub : hub.url});
  const hubDaily = ['--daily-backfill', DAY, '--dry-run', '--retries', '1'];
  /** A local URL where nothing listens. */
  const closedPort = async (): Promise<string> => {
    const probe = createServer();
    await new Promise<void>(ready => probe.listen(0, '127.0.0.1', ready));
    const {port} = probe.address() as AddressInfo;
    await new Promise(done => probe.close(done));
    return `http://127.0.0.1:${port}`;
  };

  it('a Hub that is not there (wrong endpoint): exit 2 naming the folder, dataset and the network error', async () => {
    const result = await cli(hubDaily, {env: env(await closedPort())});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot list sessions/${DAY}/ in dataset ${SOURCE}: connection refused (ECONNREFUSED) (after 1 retry)`);
  });

  it('Hub failures say where and what to do: the endpoint for a refused connection, the token for a 401', async () => {
    const url = await closedPort();
    const refused = await cli(hubDaily, {env: env(url)});
    expect(refused.stderr).toContain(url);
    expect(refused.stderr).toMatch(/--hub-url|HF_ENDPOINT/);
    const hub = await start(new Map(), 'hf_OTHERtoken');
    const denied = await cli(hubDaily, {env: env(hub)});
    expect(denied.stderr).toMatch(/token/i);
  });

  it('a token the Hub refuses (401): exit 1 (configuration, not "run again") with the status, nothing committed', async () => {
    const hub = await start(new Map(), 'hf_OTHERtoken');
    const result = await cli(['--daily-backfill', DAY, '--retries', '1'], {env: env(hub)});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('401');
    expect(result.stderr).toContain(SOURCE);
    expect(hub.commits).toHaveLength(0);
  });

  it('500s until the retries run out, on the listing: exit 2; on the commit: exit 3', async () => {
    const hub = await start();
    hub.inject({match: 'tree', times: Infinity, status: 500});
    const listing = await cli(hubDaily, {env: env(hub)});
    expect(listing.code).toBe(2);
    expect(listing.stderr).toMatch(/HTTP 500.*after 1 retr/);
    expect(hub.counts.tree).toBe(2);
    await hub.close();
    const again = await start();
    again.inject({match: 'commit', times: Infinity, status: 500});
    const commit = await cli(['--daily-backfill', DAY, '--retries', '1', '--log-format', 'json'], {env: env(again)});
    expect(commit.code).toBe(3);
    expect(commit.lines.map(json).at(-1)).toMatchObject({level: 'error', code: 'KPI_UPLOAD_FAILED'});
    expect(again.commits).toHaveLength(0);
  });

  it('an unsafe path in the listing: a warning naming it, never downloaded, the run goes on (exit 0)', async () => {
    const evil = `sessions/${DAY}/../../secrets.jsonl`;
    const hub = await start(new Map([[evil, Buffer.from('{"session_id": "evil"}')]]));
    const result = await cli([...hubDaily, '--log-format', 'json'], {env: env(hub)});
    expect(result.code, result.stderr).toBe(0);
    const lines = result.lines.map(json);
    expect(lines).toContainEqual(expect.objectContaining({level: 'warn', code: 'unsafe_path', file: evil}));
    expect(hub.requests.filter(r => r.endpoint === 'resolve').map(r => r.path)).not.toContain(evil);
    expect(lines.at(-1)).toMatchObject({level: 'summary', filesListed: cleanDayFiles});
  });

  it('a bad --token-file: missing, empty, or holding a line break: exit 1 before any request, saying which', async () => {
    const hub = await start();
    const missing = await cli([...hubDaily, '--token-file', join(scratch, 'no-such-token')], {env: {HF_ENDPOINT: hub.url}});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('option `--token-file` cannot be read: ENOENT');
    const empty = join(scratch, 'empty-token');
    writeFileSync(empty, '\n');
    const none = await cli([...hubDaily, '--token-file', empty], {env: {HF_ENDPOINT: hub.url}});
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no Hub token: ${empty} (--token-file) is empty`);
    const broken = join(scratch, 'broken-token');
    writeFileSync(broken, `${TOKEN}\nhf_second\n`);
    const twoLines = await cli([...hubDaily, '--token-file', broken], {env: {HF_ENDPOINT: hub.url}});
    expect(twoLines.code).toBe(1);
    expect(twoLines.stderr).toContain('cannot go in an HTTP header');
    expect(hub.requests).toHaveLength(0);
  });

  it('no token at all: exit 1 saying to set HF_TOKEN (or the others) or pass --token-file', async () => {
    const result = await cli(hubDaily, {env: {HF_ENDPOINT: 'http://127.0.0.1:9'}});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('set one of HF_KPI_WRITE_TOKEN, HF_SESSION_UPLOAD_TOKEN, HF_TOKEN, HF_ADMIN_TOKEN');
    expect(result.stderr).toContain('--token-file');
  });

  it('as a child process: a refused token and a 500 on downloads, in text and JSON', async () => {
    const hub = await start();
    hub.inject({match: 'resolve', times: Infinity, status: 500});
    const base = {...envWithoutTokens([...TOKEN_VARIABLES]), KPI_RETRY_BASE_MS: '1'};
    const failing = await runChild([...hubDaily, '--verbose'], {...base, ...env(hub)});
    printed.push(failing.stdout, failing.stderr);
    expect(failing.code, failing.stderr).toBe(2);
    const refused = await runChild([...hubDaily, '--log-format', 'json', '--verbose'], {...base, ...env(hub, 'hf_SECRETwrong')});
    printed.push(refused.stdout, refused.stderr);
    expect(refused.code).toBe(1);
  });

  it('a succeeding verbose dry run, for the scan', async () => {
    const hub = await start();
    const result = await cli([...hubDaily, '--verbose'], {env: env(hub)});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('dry run: would commit 1 file to');
  });

  it('a token given as an argument: exit 1 saying to use HF_TOKEN or --token-file, the token not echoed', async () => {
    const hub = await start();
    const result = await cli(['--daily-backfill', DAY, '--token', TOKEN], {env: env(hub)});
    expect(result.stderr).not.toContain(TOKEN);
    expect(result.stderr).toMatch(/HF_TOKEN|--token-file/);
    expect(hub.requests).toHaveLength(0);
    expect(result.code).toBe(1);
  });

  it('the token appears in no output of any run of this file, failing or succeeding', () => {
    const all = printed.join('\n');
    expect(all).toContain('kpi-stream');
    expect(all).toContain('401');
    for (const secret of [TOKEN, 'SECRETtoken', 'hf_SECRETwrong', 'hf_OTHERtoken']) expect(all).not.toContain(secret);
  });
});
