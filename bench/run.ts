/**
 * kpi-stream against the reference (through its oracle) and against the parse bound, in one run.
 *
 *   npm run bench                      # full: 8 days x 150 realistic sessions, 1 GB session
 *   node dist/bench/run.js --smoke     # tiny corpus, one repetition, no targets (npm test runs it)
 *   node dist/bench/run.js --cases cron,bound --reps 3
 *
 * Cases: cron (one hour: two day folders), backfill (168 hours in one pass; the reference goes hour
 * by hour, once: it takes minutes), bound (JSON.parse of every row and its events/messages on one
 * core), huge (one 1 GB session; output compared with the reference on a smaller one it can load),
 * stream-json (one large row through stream-json, for the record), duckdb (DuckDB's SQL over the
 * backfill's files with 2 threads, the peer: see duckdb-peer.ts). cron, backfill, bound and duckdb
 * run on each corpus profile (`--profiles`): realistic (8 days x 150 sessions) and small-sessions
 * (8 days x 60, median about 150 KB, where fixed costs per file and per run weigh most).
 * cron-cache (the cron hour with the cache the hour before left, against the same hour cold and
 * the reference; realistic profile only). Every kpi-stream output is compared byte for byte with the reference's: a difference fails the
 * run (exit 1).
 * Prints a table and writes bench/results/latest.json (smoke: bench/results/smoke.json).
 */

import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {addDays} from '../tools/corpus/corpus.js';
import {folderBytes, HUGE_HOURS, hugeCorpus, realisticCorpus, type BenchCorpus, type CorpusShape} from './data.js';
import {compareTrees, countFiles, machine, measure, median, type Machine, type Measured} from './measure.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO, 'bin', 'kpi-stream');
const ORACLE = process.env.KPI_ORACLE ?? resolve(REPO, '..', 'shared', 'reference', 'kpi_oracle.py');
const PYTHON = process.env.KPI_PYTHON ?? '/root/.pyenv/versions/3.12.1/bin/python3';
const PARSE_BOUND = join(REPO, 'dist', 'bench', 'parse-bound.js');
const STREAM_JSON = join(REPO, 'dist', 'bench', 'stream-json.js');
const DUCKDB_PEER = join(REPO, 'dist', 'bench', 'duckdb-peer.js');
const ALL_CASES = ['cron', 'cron-cache', 'backfill', 'bound', 'duckdb', 'huge', 'stream-json'] as const;
type CaseName = (typeof ALL_CASES)[number];
const ALL_PROFILES = ['realistic', 'small-sessions'] as const;
type ProfileName = (typeof ALL_PROFILES)[number];

/** Corpus shapes per profile; smoke runs keep them tiny. */
function shapeOf(profile: ProfileName, smoke: boolean, seed: number): CorpusShape {
  if (profile === 'realistic') return smoke ? {seed, days: 3, sessionsPerDay: 6, sizeScale: 0.05} : {seed, days: 8, sessionsPerDay: 150, sizeScale: 1};
  return smoke ? {seed, days: 3, sessionsPerDay: 4, sizeScale: 0.03} : {seed, days: 8, sessionsPerDay: 60, sizeScale: 0.9};
}

/** A case's name in the table: the realistic profile's as it always was, the others tagged. */
const caseLabel = (name: string, profile: ProfileName) => (profile === 'realistic' ? name : `${name} (${profile})`);

interface Settings {
  smoke: boolean;
  seed: number;
  reps: number;
  cases: Set<CaseName>;
  profiles: ProfileName[];
  hugeBytes: number;
  /** The huge file the reference still loads, for the output check. */
  hugeCheckBytes: number;
  cacheDir: string;
  out: string;
}

/** One line of the table. */
export interface Row {
  case: string;
  tool: string;
  /** Median wall time over `runs`. */
  seconds: number;
  runs: number[];
  /** Bytes of input the run reads (the day folders it lists). */
  inputBytes: number;
  mbPerS: number;
  /** Highest peak RSS over the runs, MB. */
  rssMb: number | null;
  /** Median CPU seconds (user + system) over the runs. */
  cpuSeconds: number | null;
  /** What `ratio` compares with, and baseline seconds / these seconds (> 1: faster). */
  baseline?: string;
  ratio?: number;
  /** 'same' (bytes equal the reference's), 'reference' (is the reference), 'n/a', or the difference. */
  check: string;
  note?: string;
  /** 1-minute load average when the row was measured: other work on the machine skews it. */
  load: number;
}

