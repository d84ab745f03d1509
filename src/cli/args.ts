import {readFileSync} from 'node:fs';
import yargs, {type Argv} from 'yargs';
import {CATALOG} from '../metrics/catalog.js';
import {DEFAULT_CONCURRENCY} from './early.js';

/** Every flag: type, default, one-sentence description. `check` validates combinations. */
export const OPTIONS = {
  'source-dir': {type: 'string', group: 'Input:', describe: 'Read a local folder laid out like the dataset: DIR/sessions/YYYY-MM-DD/*.jsonl'},
  stdin: {type: 'boolean', group: 'Input:', describe: 'Read session rows from standard input: one per line, or concatenated as `cat` writes them'},
  source: {type: 'string', group: 'Input:', describe: 'Hub dataset to read (the default input) [default: smolagents/ml-intern-sessions]'},
  datetime: {type: 'string', group: 'Hours:', describe: 'One hour, e.g. 2026-04-24T14 (UTC unless an offset is given)'},
  hours: {type: 'number', group: 'Hours:', describe: 'The N completed hours before --now [default: 1, the cron path]'},
  now: {type: 'string', group: 'Hours:', describe: 'Pin "now" for --hours (default: the clock, UTC)'},
  from: {type: 'string', group: 'Hours:', describe: 'First hour of a range (inclusive), e.g. 2026-04-20T00'},
  to: {type: 'string', group: 'Hours:', describe: 'End of the range (exclusive), e.g. 2026-04-27T00'},
  'daily-backfill': {type: 'string', group: 'Hours:', describe: 'A whole day folder, unwindowed, into daily/YYYY-MM-DD.csv'},
  'out-dir': {type: 'string', group: 'Output:', describe: 'Write DIR/hourly/YYYY-MM-DD/HH.csv (and DIR/daily/YYYY-MM-DD.csv), atomically'},
  stdout: {type: 'boolean', group: 'Output:', describe: 'Print one CSV: the header once, one line per bucket in time order'},
  target: {type: 'string', group: 'Output:', describe: 'Hub dataset to commit the CSVs to (the default output of a Hub run) [default: smolagents/ml-intern-kpis]'},
  'dry-run': {type: 'boolean', group: 'Output:', describe: 'Compute everything and print what would be committed; upload nothing'},
  'hub-url': {type: 'string', group: 'Hub:', describe: 'Hub endpoint (default: $HF_ENDPOINT or https://huggingface.co)'},
  'token-file': {type: 'string', group: 'Hub:', describe: 'Read the Hub token from this file instead of the environment'},
  retries: {type: 'number', group: 'Hub:', default: 5, describe: 'Retries per Hub request (429 honours Retry-After; 5xx, resets, cut bodies back off)'},
  concurrency: {type: 'number', default: DEFAULT_CONCURRENCY, describe: 'Session files read at once'},
  threads: {type: 'number', describe: 'Worker threads that parse sessions; 1 parses on the main thread [default: the number of cores]'},
  strict: {type: 'boolean', describe: 'Exit 2 when any file is skipped as invalid'},
  quiet: {type: 'boolean', alias: 'q', describe: 'Only errors and the summary'},
  verbose: {type: 'boolean', alias: 'v', describe: 'Per-file lines, every warning, stacks on errors'},
  'log-format': {choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Log lines and the summary as text or one JSON object per line'},
} as const;

export interface CliArgs {
  sourceDir?: string;
  stdin?: boolean;
  source?: string;
  datetime?: string;
  hours?: number;
  now?: string;
  from?: string;
  to?: string;
  dailyBackfill?: string;
  outDir?: string;
  stdout?: boolean;
  target?: string;
  dryRun?: boolean;
  hubUrl?: string;
  tokenFile?: string;
  retries: number;
  concurrency: number;
  threads?: number;
  strict?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  logFormat: 'text' | 'json';
}

export const EXAMPLE = 'Example usage: kpi-stream --source-dir ./data --from 2026-04-20T00 --to 2026-04-27T00 --out-dir ./out';

/** Thrown by `check` for a bad flag combination; the CLI prints it with an example and exits 1. */
export class UsageError extends Error {}

/** Bad combinations, before any I/O. Pure: throws UsageError naming the flag and the fix. */
export function check(argv: CliArgs): true {
  const fail = (message: string): never => {
    throw new UsageError(`${message}\n${EXAMPLE}`);
  };
  const inputs = [argv.sourceDir !== undefined && '--source-dir', argv.stdin && '--stdin', argv.source !== undefined && '--source'].filter(Boolean);
  if (inputs.length > 1) fail(`give one input, not ${inputs.join(' and ')}`);
  const hourModes = [
    argv.datetime !== undefined && '--datetime',
    argv.hours !== undefined && '--hours',
    (argv.from !== undefined || argv.to !== undefined) && '--from/--to',
    argv.dailyBackfill !== undefined && '--daily-backfill',
  ].filter(Boolean);
  if (hourModes.length > 1) fail(`give one of --datetime, --hours, --from/--to, --daily-backfill; got ${hourModes.join(' and ')}`);
  if ((argv.from === undefined) !== (argv.to === undefined)) fail('--from and --to go together');
  if (argv.now !== undefined && argv.hours === undefined) fail('--now only applies to --hours');
  if (argv.hours !== undefined && (!Number.isInteger(argv.hours) || argv.hours < 1)) fail(`--hours must be an integer >= 1, got ${argv.hours}`);
  if (!Number.isInteger(argv.concurrency) || argv.concurrency < 1) fail(`--concurrency must be an integer >= 1, got ${argv.concurrency}`);
  if (argv.threads !== undefined && (!Number.isInteger(argv.threads) || argv.threads < 1)) fail(`--threads must be an integer >= 1, got ${argv.threads}`);
  if (!Number.isInteger(argv.retries) || argv.retries < 0) fail(`--retries must be an integer >= 0, got ${argv.retries}`);
  if (argv.stdin && argv.dailyBackfill !== undefined) fail('--daily-backfill reads a day folder; it needs --source-dir or the Hub, not --stdin');
  const local = argv.sourceDir !== undefined || argv.stdin;
  if (local && argv.outDir === undefined && !argv.stdout && argv.target === undefined && !argv.dryRun) {
    fail('say where the CSVs go: --out-dir DIR, --stdout, or --target OWNER/NAME for the Hub');
  }
  return true;
}

/** The yargs parser: the option table, examples, exit codes and the KPI list in --help. */
export function buildArgv(args: string[]): Argv {
  return yargs(args)
    .scriptName('kpi-stream')
    .usage('$0 [input] [hours] [output]\n\nHourly KPI CSVs from agent session files, byte-identical to the reference script, every hour in one pass.')
    .options(OPTIONS)
    .strictOptions()
    .example('$0 --source-dir fixtures/dataset --from 2026-04-20T00 --to 2026-04-24T00 --out-dir out', 'Backfill four days from a local folder, one read per file')
    .example('cat sessions/2026-04-24/*.jsonl | $0 --stdin --stdout', 'Every hour the piped sessions touch, as one CSV')
    .example('$0 --source-dir data --datetime 2026-04-24T14 --out-dir out', 'One hour (reads folders 2026-04-23 and 2026-04-24)')
    .example('HF_TOKEN=hf_... $0 --hours 1', 'The cron path: the last completed hour, Hub to Hub, one commit')
    .example('HF_TOKEN=hf_... $0 --from 2026-04-20T00 --to 2026-04-27T00', 'A week of hours from the Hub in one pass and one commit')
    .example('$0 report --kpi-dir out --html out/report.html', 'One HTML page of charts from the KPI CSVs (`kpi-stream report --help`)')
    .epilog(
      'Exit codes: 0 success; 1 usage or configuration error; 2 input could not be fetched (nothing written for the affected buckets) ' +
        'or, with --strict, a file was skipped; 3 the upload failed; 130 interrupted.\n\n' +
        'Environment: HF_KPI_WRITE_TOKEN, HF_SESSION_UPLOAD_TOKEN, HF_TOKEN, HF_ADMIN_TOKEN (first set wins), HF_ENDPOINT.\n\n' +
        'KPI columns (after `bucket`):\n' +
        CATALOG.map(m => `  ${m.column}: ${m.description.replace(/`/g, '')}`).join('\n'),
    )
    .wrap(Math.min(110, process.stdout.columns || 100))
    .version(packageVersion())
    .help()
    .exitProcess(false);
}

/** This package's version (`--version`), from the package.json above this module (src/ or dist/src/). */
function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {name?: string; version?: string};
      if (pkg.name === 'kpi-stream' && pkg.version) return pkg.version;
    } catch {
      // not this level
    }
  }
  return 'unknown';
}

