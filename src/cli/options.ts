import {availableParallelism} from 'node:os';
import {planBuckets, type BucketPlan} from '../buckets.js';
import {KpiError} from '../errors.js';
import {DEFAULT_RETRIES, hubOptionsWithToken, type HubConnection} from '../hub/config.js';
import {DEFAULT_SCHEMA, SCHEMA_NAMES, type SchemaName} from '../metrics/catalog.js';
import {optionError, wholeNumber} from '../options.js';
import {DEFAULT_TIMEOUT_S, type CliArgs} from './args.js';
import {DEFAULT_CONCURRENCY} from './early.js';

export const DEFAULT_SOURCE = 'smolagents/ml-intern-sessions';
export const DEFAULT_TARGET = 'smolagents/ml-intern-kpis';

/** Where a run reads its sessions. */
export type RunInput = {kind: 'folder'; dir: string} | {kind: 'stdin'} | {kind: 'hub'; repo: string};

/**
 * One run's options, normalized from the flags once (see normalizeOptions) and frozen: every
 * default applied, every value checked, the hours planned, the Hub settings and token resolved.
 * Nothing downstream checks an option again.
 */
export interface RunOptions {
  readonly input: Readonly<RunInput>;
  readonly plan: BucketPlan;
  readonly schema: SchemaName;
  readonly outDir?: string;
  readonly stdout: boolean;
  /** The dataset the CSVs are committed to: given, or the default one for a Hub-to-Hub run. */
  readonly target?: string;
  readonly dryRun: boolean;
  /** The audit trail's file (`--report`). */
  readonly report?: string;
  readonly cacheDir?: string;
  /** Present when the run reads from or commits to the Hub. */
  readonly hub?: HubConnection;
  readonly concurrency: number;
  readonly threads: number;
  readonly strict: boolean;
  readonly log: Readonly<{format: 'text' | 'json'; verbose: boolean; quiet: boolean}>;
}

/** What normalizing reads besides the flags: the environment (token, Hub URL) and the clock (`--hours`). */
export interface OptionsContext {
  env: NodeJS.ProcessEnv;
  now: Date;
}

/** The flags that take a text value, by their CliArgs key: none may be empty (`--out-dir` with no folder). */
const TEXT_FLAGS: ReadonlyArray<readonly [string, keyof CliArgs]> = [
  ['--source-dir', 'sourceDir'], ['--source', 'source'], ['--datetime', 'datetime'], ['--now', 'now'], ['--from', 'from'], ['--to', 'to'],
  ['--daily-backfill', 'dailyBackfill'], ['--out-dir', 'outDir'], ['--target', 'target'], ['--hub-url', 'hubUrl'], ['--token-file', 'tokenFile'],
  ['--report', 'report'], ['--cache-dir', 'cacheDir'],
];

/**
 * The run's options from its flags, checked before any input is read: KPI_OPTION_INVALID naming
 * the flag and the fix for a bad value or combination, KPI_CONFIG_MISSING for a Hub run without a
 * usable token (read here, once: from a run's start it stays the same).
 */