interface Target {
  name: string;
  want: string;
  got: string;
  met: boolean;
}

function settings(argv: string[]): Settings {
  const {values} = parseArgs({
    args: argv,
    options: {
      smoke: {type: 'boolean', default: false},
      seed: {type: 'string', default: '1'},
      reps: {type: 'string'},
      cases: {type: 'string'},
      profiles: {type: 'string'},
      'huge-bytes': {type: 'string'},
      cache: {type: 'string'},
      out: {type: 'string'},
    },
    strict: true,
  });
  const smoke = values.smoke!;
  const cases = new Set((values.cases?.split(',') ?? [...ALL_CASES]) as CaseName[]);
  for (const c of cases) if (!ALL_CASES.includes(c)) throw new Error(`option --cases: unknown case "${c}" (known: ${ALL_CASES.join(', ')})`);
  const profiles = (values.profiles?.split(',') ?? [...ALL_PROFILES]) as ProfileName[];
  for (const p of profiles) if (!ALL_PROFILES.includes(p)) throw new Error(`option --profiles: unknown profile "${p}" (known: ${ALL_PROFILES.join(', ')})`);
  const number = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`option --${name} must be a positive number, got "${text}"`);
    return n;
  };
  return {
    smoke,
    seed: number('seed', values.seed!),
    reps: values.reps !== undefined ? number('reps', values.reps) : smoke ? 1 : 5,
    cases,
    profiles,
    hugeBytes: values['huge-bytes'] !== undefined ? number('huge-bytes', values['huge-bytes']) : smoke ? 2e6 : 1e9,
    hugeCheckBytes: smoke ? 5e5 : 1e8,
    cacheDir: values.cache ?? join(REPO, 'bench', '.cache'),
    out: values.out ?? join(REPO, 'bench', 'results', smoke ? 'smoke.json' : 'latest.json'),
  };
}

const MB = 1e6;
const scratchRoot = mkdtempSync(join(tmpdir(), 'kpi-bench-'));
let scratchCount = 0;
const scratch = (name: string) => join(scratchRoot, `${scratchCount++}-${name}`);

function oracle(sourceDir: string, hours: string[], outDir: string): Measured {
  return measure(PYTHON, [ORACLE, '--source-dir', sourceDir, '--out-dir', outDir, ...hours], {PYTHONUTF8: '1'});
}

function kpiStream(sourceDir: string, hours: string[], outDir: string, extra: string[] = []): Measured {
  return measure(process.execPath, [CLI, '--quiet', '--source-dir', sourceDir, '--out-dir', outDir, ...hours, ...extra]);
}

/** The day folders a run of these hours lists: D-1 and D for each hour of day D. */
function foldersFor(fromDay: string, days: number): string[] {
  return Array.from({length: days + 1}, (_, i) => addDays(fromDay, i - 1));
}

function row(name: string, tool: string, runs: Measured[], inputBytes: number, check: string, note?: string): Row {
  const seconds = median(runs.map(r => r.seconds));
  const rss = runs.map(r => r.rssMb).filter((v): v is number => v !== null);
  const cpu = runs.map(r => r.cpuSeconds).filter((v): v is number => v !== null);
  return {
    case: name,
    tool,
    seconds,
    runs: runs.map(r => r.seconds),
    inputBytes,
    mbPerS: inputBytes / MB / seconds,
    rssMb: rss.length ? Math.max(...rss) : null,
    cpuSeconds: cpu.length ? median(cpu) : null,
    check,
    ...(note ? {note} : {}),
    load: loadavg()[0]!,
  };
}

function versus(r: Row, baseline: Row): Row {
  return {...r, baseline: `${baseline.case}/${baseline.tool}`, ratio: baseline.seconds / r.seconds};
}

/** Runs `runs` kpi-stream invocations, each into a fresh folder checked against `expected`. */
function kpiRuns(times: number, expected: string, run: (out: string) => Measured): {runs: Measured[]; check: string} {
  const runs: Measured[] = [];
  let check = 'same';
  for (let i = 0; i < times; i++) {
    const out = scratch('kpi');
    runs.push(run(out));
    const diff = compareTrees(expected, out);
    if (diff && check === 'same') check = `DIFFERS: ${diff}`;
    rmSync(out, {recursive: true, force: true});
  }
  return {runs, check};
}

