import {stat} from 'node:fs/promises';
import {join} from 'node:path';
import type {Readable} from 'node:stream';
import {MANY_HOURS} from './early.js';
import {buildArgv, EXAMPLE, logFormatOf, parseFlags, type CliArgs} from './args.js';
import {normalizeOptions, type RunOptions} from './options.js';
import {bucketAt, planBuckets, type BucketPlan} from '../buckets.js';
import {EXIT, exitCodeFor, KpiError} from '../errors.js';
import type {OutputFile} from '../types.js';
import {combinedCsv, outputFiles, runPipeline, type BucketRow} from '../pipeline.js';
import {plural, Reporter} from '../reporter.js';
import {makeDirs, writeLocalFiles} from '../sinks/local-dir.js';
import {AuditTrail} from '../audit.js';
import {acquireLock, outDirLockPath, targetLockPath, type RunLock} from '../lock.js';
import {folderInputs, hubInputs, rowInputs, type ListedInputs} from '../library/inputs.js';
import type {SessionInput} from '../types.js';
import type {HubOptions, RetryInfo} from '../hub/config.js';
import {createProgress, type Progress} from '../progress.js';
import {dropPrewarmedWorkers} from '../workers/pool.js';
import {ResultCache} from '../cache/result-cache.js';
import {hubSource, localSource} from '../cache/cached-reader.js';

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: (text: string) => void;
  stderr: (line: string) => void;
  /** stderr without a newline added, for the progress line. */
  stderrRaw: (text: string) => void;
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** The clock, for --hours without --now. */
  now: () => Date;
}

export const processIo = (): CliIo => ({
  stdin: process.stdin,
  stdout: text => process.stdout.write(text),
  stderr: line => process.stderr.write(line + '\n'),
  stderrRaw: text => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  env: process.env,
  now: () => new Date(),
});

/** Parses argv, runs the pipeline, and returns the exit code. Never throws. */
export async function run(args: string[], io: CliIo = processIo(), signal?: AbortSignal): Promise<number> {
  if (args[0] === 'report') {
    const {runReport} = await import('../html-report/command.js'); // loads only for this subcommand
    return runReport(args.slice(1), io, signal);
  }
  let options: RunOptions;
  // Until the flags parse, the format is what the arguments say (`--log-format json`).
  let format = logFormatOf(args);
  try {
    const {argv, help, error} = await parseFlags<CliArgs>(buildArgv(args), args);
    if (help) {
      io.stdout(help + '\n');
      return EXIT.ok;
    }
    if (error !== undefined) throw new KpiError('KPI_OPTION_INVALID', usageMessage(error));
    format = argv.logFormat ?? 'text';
    options = await normalizeOptions(argv, {env: io.env, now: io.now()});
  } catch (error) {
    const usage = error instanceof KpiError && error.code === 'KPI_OPTION_INVALID';
    const message = `${(error as Error).message}${usage ? `\n${EXAMPLE}\nRun kpi-stream --help for the options.` : ''}`;
    // Text keeps the example on its own line; JSON puts it all in one object.
    if (format === 'json') new Reporter({format, write: io.stderr}).error(message, {code: error instanceof KpiError ? error.code : 'KPI_OPTION_INVALID'});
    else io.stderr(`error: ${message}`);
    return exitCodeFor(error);
  }
  let progress: Progress | undefined;
  // Log lines go above the progress line, never glued to it.
  const write = (line: string) => (progress ? progress.above(() => io.stderr(line)) : io.stderr(line));
  const {log} = options;
  const reporter = new Reporter({format: log.format, write, verbose: log.verbose, quiet: log.quiet});
  try {
    return await execute(options, {io, reporter, signal, showProgress: p => void (progress = p)});
  } catch (error) {
    const code = exitCodeFor(error);
    // A stack only for what was not expected, and inside the JSON object under --log-format json.
    const stack = log.verbose && !(error instanceof KpiError) && error instanceof Error ? error.stack : undefined;
    const fields = {...(error instanceof KpiError && {code: error.code}), ...(stack && log.format === 'json' && {stack})};
    reporter.error((error as Error).message, fields);
    if (stack && log.format === 'text') io.stderr(stack);
    return code;
  }
}

