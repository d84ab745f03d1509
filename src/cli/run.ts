import {buildArgv, check, UsageError, type CliArgs} from './args.js';
import {hourStart, folderBuckets, hourIndex, type BucketPlan} from '../buckets.js';
import {EXIT, exitCodeFor, KpiError} from '../errors.js';
import {combinedCsv, outputFiles, runPipeline} from '../pipeline.js';
import {Reporter} from '../report.js';
import {writeLocalFiles} from '../sinks/local-dir.js';
import {listLocalFiles} from '../sources/local-files.js';
import {stdinRows} from '../sources/stdin-rows.js';
import {formatDate, parseIsoDate, parseIsoDateTime, type IsoDateTime} from '../time/iso.js';
import type {SessionInput} from '../types.js';

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: (text: string) => void;
  stderr: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** The clock, for --hours without --now. */
  now: () => Date;
}

const processIo = (): CliIo => ({
  stdin: process.stdin,
  stdout: text => process.stdout.write(text),
  stderr: line => process.stderr.write(line + '\n'),
  env: process.env,
  now: () => new Date(),
});

/** Parses argv, runs the pipeline, and returns the exit code. Never throws. */
export async function run(args: string[], io: CliIo = processIo(), signal?: AbortSignal): Promise<number> {
  let argv: CliArgs;
  let helpShown = false;
  try {
    const parser = buildArgv(args);
    const parsed = (await parser.parseAsync(args, {}, (err, _argv, output) => {
      if (output) {
        helpShown = !err;
        (err ? io.stderr : io.stdout)(err ? output : output + '\n');
      }
    })) as unknown as CliArgs;
    if (helpShown) return EXIT.ok;
    check(parsed);
    argv = parsed;
  } catch (error) {
    if (helpShown) return EXIT.ok;
    io.stderr(`kpi-stream: ${(error as Error).message}`);
    if (!(error instanceof UsageError)) io.stderr('Run kpi-stream --help for the options.');
    return EXIT.usage;
  }
  const reporter = new Reporter({format: argv.logFormat, write: io.stderr, verbose: argv.verbose, quiet: argv.quiet});
  try {
    return await execute(argv, io, reporter, signal);
  } catch (error) {
    const code = exitCodeFor(error);
    reporter.error(`kpi-stream: ${(error as Error).message}`, error instanceof KpiError ? {code: error.code} : {});
    if (argv.verbose && error instanceof Error && error.stack) io.stderr(error.stack);
    return code;
  }
}

async function execute(argv: CliArgs, io: CliIo, reporter: Reporter, signal?: AbortSignal): Promise<number> {
  const plan = planBuckets(argv, io.now());
  let inputs: AsyncIterable<SessionInput>;
  let allowedFor: (input: SessionInput) => ReadonlySet<number> | null;
  if (argv.stdin) {
    inputs = stdinInputs(io.stdin);
    const requested = plan.kind === 'hourly' ? new Set(plan.indices) : null;
    allowedFor = () => requested;
  } else if (argv.sourceDir !== undefined) {
    const dir = argv.sourceDir;
    const byFolder = folderBuckets(plan);
    const files = await listLocalFiles(dir, [...byFolder.keys()]);
    inputs = (async function* () {
      for (const [seq, file] of files.entries()) {
        yield {seq, name: file.path, folder: file.folder, ref: {kind: 'local', dir, path: file.path}};
      }
    })();
    allowedFor = input => byFolder.get(input.folder!) ?? new Set();
  } else {
    throw new KpiError('KPI_CONFIG_MISSING', 'Hub mode is not available in this build yet; use --source-dir or --stdin');
  }

  const result = await runPipeline({plan, inputs, allowedFor, concurrency: argv.concurrency, reporter, signal});
  if (argv.stdout) io.stdout(result.rows.length ? combinedCsv(result.rows) : '');
  if (argv.outDir !== undefined) {
    const written = await writeLocalFiles(argv.outDir, outputFiles(result.rows));
    for (const path of written) reporter.verbose(`wrote ${path}`);
  }
  reporter.summary();
  if (result.failed.length) {
    reporter.error(
      `${result.failed.length} input(s) could not be read; nothing written for ${result.incomplete.length} bucket(s) ` +
        `(${result.incomplete.map(b => b.key).join(', ')}): fix access and run the same hours again`,
    );
    return EXIT.input;
  }
  if (argv.strict && reporter.counts.filesSkipped > 0) {
    reporter.error(`--strict: ${reporter.counts.filesSkipped} file(s) were skipped as invalid`);
    return EXIT.input;
  }
  return EXIT.ok;
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