function cronCase(s: Settings, corpus: BenchCorpus, rows: Row[], profile: ProfileName): void {
  const name = caseLabel('cron', profile);
  const day = corpus.days[Math.min(5, corpus.days.length - 1)]!;
  const hour = ['--datetime', `${day}T14`];
  const input = folderBytes(corpus.dir, [addDays(day, -1), day]).bytes;
  const expected = scratch('oracle-cron');
  const refRuns = [oracle(corpus.dir, hour, expected)];
  const kpi: Measured[] = [];
  const kpi1: Measured[] = [];
  let check = 'same';
  let check1 = 'same';
  // Interleaved, so a burst of other load on the machine hits every tool alike.
  for (let i = 0; i < s.reps; i++) {
    if (i > 0) {
      const again = scratch('oracle-cron');
      refRuns.push(oracle(corpus.dir, hour, again));
      rmSync(again, {recursive: true, force: true});
    }
    const a = kpiRuns(1, expected, out => kpiStream(corpus.dir, hour, out));
    kpi.push(...a.runs);
    if (a.check !== 'same') check = a.check;
    const b = kpiRuns(1, expected, out => kpiStream(corpus.dir, hour, out, ['--threads', '1']));
    kpi1.push(...b.runs);
    if (b.check !== 'same') check1 = b.check;
  }
  const note = `${hour[1]}, ${countFiles(expected)} CSV`;
  const ref = row(name, 'reference', refRuns, input, 'reference', note);
  rows.push(ref, versus(row(name, 'kpi-stream', kpi, input, check), ref), versus(row(name, 'kpi-stream --threads 1', kpi1, input, check1), ref));
}

/**
 * The cron path with --cache-dir: the run of the hour before has filled the cache (every file of
 * the two folders, for all its hours), so this hour reads no session file. Against the same hour
 * without a cache and the reference; every warm run starts from the same cache (it reads only).
 */
function cronCacheCase(s: Settings, corpus: BenchCorpus, rows: Row[]): void {
  const day = corpus.days[Math.min(5, corpus.days.length - 1)]!;
  const hour = ['--datetime', `${day}T14`];
  const input = folderBytes(corpus.dir, [addDays(day, -1), day]).bytes;
  const expected = scratch('oracle-cron-cache');
  const ref = row('cron-cache', 'reference', [oracle(corpus.dir, hour, expected)], input, 'reference', `${hour[1]}, ${countFiles(expected)} CSV`);
  const cache = scratch('result-cache');
  const warmUp = scratch('kpi-warm-up');
  kpiStream(corpus.dir, ['--datetime', `${day}T13`], warmUp, ['--cache-dir', cache]);
  rmSync(warmUp, {recursive: true, force: true});
  const cold = kpiRuns(s.reps, expected, out => kpiStream(corpus.dir, hour, out));
  const warm = kpiRuns(s.reps, expected, out => kpiStream(corpus.dir, hour, out, ['--cache-dir', cache]));
  const coldRow = versus(row('cron-cache', 'kpi-stream (cold, no cache)', cold.runs, input, cold.check), ref);
  const warmRow = row('cron-cache', 'kpi-stream --cache-dir (warm)', warm.runs, input, warm.check, 'no session file read');
  rows.push(ref, coldRow, versus(warmRow, ref), versus(warmRow, coldRow));
  rmSync(cache, {recursive: true, force: true});
}

/** The backfill's week: from the corpus's second day, 7 days (fewer on a small corpus). */
function backfillWeek(corpus: BenchCorpus) {
  const first = corpus.days[Math.min(1, corpus.days.length - 1)]!;
  const days = Math.min(7, corpus.days.length - 1) || 1;
  return {first, days, from: `${first}T00`, to: `${addDays(first, days)}T00`, folders: foldersFor(first, days)};
}