/** A yargs complaint as a usage message; a token flag gets told where a token goes. */
function usageMessage(message: string): string {
  if (/\btoken\b/.test(message) && !/token-file/.test(message)) {
    return 'the Hub token is never taken as an argument (it would show in `ps`): set HF_TOKEN (or HF_KPI_WRITE_TOKEN) or pass --token-file FILE';
  }
  return message.replace(/\s+/g, ' ').trim();
}

/** Where a run reads from, resolved from the flags. */
interface Inputs {
  inputs: AsyncIterable<SessionInput>;
  total: number | null;
  allowedFor(input: SessionInput): ReadonlySet<number> | null;
  /** The folders listed and the paths found in each (what the cache may keep). */
  listed?: {source: string; folders: Map<string, string[]>};
}

/** What a run of the pipeline works with besides its options: the CLI's, or one rollup of `kpi-stream watch`. */
export interface Execution {
  io: CliIo;
  reporter: Reporter;
  signal?: AbortSignal;
  showProgress?(p: Progress | undefined): void;
  /** A cache kept across runs (watch); by default one is opened on --cache-dir, if given. */
  cache?: ResultCache;
}

/** Reads, computes and writes the buckets of `options.plan`; returns the exit code (throws KpiErrors). */
export async function execute(options: RunOptions, execution: Execution): Promise<number> {
  const audit = options.report !== undefined ? new AuditTrail(options.report) : undefined;
  const locks = await takeLocks(options);
  let finished = false;
  try {
    const code = await executeLocked(options, execution, audit);
    finished = true;
    await audit?.write(); // a report that cannot be written fails the run (exit 4)
    return code;
  } finally {
    // A run that failed still leaves its trail: which inputs were read and which failed.
    if (!finished) await audit?.write().catch(error => execution.reporter.error((error as Error).message));
    for (const lock of locks) await lock.release();
  }
}

/**
 * Two runs writing the same --out-dir or committing to the same target on this machine would
 * overlap (a backfill by hand while the hourly job runs): the second stops at once (exit 5). A dry
 * run writes nothing, so it takes no lock. The out-dir is created here, so a folder that cannot be
 * created fails before any input is read.
 */
async function takeLocks({dryRun, outDir, target, hub}: RunOptions): Promise<RunLock[]> {
  if (dryRun) return [];
  const locks: RunLock[] = [];
  try {
    if (outDir !== undefined) {
      await makeDirs(outDir);
      locks.push(await acquireLock(outDirLockPath(outDir), `--out-dir ${outDir}`));
    }
    if (target !== undefined) locks.push(await acquireLock(targetLockPath(hub!.hubUrl, target), `dataset ${target}`));
    return locks;
  } catch (error) {
    for (const lock of locks) await lock.release();
    throw error;
  }
}

