import {readFileSync} from 'node:fs';
import yargs, {type Argv} from 'yargs';
import {DEFAULT_SCHEMA, SCHEMA_NAMES, schemaColumns, type SchemaName} from '../metrics/catalog.js';
import {DEFAULT_CONCURRENCY} from './early.js';
import {DEFAULT_RETRIES} from '../hub/config.js';

/** `--timeout` unless given: 50 minutes, so a run started at :05 stops retrying before the next one starts. */
export const DEFAULT_TIMEOUT_S = 3000;

/** The log format the arguments ask for, before (or without) parsing them: for errors in parsing. */
export function logFormatOf(args: readonly string[]): 'text' | 'json' {
  return args.some((a, i) => a === '--log-format=json' || (a === '--log-format' && args[i + 1] === 'json')) ? 'json' : 'text';
}

/**
 * Runs a yargs parser for a command. yargs reports unknown flags and bad values through the
 * callback and would go on with the defaults: they come back as `error` (on one line). `help` is
 * the text --help asked for, which the caller prints instead of running.
 */
export async function parseFlags<T>(parser: Argv, args: string[]): Promise<{argv: T; help: string; error?: string}> {
  let failure: Error | undefined;
  let help = '';
  const argv = (await parser.parseAsync(args, {}, (err, _argv, output) => {
    if (err) failure = err;
    else if (output) help = output;
  })) as unknown as T;
  return {argv, help, error: failure && (failure as Error).message.replace(/\s+/g, ' ').trim()};
}

/**
 * Every flag: type, default, one-sentence description. Number flags have no yargs type, which
 * would turn `abc` into NaN: normalizeOptions (options.ts) checks them with their own messages.
 */