/** Runs the backfill; returns the reference's output folder (the duckdb case checks against it). */
function backfillCase(s: Settings, corpus: BenchCorpus, rows: Row[], profile: ProfileName): string {
  const name = caseLabel('backfill', profile);
  const {days, from, to, folders} = backfillWeek(corpus);
  const hours = ['--from', from, '--to', to];
  const input = folderBytes(corpus.dir, folders).bytes;
  const expected = scratch('oracle-backfill');
  // Hour by hour, as the reference backfills: minutes on the full corpus, so once.
  const ref = row(name, 'reference (hour by hour)', [oracle(corpus.dir, hours, expected)], input, 'reference', `${days * 24} hours, ${countFiles(expected)} CSV`);
  const reps = Math.min(s.reps, 3);
  const a = kpiRuns(reps, expected, out => kpiStream(corpus.dir, hours, out));
  const b = kpiRuns(reps, expected, out => kpiStream(corpus.dir, hours, out, ['--threads', '1']));
  rows.push(ref, versus(row(name, 'kpi-stream', a.runs, input, a.check), ref), versus(row(name, 'kpi-stream --threads 1', b.runs, input, b.check), ref));
  return expected;
}

function boundCase(s: Settings, corpus: BenchCorpus, rows: Row[], profile: ProfileName): void {
  const {folders} = backfillWeek(corpus);
  const input = folderBytes(corpus.dir, folders).bytes;
  const runs: Measured[] = [];
  for (let i = 0; i < Math.min(s.reps, 3); i++) runs.push(measure(process.execPath, [PARSE_BOUND, corpus.dir, ...folders]));
  const bound = row(caseLabel('bound', profile), 'JSON.parse only, 1 core', runs, input, 'n/a', 'same files as backfill');
  rows.push(bound);
  againstBackfill(rows, bound, caseLabel('backfill vs bound', profile), profile);
}

/** kpi-stream's backfill rows against `peer` (same files, so the ratio is one of MB/s). */
function againstBackfill(rows: Row[], peer: Row, name: string, profile: ProfileName): void {
  for (const r of rows.filter(r => r.case === caseLabel('backfill', profile) && r.tool.startsWith('kpi-stream'))) {
    rows.push({...r, case: name, baseline: `${peer.case}/${peer.tool}`, ratio: peer.seconds / r.seconds});
  }
}

/**
 * DuckDB's SQL over the backfill's files with 2 threads (duckdb-peer.ts). Its output is not the
 * reference's (it skips what needs Python's semantics), so `check` says in how many hours its
 * llm_calls equal the reference's.
 */
function duckdbCase(s: Settings, corpus: BenchCorpus, rows: Row[], profile: ProfileName, expected: string | undefined): void {
  const {from, to, folders} = backfillWeek(corpus);
  const input = folderBytes(corpus.dir, folders).bytes;
  const runs: Measured[] = [];
  for (let i = 0; i < Math.min(s.reps, 3); i++) runs.push(measure(process.execPath, [DUCKDB_PEER, corpus.dir, from, to, '2', ...folders]));
  const found = JSON.parse(runs[0]!.stdout) as {hours: number; llmCalls: Record<string, number>};
  const peer = row(caseLabel('duckdb', profile), 'DuckDB SQL, 2 threads', runs, input, expected ? llmCallsAgreement(found.llmCalls, expected) : 'n/a', 'same files as backfill; a subset of the KPIs');
  rows.push(peer);
  againstBackfill(rows, peer, caseLabel('backfill vs duckdb', profile), profile);
}

/** In how many of the reference's hours DuckDB's llm_calls are the same. */
function llmCallsAgreement(duck: Record<string, number>, expected: string): string {
  let hours = 0;
  let same = 0;
  for (const [bucket, calls] of Object.entries(duck)) {
    const csv = join(expected, 'hourly', bucket.slice(0, 10), `${bucket.slice(11)}.csv`);
    if (!existsSync(csv)) continue;
    const [header, values] = readFileSync(csv, 'utf8').trim().split('\n').map(line => line.split(','));
    hours++;
    if (Number(values![header!.indexOf('llm_calls')]) === calls) same++;
  }
  return `llm_calls as the reference's in ${same} of ${hours} hours`;
}