async function executeLocked(options: RunOptions, {io, reporter, signal, showProgress = () => undefined, ...given}: Execution, audit?: AuditTrail): Promise<number> {
  const {plan, input, target, outDir, dryRun, stdout, strict, threads, concurrency} = options;
  reporter.hours = hoursLabel(plan);
  const onRetry = (info: RetryInfo) => reporter.info(retryLine(info), {code: 'hub_retry', ...info});
  const hub = options.hub && {...options.hub, signal, onRetry};
  const source = await openInputs(options, io, reporter, hub);
  const progress = io.stderrIsTTY && !options.log.quiet && options.log.format === 'text' ? createProgress({write: io.stderrRaw}) : undefined;
  showProgress(progress);
  // Hub inputs wait on the network: let each worker download several at once.
  const cache = given.cache ?? (options.cacheDir !== undefined ? new ResultCache({dir: options.cacheDir, schema: options.schema}) : undefined);
  const perWorker = input.kind === 'hub' ? Math.ceil(concurrency / threads) : 1;
  // Workers start at once for a run of many hours (bin/kpi-stream started them early, see
  // workersToStart), else only once the run has shown it has work for them.
  const workersAfterBytes = plan.kind !== 'hourly' || plan.indices.length >= MANY_HOURS ? 0 : undefined;
  if (threads <= 1) dropPrewarmedWorkers();
  let result;
  try {
    // --strict must parse every file to see each malformed one: no prefilter (see session/prefilter.ts).
    const reading = {threads, perWorker, workersAfterBytes, prefilter: !strict, cache};
    result = await runPipeline({plan, schema: options.schema, ...source, concurrency, reporter, progress, signal, ...reading, hub: {onRetry, signal}, audit});
    if (cache && source.listed) await cache.prune(source.listed.source, source.listed.folders, (code, file, message) => reporter.warn({code, file, message}));
  } finally {
    progress?.done();
    showProgress(undefined);
    dropPrewarmedWorkers(); // those started early that no pool adopted
  }
  if (result.failed.length) {
    reporter.summary();
    reporter.error(
      `${result.failed.length} input(s) could not be read (${result.failed.map(f => f.name).join(', ')}); nothing was written or committed. ` +
        `Buckets affected: ${result.incomplete.map(b => b.key).join(', ') || 'none'}. Run the same hours again once the files can be read.`,
    );
    return EXIT.input;
  }
  const files = outputFiles(result.header, result.rows);
  if ((outDir !== undefined || stdout || target !== undefined) && !dryRun) reporter.counts.buckets = files.length;
  // The header even without a row: a consumer of the CSV always gets its columns.
  if (stdout) io.stdout(combinedCsv(result.header, result.rows));
  if (outDir !== undefined && dryRun) {
    // A dry run writes nothing anywhere: it says what it would write.
    reporter.info(`dry run: would write ${plural(files.length, 'file')} under ${outDir}${files.length ? ':' : ''}`);
    for (const f of files) reporter.info(`  ${f.path} (${Buffer.byteLength(f.content)} bytes)`);
  } else if (outDir !== undefined) {
    const written = await writeLocalFiles(outDir, files);
    for (const path of written) reporter.verbose(`wrote ${path}`);
  }
  if (dryRun && target === undefined && outDir === undefined && !stdout) {
    reporter.info(`dry run: computed ${plural(files.length, 'bucket')}; give --out-dir, --stdout or --target to see what would be written`);
  }
  const commit = target !== undefined ? await publishToHub(target, result.rows, files, hub!, reporter, dryRun) : undefined;
  for (const row of result.rows) {
    const file = row.bucket.path;
    const committed = commit?.commitId !== undefined && commit.files.includes(file);
    const written = outDir !== undefined && !dryRun;
    audit?.bucket({bucket: row.bucket.key, file, rows: 1, sessions: Number(row.cells[1]), written, committed, unchanged: commit?.unchanged.includes(file) ?? false, ...(dryRun && {dryRun: true})});
  }
  if (commit) reporter.summary({commit}, commitText(commit));
  else reporter.summary();
  if (strict && reporter.counts.filesSkipped > 0) {
    reporter.error(`with --strict, a skipped file fails the run: ${reporter.counts.filesSkipped} file(s) were skipped as invalid`);
    return EXIT.input;
  }
  return EXIT.ok;
}

/** The hours of a run as the summary names them. */
export function hoursLabel(plan: BucketPlan): string {
  if (plan.kind === 'daily') return `${plan.day} (daily)`;
  if (plan.kind === 'touched') return 'every hour the rows touch';
  const first = bucketAt(plan, plan.indices[0]!).key;
  if (plan.indices.length === 1) return first;
  return `${first} .. ${bucketAt(plan, plan.indices[plan.indices.length - 1]!).key} (${plan.indices.length} hours)`;
}

/** What a Hub run did with its files: committed (with the commit id), or found unchanged. */
interface HubCommit {
  repo: string;
  /** The new commit's id; absent when nothing was committed. */
  commitId?: string;
  /** Paths committed (or, in a dry run, that would be). */
  files: string[];
  /** Paths whose bytes the target already holds: left out of the commit. */
  unchanged: string[];
  dryRun?: boolean;
}

/**
 * Commits the files the target does not already hold, in one commit; says so when there is
 * nothing to commit. A dry run compares and lists, and commits nothing.
 */