export async function normalizeOptions(flags: CliArgs, {env, now}: OptionsContext): Promise<RunOptions> {
  const fail = (message: string): never => {
    throw new KpiError('KPI_OPTION_INVALID', message);
  };
  for (const extra of flags._ ?? []) {
    if (extra !== '-' || flags._!.length > 1) fail(`unexpected argument ${JSON.stringify(String(extra))}: kpi-stream takes only flags (a folder goes after --source-dir; - alone reads standard input)`);
  }
  for (const [flag, key] of TEXT_FLAGS) {
    if (flags[key] === '' || flags[key] === true) fail(`option \`${flag}\` needs a value`);
  }
  const stdin = flags.stdin === true || flags._?.[0] === '-';
  const inputs = [flags.sourceDir !== undefined && '--source-dir', stdin && '--stdin', flags.source !== undefined && '--source'].filter(Boolean);
  if (inputs.length > 1) fail(`give one input, not ${inputs.join(' and ')}`);
  const hourModes = [
    flags.datetime !== undefined && '--datetime',
    flags.hours !== undefined && '--hours',
    (flags.from !== undefined || flags.to !== undefined) && '--from/--to',
    flags.dailyBackfill !== undefined && '--daily-backfill',
  ].filter(Boolean);
  if (hourModes.length > 1) fail(`give one of --datetime, --hours, --from/--to, --daily-backfill; got ${hourModes.join(' and ')}`);
  if ((flags.from === undefined) !== (flags.to === undefined)) fail('--from and --to go together');
  if (flags.now !== undefined && (flags.datetime !== undefined || flags.from !== undefined || flags.dailyBackfill !== undefined)) {
    fail('--now pins the clock for --hours or the cron path (no hour flag); --datetime, --from/--to and --daily-backfill name their hours themselves');
  }
  if (flags.now !== undefined && stdin && flags.hours === undefined) fail('--now with --stdin needs --hours (--stdin alone takes every hour the rows touch)');
  if (stdin && flags.cacheDir !== undefined) fail('--cache-dir keeps the results of listed files; it needs --source-dir or the Hub, not --stdin');
  if (stdin && flags.dailyBackfill !== undefined) fail('--daily-backfill reads a day folder; it needs --source-dir or the Hub, not --stdin');
  const input: RunInput = flags.sourceDir !== undefined ? {kind: 'folder', dir: flags.sourceDir} : stdin ? {kind: 'stdin'} : {kind: 'hub', repo: flags.source ?? DEFAULT_SOURCE};
  const stdout = flags.stdout === true;
  const dryRun = flags.dryRun === true;
  if (input.kind !== 'hub' && flags.outDir === undefined && !stdout && flags.target === undefined && !dryRun) {
    fail('say where the CSVs go: --out-dir DIR, --stdout, or --target OWNER/NAME for the Hub');
  }
  const schema = flags.schema ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAMES.includes(schema)) throw optionError('--schema', SCHEMA_NAMES.join(' or '), schema);
  const hours = flags.hours === undefined ? undefined : wholeNumber('--hours', flags.hours, 1);
  const plan = planBuckets({...flags, stdin, hours}, now);
  const concurrency = wholeNumber('--concurrency', flags.concurrency ?? DEFAULT_CONCURRENCY, 1);
  const threads = flags.threads === undefined ? availableParallelism() : wholeNumber('--threads', flags.threads, 1);
  const timeoutS = wholeNumber('--timeout', flags.timeout ?? DEFAULT_TIMEOUT_S, 1);
  const retries = wholeNumber('--retries', flags.retries ?? DEFAULT_RETRIES, 0);
  const target = flags.target ?? (input.kind === 'hub' ? DEFAULT_TARGET : undefined);
  // The deadline runs from the real start, whatever clock `now` pins the hours to.
  const hub = input.kind === 'hub' || target !== undefined ? await hubOptionsWithToken({hubUrl: flags.hubUrl, tokenFile: flags.tokenFile, retries, retryUntil: Date.now() + timeoutS * 1000}, env) : undefined;
  return Object.freeze({
    input: Object.freeze(input),
    plan,
    schema,
    ...(flags.outDir !== undefined && {outDir: flags.outDir}),
    stdout,
    ...(target !== undefined && {target}),
    dryRun,
    ...(flags.report !== undefined && {report: flags.report}),
    ...(flags.cacheDir !== undefined && {cacheDir: flags.cacheDir}),
    ...(hub && {hub}),
    concurrency,
    threads,
    strict: flags.strict === true,
    log: Object.freeze({format: flags.logFormat ?? 'text', verbose: flags.verbose === true, quiet: flags.quiet === true}),
  });
}

/** The same run for other hours: what `kpi-stream watch` does each tick with one set of flags. */
export function withPlan(options: RunOptions, plan: BucketPlan): RunOptions {
  return Object.freeze({...options, plan});
}