function hugeCase(s: Settings, rows: Row[]): void {
  const hours = ['--from', HUGE_HOURS.from, '--to', HUGE_HOURS.to];
  // The output check, on a huge session small enough for the reference to load.
  const small = hugeCorpus(s.cacheDir, s.hugeCheckBytes, s.seed);
  const expected = scratch('oracle-huge');
  const ref = row('huge (small, check)', 'reference', [oracle(small.dir, hours, expected)], small.bytes, 'reference', `${(small.bytes / MB).toFixed(0)} MB session`);
  const checked = kpiRuns(1, expected, out => kpiStream(small.dir, hours, out));
  rows.push(ref, versus(row('huge (small, check)', 'kpi-stream', checked.runs, small.bytes, checked.check), ref));
  const big = hugeCorpus(s.cacheDir, s.hugeBytes, s.seed);
  const runs: Measured[] = [];
  let check = 'n/a';
  for (let i = 0; i < Math.min(s.reps, 2); i++) {
    const out = scratch('kpi-huge');
    try {
      runs.push(kpiStream(big.dir, hours, out));
    } catch (error) {
      rows.push({case: 'huge', tool: 'kpi-stream', seconds: NaN, runs: [], inputBytes: big.bytes, mbPerS: NaN, rssMb: null, cpuSeconds: null, check: `FAILED: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`, load: loadavg()[0]!});
      return;
    }
    check = `${countFiles(out)} CSV (the reference cannot load it)`;
    rmSync(out, {recursive: true, force: true});
  }
  rows.push(row('huge', 'kpi-stream', runs, big.bytes, check, `${(big.bytes / MB).toFixed(0)} MB session`));
}

function streamJsonCase(corpus: BenchCorpus, rows: Row[]): void {
  const measured = measure(process.execPath, [STREAM_JSON, corpus.dir]);
  for (const r of JSON.parse(measured.stdout) as Array<{tool: string; seconds: number; bytes: number; note: string}>) {
    rows.push({case: 'stream-json (largest row)', tool: r.tool, seconds: r.seconds, runs: [r.seconds], inputBytes: r.bytes, mbPerS: r.bytes / MB / r.seconds, rssMb: null, cpuSeconds: null, check: 'n/a', note: r.note, load: loadavg()[0]!});
  }
}

function targets(rows: Row[], profiles: readonly ProfileName[]): Target[] {
  const find = (c: string, tool = 'kpi-stream') => rows.find(r => r.case === c && r.tool === tool);
  const out: Target[] = [];
  const ratio = (name: string, r: Row | undefined, want: number) => {
    if (r?.ratio !== undefined) out.push({name, want: `>= ${want}x`, got: `${r.ratio.toFixed(2)}x`, met: r.ratio >= want});
  };
  for (const profile of profiles) {
    const label = (name: string) => caseLabel(name, profile);
    ratio(label('cron path vs reference'), find(label('cron')), 2);
    if (profile === 'realistic') ratio('cron hour, warm cache vs cold', rows.find(r => r.case === 'cron-cache' && r.tool.includes('warm') && r.baseline?.includes('cold')), 20);
    ratio(label('backfill vs reference hour by hour'), find(label('backfill')), 60);
    ratio(label('backfill vs parse bound (1 core)'), find(label('backfill vs bound')), 1);
    ratio(label('backfill vs DuckDB (2 threads)'), find(label('backfill vs duckdb')), 1);
    const measured = rows.filter(r => r.tool.startsWith('kpi-stream') && [label('cron'), label('backfill')].includes(r.case) && r.rssMb !== null);
    if (measured.length) {
      const worst = Math.max(...measured.map(r => r.rssMb!));
      out.push({name: label('peak RSS'), want: '<= 200 MB', got: `${worst.toFixed(0)} MB`, met: worst <= 200});
    }
  }
  const huge = find('huge');
  if (huge) {
    const ok = Number.isFinite(huge.seconds);
    out.push({name: 'huge session peak RSS', want: '<= 256 MB', got: ok && huge.rssMb !== null ? `${huge.rssMb.toFixed(0)} MB` : huge.check, met: ok && huge.rssMb !== null && huge.rssMb <= 256});
    out.push({name: 'huge session throughput', want: '>= 50 MB/s', got: ok ? `${huge.mbPerS.toFixed(0)} MB/s` : huge.check, met: ok && huge.mbPerS >= 50});
  }
  const checked = find('huge (small, check)');
  if (checked) out.push({name: 'huge session bytes = reference', want: 'same', got: checked.check, met: checked.check === 'same'});
  return out;
}