export const OPTIONS = {
  'source-dir': {type: 'string', group: 'Input:', describe: 'Read a local folder laid out like the dataset: DIR/sessions/YYYY-MM-DD/*.jsonl'},
  stdin: {type: 'boolean', group: 'Input:', describe: 'Read session rows from standard input: one per line, or concatenated as `cat` writes them'},
  source: {type: 'string', group: 'Input:', describe: 'Hub dataset to read (the default input) [default: smolagents/ml-intern-sessions]'},
  datetime: {type: 'string', group: 'Hours:', describe: 'One hour, e.g. 2026-04-24T14 (UTC unless an offset is given)'},
  hours: {group: 'Hours:', describe: 'The N completed hours before --now [default: 1, the cron path]'},
  now: {type: 'string', group: 'Hours:', describe: 'Pin "now" for --hours or the cron path, e.g. 2026-04-24T15 (default: the clock, UTC)'},
  from: {type: 'string', group: 'Hours:', describe: 'First hour of a range (inclusive), e.g. 2026-04-20T00'},
  to: {type: 'string', group: 'Hours:', describe: 'End of the range (exclusive), e.g. 2026-04-27T00'},
  'daily-backfill': {type: 'string', group: 'Hours:', describe: 'A whole day folder, unwindowed, into daily/YYYY-MM-DD.csv'},
  'out-dir': {type: 'string', group: 'Output:', describe: 'Write DIR/hourly/YYYY-MM-DD/HH.csv (and DIR/daily/YYYY-MM-DD.csv), atomically'},
  stdout: {type: 'boolean', group: 'Output:', describe: 'Print one CSV: the header once, one line per bucket in time order'},
  target: {type: 'string', group: 'Output:', describe: 'Hub dataset to commit the CSVs to (the default output of a Hub run) [default: smolagents/ml-intern-kpis]'},
  'cache-dir': {type: 'string', group: 'Output:', describe: 'Keep each session file\'s result in DIR: later runs read and download only new or changed files'},
  report: {type: 'string', group: 'Output:', describe: 'Write the audit trail to FILE: one JSON line per input (read, skipped, ruled out, failed) and per bucket (written, committed, unchanged)'},
  'dry-run': {type: 'boolean', group: 'Output:', describe: 'Compute everything and print what would be committed; upload nothing'},
  schema: {choices: SCHEMA_NAMES, default: DEFAULT_SCHEMA, group: 'Output:', describe: "KPI columns: v1, the reference's 23; v2, the later upstream script's 49 (listed below)"},
  'hub-url': {type: 'string', group: 'Hub:', describe: 'Hub endpoint (default: $HF_ENDPOINT or https://huggingface.co)'},
  'token-file': {type: 'string', group: 'Hub:', describe: 'Read the Hub token from this file instead of the environment'},
  retries: {group: 'Hub:', default: DEFAULT_RETRIES, describe: 'Retries per Hub request (429 honours Retry-After; 5xx, resets, cut bodies back off)'},
  timeout: {group: 'Hub:', default: DEFAULT_TIMEOUT_S, describe: 'Seconds after the start past which no Hub request is retried (a 429 can ask for minutes): an hourly job never runs into the next'},
  concurrency: {default: DEFAULT_CONCURRENCY, describe: 'Session files read at once'},
  threads: {describe: 'Worker threads that parse sessions; 1 parses on the main thread [default: the number of cores]'},
  strict: {type: 'boolean', describe: 'Parse every file and exit 2 when any is skipped as invalid (the CSVs are still written, without it)'},
  quiet: {type: 'boolean', alias: 'q', describe: 'Only errors and the summary'},
  verbose: {type: 'boolean', alias: 'v', describe: 'Per-file lines, every warning, stacks on errors'},
  'log-format': {choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Log lines and the summary as text or one JSON object per line'},
} as const;

/** The flags as yargs gives them, unchecked: normalizeOptions (options.ts) makes the run's options of them. */
export interface CliArgs {
  /** Positional arguments: none is accepted but `-` (standard input). */
  _?: Array<string | number>;
  sourceDir?: string;
  stdin?: boolean;
  source?: string;
  datetime?: string;
  /** Number flags: a number, the text given (`abc`), or `true`/'' when given without a value. */
  hours?: NumberFlag;
  now?: string;
  from?: string;
  to?: string;
  dailyBackfill?: string;
  outDir?: string;
  stdout?: boolean;
  target?: string;
  cacheDir?: string;
  dryRun?: boolean;
  schema?: SchemaName;
  report?: string;
  hubUrl?: string;
  tokenFile?: string;
  retries?: NumberFlag;
  /** Seconds; see OPTIONS.timeout. */
  timeout?: NumberFlag;
  concurrency?: NumberFlag;
  threads?: NumberFlag;
  strict?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  logFormat?: 'text' | 'json';
}

export type NumberFlag = number | string | boolean;

export const EXAMPLE = 'Example usage: kpi-stream --source-dir ./data --from 2026-04-20T00 --to 2026-04-27T00 --out-dir ./out';

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
    .example('$0 watch --help', 'The resident scheduler: every hour at :05 UTC, with a cache, health and metrics')
    .example('$0 report --kpi-dir out --html out/report.html', 'One HTML page of charts from the KPI CSVs (`kpi-stream report --help`)')
    .epilog(
      'Exit codes: 0 success; 1 usage or configuration (also a token the Hub refuses); 2 an input could not be read (nothing written) ' +
        'or, with --strict, a file was skipped; 3 the upload failed; 4 a local write failed; 5 another run holds the lock; ' +
        '130 SIGINT; 143 SIGTERM.\n\n' +
        'Environment: HF_KPI_WRITE_TOKEN, HF_SESSION_UPLOAD_TOKEN, HF_TOKEN, HF_ADMIN_TOKEN (first set wins), then the file of ' +
        '`hf auth login` (HF_TOKEN_PATH, default ~/.cache/huggingface/token); HF_ENDPOINT.\n\n' +
        kpiHelp(),
    )
    .wrap(Math.min(110, process.stdout.columns || 100))
    .version(packageVersion())
    .alias('V', 'version')
    .help()
    .alias('h', 'help')
    .exitProcess(false);
}

/** The KPI columns of each schema, for --help: v1 in full, then what v2 adds and drops. */
export function kpiHelp(): string {
  const line = (c: {column: string; description: string}) => `  ${c.column}: ${c.description.replace(/`/g, '')}`;
  const v1 = schemaColumns('v1');
  const v2 = schemaColumns('v2');
  const inV1 = new Set(v1.map(c => c.column));
  const inV2 = new Set(v2.map(c => c.column));
  return [
    `KPI columns of --schema v1 (the default; after \`bucket\`):`,
    ...v1.map(line),
    '',
    `--schema v2: ${v2.length} columns, in the upstream script's order (${v2.map(c => c.column).join(', ')}). Besides v1's, without ${[...inV1].filter(c => !inV2.has(c)).join(', ')}:`,
    ...v2.filter(c => !inV1.has(c.column)).map(line),
  ].join('\n');
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