async function publishToHub(target: string, rows: readonly BucketRow[], files: readonly OutputFile[], hub: HubOptions, reporter: Reporter, dryRun: boolean): Promise<HubCommit> {
  if (files.length === 0) {
    reporter.info(`no session in the requested hours: nothing to commit to ${target}`);
    return {repo: target, files: [], unchanged: [], ...(dryRun && {dryRun})};
  }
  // The Hub client loads only when used.
  const [{commitFiles}, {unchangedPaths}] = await Promise.all([import('../sinks/hub-upload.js'), import('../sinks/hub-unchanged.js')]);
  const same = await unchangedPaths(target, files, hub);
  const changed = files.filter(f => !same.has(f.path));
  const outcome: HubCommit = {repo: target, files: changed.map(f => f.path), unchanged: files.filter(f => same.has(f.path)).map(f => f.path), ...(dryRun && {dryRun})};
  const message = commitMessage(rows.filter(r => !same.has(r.bucket.path)).map(r => r.bucket.key));
  if (changed.length === 0) {
    reporter.info(`all ${plural(files.length, 'file')} unchanged in dataset ${target}: nothing to commit`, {code: 'hub_unchanged', repo: target, unchanged: outcome.unchanged.length});
  } else if (dryRun) {
    reporter.info(`dry run: would commit ${plural(changed.length, 'file')} to dataset ${target} with message "${message}" (${same.size} unchanged):`);
    for (const f of changed) reporter.info(`  ${f.path} (${Buffer.byteLength(f.content)} bytes)`);
  } else {
    const {commitOid} = await commitFiles(target, changed, message, hub);
    outcome.commitId = commitOid;
  }
  return outcome;
}

/** A commit in words, for the summary line. */
function commitText(c: HubCommit): string {
  const unchanged = c.unchanged.length ? `, ${c.unchanged.length} unchanged` : '';
  if (c.dryRun) return `dry run: would commit ${plural(c.files.length, 'file')} to ${c.repo}${unchanged}`;
  if (c.commitId === undefined) return `nothing committed to ${c.repo}${unchanged}`;
  return `committed ${plural(c.files.length, 'file')} to ${c.repo} in 1 commit (${c.commitId.slice(0, 12)})${unchanged}`;
}

/** The commit message names the buckets: one, or the first and last of a range. */
export function commitMessage(keys: readonly string[]): string {
  if (keys.length === 1) return `KPIs for ${keys[0]}`;
  return `KPIs for ${keys[0]} .. ${keys[keys.length - 1]} (${keys.length} buckets)`;
}

async function openInputs({input, plan}: RunOptions, io: CliIo, reporter: Reporter, hub?: HubOptions): Promise<Inputs> {
  if (input.kind === 'stdin') {
    // Waiting on a terminal with no word looks like a hang.
    if ((io.stdin as {isTTY?: boolean}).isTTY) reporter.info('reading session rows from standard input (end with Ctrl-D; or pipe them: cat sessions/*/*.jsonl | kpi-stream --stdin ...)');
    const source = rowInputs(io.stdin as Readable, plan, () => reporter.warn({code: 'no_input', file: 'stdin', message: 'held no session row'}));
    return {...source, total: null};
  }
  let listed: ListedInputs;
  let where: string;
  if (input.kind === 'folder') {
    where = `--source-dir ${input.dir}`;
    listed = await folderInputs(input.dir, plan);
    if (listed.total === 0 && !(await isFolder(join(input.dir, 'sessions')))) {
      reporter.warn({code: 'no_input', file: input.dir, message: `has no sessions/ folder: give the folder that holds sessions/YYYY-MM-DD/*.jsonl (one level up or down?)`});
    }
  } else {
    where = `dataset ${input.repo}`;
    listed = await hubInputs(input.repo, plan, {...hub!, warn: w => reporter.warn(w)});
  }
  const days = [...listed.folders.keys()];
  reporter.verbose(`${listed.total} session files in ${days.length} day folder(s): ${days.join(', ')}`);
  if (listed.total === 0) {
    reporter.warn({code: 'no_input', file: where, message: `no session file in ${days.map(d => `sessions/${d}/`).join(', ')}: nothing to read for the requested hours`});
  }
  const source = input.kind === 'folder' ? localSource(input.dir) : hubSource(input.repo);
  return {...listed, listed: {source, folders: listed.folders}};
}

const isFolder = (path: string) => stat(path).then(s => s.isDirectory(), () => false);

/** A retry as the log shows it: what, why, and how long the wait is (the URL is redacted). */
function retryLine({url, attempt, status, waitMs, reason}: RetryInfo): string {
  return `retrying ${url} (${reason ?? `HTTP ${status}`}): attempt ${attempt} in ${(waitMs / 1000).toFixed(1)} s`;
}