function table(rows: Row[]): string {
  const header = ['case', 'tool', 'wall s (median)', 'cpu s', 'input MB', 'MB/s', 'peak RSS MB', 'ratio', 'load', 'output'];
  const lines = rows.map(r => [
    r.case,
    r.tool,
    Number.isFinite(r.seconds) ? r.seconds.toFixed(2) : '-',
    r.cpuSeconds === null ? '-' : r.cpuSeconds.toFixed(2),
    (r.inputBytes / MB).toFixed(0),
    Number.isFinite(r.mbPerS) ? r.mbPerS.toFixed(0) : '-',
    r.rssMb === null ? '-' : r.rssMb.toFixed(0),
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x vs ${r.baseline}`,
    r.load.toFixed(1),
    r.check + (r.note ? ` (${r.note})` : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map(l => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [fmt(header), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB; Node ${m.node}, ${m.python}; load average ${m.loadStart.toFixed(1)} at start, ${m.loadEnd?.toFixed(1)} at end` +
    (m.gnuTime ? '' : '; no /usr/bin/time: RSS not measured (apt-get install time)');
}

async function main(): Promise<number> {
  const s = settings(process.argv.slice(2));
  const m = machine(PYTHON);
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const corpora = s.profiles.map(profile => {
    const shape = shapeOf(profile, s.smoke, s.seed);
    log(`corpus ${profile} ${JSON.stringify(shape)} (cached under ${s.cacheDir})`);
    const corpus = realisticCorpus(s.cacheDir, shape);
    log(`corpus: ${corpus.files} files, ${(corpus.bytes / MB).toFixed(0)} MB${corpus.generatedSeconds ? `, generated in ${corpus.generatedSeconds.toFixed(0)} s` : ', from the cache'}`);
    return {profile, shape, corpus};
  });
  const rows: Row[] = [];
  const errors: string[] = [];
  const step = (name: CaseName, run: () => void, profile: ProfileName = 'realistic') => {
    if (!s.cases.has(name)) return;
    const label = caseLabel(name, profile);
    log(`${label}...`);
    const began = performance.now();
    try {
      run();
    } catch (error) {
      errors.push(`${label}: ${(error as Error).message}`);
      log(`${label} failed: ${(error as Error).message}`);
    }
    log(`${label} done in ${((performance.now() - began) / 1000).toFixed(0)} s`);
  };
  for (const {profile, corpus} of corpora) {
    let expected: string | undefined;
    step('cron', () => cronCase(s, corpus, rows, profile), profile);
    if (profile === 'realistic') step('cron-cache', () => cronCacheCase(s, corpus, rows), profile);
    step('backfill', () => void (expected = backfillCase(s, corpus, rows, profile)), profile);
    step('bound', () => boundCase(s, corpus, rows, profile), profile);
    step('duckdb', () => duckdbCase(s, corpus, rows, profile, expected), profile);
  }
  step('huge', () => hugeCase(s, rows));
  const first = corpora[0]?.corpus;
  if (first) step('stream-json', () => streamJsonCase(first, rows));
  m.loadEnd = loadavg()[0]!;

  const met = s.smoke ? [] : targets(rows, s.profiles);
  const text = table(rows);
  const described = corpora.map(({profile, corpus}) => `corpus ${profile}: ${corpus.files} files, ${(corpus.bytes / MB).toFixed(0)} MB, days ${corpus.days[0]}..${corpus.days.at(-1)}`);
  process.stdout.write(`\n${describeMachine(m)}\n${described.join('\n')}\n\n${text}\n`);
  if (met.length) {
    process.stdout.write('\ntargets:\n');
    for (const t of met) process.stdout.write(`  ${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.got} (want ${t.want})\n`);
  }
  const wrong = rows.filter(r => r.check.startsWith('DIFFERS') || r.check.startsWith('FAILED'));
  for (const e of errors) process.stdout.write(`\nERROR ${e}\n`);
  mkdirSync(dirname(s.out), {recursive: true});
  const date = new Date().toISOString();
  writeFileSync(s.out, JSON.stringify({date, smoke: s.smoke, machine: m, corpora: corpora.map(({profile, shape, corpus}) => ({profile, ...shape, files: corpus.files, bytes: corpus.bytes, days: corpus.days})), rows, targets: met, errors, table: text}, null, 2) + '\n');
  process.stdout.write(`\nwrote ${s.out}\n`);
  rmSync(scratchRoot, {recursive: true, force: true});
  return wrong.length || errors.length ? 1 : 0;
}

main().then(
  code => {
    process.exitCode = code;
  },
  error => {
    process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
    rmSync(scratchRoot, {recursive: true, force: true});
    process.exitCode = 1;
  },
);
