import {availableParallelism} from 'node:os';
import {buildArgv, check, EXAMPLE, UsageError, type CliArgs} from './args.js';
import {hourStart, folderBuckets, hourIndex, type BucketPlan} from '../buckets.js';
import {EXIT, exitCodeFor, KpiError} from '../errors.js';
import {combinedCsv, outputFiles, runPipeline} from '../pipeline.js';
import {Reporter} from '../report.js';
import {writeLocalFiles} from '../sinks/local-dir.js';
import {listLocalFiles} from '../sources/local-files.js';
import {stdinRows} from '../sources/stdin-rows.js';
import {formatDate, parseIsoDate, parseIsoDateTime, type IsoDateTime} from '../time/iso.js';
import type {InputRef, SessionInput} from '../types.js';
import {resolveHubUrl, resolveToken, type HubOptions, type RetryInfo} from '../hub/config.js';
import {createProgress, type Progress} from '../progress.js';
import {prefiltered} from '../prefilter.js';
import {dropPrewarmedWorkers, SessionPool} from '../workers/pool.js';

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

const processIo = (): CliIo => ({
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
  let argv: CliArgs;
  let helpShown = false;
  let parseError: Error | undefined;
  // Until the flags parse, the format is what the arguments say (`--log-format json`).
  let format: 'text' | 'json' = args.some((a, i) => a === '--log-format=json' || (a === '--log-format' && args[i + 1] === 'json')) ? 'json' : 'text';
  try {
    const parser = buildArgv(args);
    const parsed = (await parser.parseAsync(args, {}, (err, _argv, output) => {
      // yargs reports unknown flags and bad values here, and would go on with the defaults.
      if (err) parseError = err;
      else if (output) {
        helpShown = true;
        io.stdout(output + '\n');
      }
    })) as unknown as CliArgs;
    if (helpShown) return EXIT.ok;
    if (parseError) throw new UsageError(`${usageMessage(parseError.message)}\n${EXAMPLE}\nRun kpi-stream --help for the options.`);
    format = parsed.logFormat;
    check(parsed);
    argv = parsed;
  } catch (error) {
    if (helpShown) return EXIT.ok;
    const message = `kpi-stream: ${(error as Error).message}${error instanceof UsageError ? '' : '\nRun kpi-stream --help for the options.'}`;
    // Text keeps the example on its own line; JSON puts it all in one object.
    if (format === 'json') new Reporter({format, write: io.stderr}).error(message, {code: 'KPI_OPTION_INVALID'});
    else io.stderr(message);
    return EXIT.usage;
  }
  let progress: Progress | undefined;
  // Log lines go above the progress line, never glued to it.
  const write = (line: string) => (progress ? progress.above(() => io.stderr(line)) : io.stderr(line));
  const reporter = new Reporter({format: argv.logFormat, write, verbose: argv.verbose, quiet: argv.quiet});
  try {
    return await execute(argv, io, reporter, signal, p => void (progress = p));
  } catch (error) {
    const code = exitCodeFor(error);
    // A stack only for what was not expected, and inside the JSON object under --log-format json.
    const stack = argv.verbose && !(error instanceof KpiError) && error instanceof Error ? error.stack : undefined;
    const fields = {...(error instanceof KpiError && {code: error.code}), ...(stack && argv.logFormat === 'json' && {stack})};
    reporter.error(`kpi-stream: ${(error as Error).message}`, fields);
    if (stack && argv.logFormat === 'text') io.stderr(stack);
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

const DEFAULT_SOURCE = 'smolagents/ml-intern-sessions';
const DEFAULT_TARGET = 'smolagents/ml-intern-kpis';

/** Where a run reads from, resolved from the flags. */
interface Inputs {
  inputs: AsyncIterable<SessionInput>;
  total: number | null;
  allowedFor(input: SessionInput): ReadonlySet<number> | null;
}

async function execute(argv: CliArgs, io: CliIo, reporter: Reporter, signal: AbortSignal | undefined, showProgress: (p: Progress | undefined) => void): Promise<number> {
  const plan = planBuckets(argv, io.now());
  const fromHub = argv.sourceDir === undefined && !argv.stdin;
  const toHub = argv.target !== undefined || fromHub;
  // Resolve the token before any I/O: a Hub run without one stops here, as the reference does.
  const onRetry = (info: RetryInfo) => reporter.info(retryLine(info), {code: 'hub_retry', ...info});
  const hub = fromHub || toHub ? {hubUrl: resolveHubUrl(argv.hubUrl, io.env), token: await resolveToken(io.env, argv.tokenFile), retries: argv.retries, signal, onRetry} : undefined;
  const source = await openInputs(argv, io, plan, reporter, hub);
  const progress = io.stderrIsTTY && !argv.quiet && argv.logFormat === 'text' ? createProgress({write: io.stderrRaw}) : undefined;
  showProgress(progress);
  const threads = argv.threads ?? availableParallelism();
  // Hub inputs wait on the network: let each worker download several at once.
  // --strict must parse every file to see each malformed one: no prefilter (see prefilter.ts).
  const prefilter = !argv.strict;
  const pool = threads > 1 ? new SessionPool({threads, perWorker: fromHub ? Math.ceil(argv.concurrency / threads) : 1, prefilter, onRetry, signal}) : undefined;
  if (!pool) dropPrewarmedWorkers();
  const reader = pool?.read ?? (prefilter ? prefiltered() : undefined);
  let result;
  try {
    result = await runPipeline({plan, ...source, concurrency: argv.concurrency, reporter, progress, signal, reader, hub: {onRetry, signal}});
  } finally {
    progress?.done();
    showProgress(undefined);
    await pool?.close();
  }
  if (result.failed.length) {
    reporter.summary();
    reporter.error(
      `${result.failed.length} input(s) could not be read (${result.failed.map(f => f.name).join(', ')}); nothing was written or committed. ` +
        `Buckets affected: ${result.incomplete.map(b => b.key).join(', ') || 'none'}. Run the same hours again once the files can be read.`,
    );
    return EXIT.input;
  }
  const files = outputFiles(result.rows);
  const writesSomewhere = argv.outDir !== undefined || argv.stdout || (toHub && !argv.dryRun);
  if (writesSomewhere) reporter.counts.buckets = files.length;
  if (argv.stdout) io.stdout(result.rows.length ? combinedCsv(result.rows) : '');
  if (argv.outDir !== undefined) {
    const written = await writeLocalFiles(argv.outDir, files);
    for (const path of written) reporter.verbose(`wrote ${path}`);
  }
  let committed = '';
  if (toHub && hub) {
    const target = argv.target ?? DEFAULT_TARGET;
    const message = commitMessage(result.rows.map(r => r.bucket.key));
    if (argv.dryRun) {
      reporter.info(`dry run: would commit ${files.length} file(s) to dataset ${target} with message "${message}":`);
      for (const f of files) reporter.info(`  ${f.path} (${Buffer.byteLength(f.content)} bytes)`);
    } else if (files.length) {
      const {commitFiles} = await import('../sinks/hub-upload.js'); // the Hub client loads only when used
      const {commitOid} = await commitFiles(target, files, message, hub);
      committed = `${files.length} file(s) in 1 commit to ${target}${commitOid ? ` (${commitOid.slice(0, 12)})` : ''}`;
    } else {
      reporter.info(`no session in the requested hours: nothing to commit to ${target}`);
    }
  }
  reporter.summary(committed ? {committed} : {});
  if (argv.strict && reporter.counts.filesSkipped > 0) {
    reporter.error(`--strict: ${reporter.counts.filesSkipped} file(s) were skipped as invalid`);
    return EXIT.input;
  }
  return EXIT.ok;
}

/** The commit message names the buckets: one, or the first and last of a range. */
export function commitMessage(keys: readonly string[]): string {
  if (keys.length === 1) return `KPIs for ${keys[0]}`;
  return `KPIs for ${keys[0]} .. ${keys[keys.length - 1]} (${keys.length} buckets)`;
}

async function openInputs(argv: CliArgs, io: CliIo, plan: BucketPlan, reporter: Reporter, hub?: HubOptions): Promise<Inputs> {
  if (argv.stdin) {
    const requested = plan.kind === 'hourly' ? new Set(plan.indices) : null;
    return {inputs: stdinInputs(io.stdin), total: null, allowedFor: () => requested};
  }
  const byFolder = folderBuckets(plan);
  const allowedFor = (input: SessionInput) => byFolder.get(input.folder!) ?? new Set<number>();
  const days = [...byFolder.keys()];
  let refs: Array<{path: string; folder: string; ref: InputRef}>;
  if (argv.sourceDir !== undefined) {
    const dir = argv.sourceDir;
    refs = (await listLocalFiles(dir, days)).map(f => ({...f, ref: {kind: 'local', dir, path: f.path}}));
  } else {
    const repo = argv.source ?? DEFAULT_SOURCE;
    const {listHubFiles} = await import('../sources/hub-files.js'); // the Hub client loads only when used
    const listed = await listHubFiles(repo, days, {...hub!, warn: w => reporter.warn(w)});
    refs = listed.map(f => ({...f, ref: {kind: 'hub', repo, path: f.path, size: f.size, hubUrl: hub!.hubUrl, token: hub!.token, retries: hub!.retries}}));
  }
  reporter.verbose(`${refs.length} session files in ${days.length} day folder(s): ${days.join(', ')}`);
  return {
    inputs: (async function* () {
      for (const [seq, f] of refs.entries()) yield {seq, name: f.path, folder: f.folder, ref: f.ref};
    })(),
    total: refs.length,
    allowedFor,
  };
}

async function* stdinInputs(stdin: NodeJS.ReadableStream): AsyncGenerator<SessionInput> {
  let seq = 0;
  for await (const row of stdinRows(stdin as never)) {
    yield {seq: seq++, name: row.name, folder: null, ref: {kind: 'bytes', bytes: row.bytes}};
  }
}

/** The buckets the flags ask for. */
export function planBuckets(argv: CliArgs, now: Date): BucketPlan {
  if (argv.dailyBackfill !== undefined) {
    const day = parseIsoDate(argv.dailyBackfill);
    if (!day) throw optionError('--daily-backfill', 'a date like 2026-04-24', argv.dailyBackfill);
    return {kind: 'daily', day: formatDate(day.year, day.month, day.day)};
  }
  if (argv.datetime !== undefined) {
    const {base, offsetMicros} = hourStart(hourArg('--datetime', argv.datetime));
    return {kind: 'hourly', base, offsetMicros, indices: [0]};
  }
  if (argv.from !== undefined && argv.to !== undefined) {
    const from = hourStart(hourArg('--from', argv.from));
    const to = hourStart(hourArg('--to', argv.to));
    // Hours from `from`, stepping one hour, while before `to`.
    const last = hourIndex(to.base, from.base);
    const count = to.base.sec === from.base.sec + last * 3600 && to.base.micro === from.base.micro ? last : last + 1;
    if (count < 1) throw new KpiError('KPI_OPTION_INVALID', `--from must be before --to, got --from ${argv.from} --to ${argv.to}`);
    return {kind: 'hourly', base: from.base, offsetMicros: from.offsetMicros, indices: range(count)};
  }
  if (argv.stdin && argv.hours === undefined) return {kind: 'touched'};
  const hours = argv.hours ?? 1;
  const current = argv.now !== undefined ? hourStart(hourArg('--now', argv.now)) : hourStart(utcHour(now));
  // The completed hours before now: [now - hours h, now).
  const base = {sec: current.base.sec - hours * 3600, micro: current.base.micro};
  return {kind: 'hourly', base, offsetMicros: current.offsetMicros, indices: range(hours)};
}

function hourArg(flag: string, text: string): IsoDateTime {
  const parsed = parseIsoDateTime(text);
  if (!parsed) throw optionError(flag, 'an ISO hour like 2026-04-24T14 (optionally with an offset)', text);
  return parsed;
}

function utcHour(now: Date): IsoDateTime {
  return {year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate(), hour: now.getUTCHours(), minute: 0, second: 0, micro: 0, offsetMicros: null};
}

function optionError(flag: string, expected: string, got: string): KpiError {
  return new KpiError('KPI_OPTION_INVALID', `option \`${flag}\` must be ${expected}, got ${JSON.stringify(got)}`);
}

const range = (n: number) => Array.from({length: n}, (_, i) => i);

/** A retry as the log shows it: what, why, and how long the wait is (the URL is redacted). */
function retryLine({url, attempt, status, waitMs, reason}: RetryInfo): string {
  return `retrying ${url} (${reason ?? `HTTP ${status}`}): attempt ${attempt} in ${(waitMs / 1000).toFixed(1)} s`;
}
