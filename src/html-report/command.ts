import {rename, writeFile} from 'node:fs/promises';
import yargs from 'yargs';
import {logFormatOf, OPTIONS, parseFlags, type NumberFlag} from '../cli/args.js';
import {DEFAULT_CONCURRENCY} from '../cli/early.js';
import type {CliIo} from '../cli/run.js';
import {EXIT, exitCodeFor, KpiError} from '../errors.js';
import {DEFAULT_RETRIES, hubOptionsWithToken, type RetryInfo} from '../hub/config.js';
import {wholeNumber} from '../options.js';
import {Reporter} from '../reporter.js';
import {KpiFileError, parseKpiFile, type KpiPlace, type KpiRow} from './kpi-files.js';
import {renderHtmlPage} from './html-page.js';
import {readLocalKpis, type KpiSourceOptions} from './local-kpis.js';
import {buildPageModel} from './page-model.js';

/** The flags of `kpi-stream report`: type, default, one sentence each. */
export const REPORT_OPTIONS = {
  'kpi-dir': {type: 'string', group: 'Input:', describe: 'Read the KPI CSVs a run wrote under DIR: hourly/YYYY-MM-DD/HH.csv, daily/YYYY-MM-DD.csv'},
  target: {type: 'string', group: 'Input:', describe: 'Read the same files from this KPI dataset on the Hub instead'},
  from: {type: 'string', group: 'Range:', describe: 'First hour (or day) to show, inclusive, e.g. 2026-04-20T00 [default: the first found]'},
  to: {type: 'string', group: 'Range:', describe: 'End of the range, exclusive, e.g. 2026-04-27T00 [default: after the last found]'},
  html: {type: 'string', group: 'Output:', describe: 'The HTML file to write (one self-contained page)'},
  // The run's own Hub and logging flags, meaning the same here.
  'hub-url': OPTIONS['hub-url'],
  'token-file': OPTIONS['token-file'],
  retries: OPTIONS.retries,
  concurrency: {...OPTIONS.concurrency, group: 'Hub:', describe: 'KPI files downloaded at once'},
  quiet: OPTIONS.quiet,
  verbose: OPTIONS.verbose,
  'log-format': OPTIONS['log-format'],
} as const;

export interface ReportArgs {
  kpiDir?: string;
  target?: string;
  from?: string;
  to?: string;
  html?: string;
  hubUrl?: string;
  tokenFile?: string;
  retries?: NumberFlag;
  concurrency?: NumberFlag;
  quiet?: boolean;
  verbose?: boolean;
  logFormat: 'text' | 'json';
}

export const REPORT_EXAMPLE = 'Example usage: kpi-stream report --kpi-dir out --html out/report.html';

/** Bad flags and combinations, before any I/O; the message names the flag. */
export function checkReportArgs(argv: ReportArgs): {from?: number; to?: number; retries: number; concurrency: number} {
  const fail = (message: string): never => {
    throw new KpiError('KPI_OPTION_INVALID', message);
  };
  if ((argv.kpiDir === undefined) === (argv.target === undefined)) fail('give one input: --kpi-dir DIR or --target OWNER/NAME');
  if (argv.html === undefined || argv.html === '') fail('say where the page goes: --html FILE');
  const retries = wholeNumber('--retries', argv.retries ?? DEFAULT_RETRIES, 0);
  const concurrency = wholeNumber('--concurrency', argv.concurrency ?? DEFAULT_CONCURRENCY, 1);
  const bound = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const seconds = hourSeconds(text);
    return seconds ?? fail(`option \`${flag}\` must be an hour like 2026-04-20T00 or a day like 2026-04-20 (UTC), got ${JSON.stringify(text)}`);
  };
  const range = {from: bound('--from', argv.from), to: bound('--to', argv.to)};
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to) fail(`--from must be before --to, got --from ${argv.from} --to ${argv.to}`);
  return {...range, retries, concurrency};
}

/** `2026-04-20T00` or `2026-04-20` (UTC) as seconds since the epoch. */
function hourSeconds(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0));
  const back = new Date(ms).toISOString();
  return back.startsWith(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}`) ? ms / 1000 : undefined;
}

/** `kpi-stream report ...`: reads the KPI files, writes the page, returns the exit code. Never throws. */
export async function runReport(args: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  let argv: ReportArgs;

  try {
    const parsed = await parseFlags<ReportArgs>(
      yargs(args)
        .scriptName('kpi-stream report')
        .usage('$0 (--kpi-dir DIR | --target OWNER/NAME) --html FILE [--from T] [--to T]\n\nOne self-contained HTML page of charts from the KPI CSVs runs wrote; it opens offline.')
        .options(REPORT_OPTIONS)
        .strictOptions()
        .example('$0 --kpi-dir out --html out/report.html', 'Every KPI file under out/')
        .example('HF_TOKEN=hf_... $0 --target smolagents/ml-intern-kpis --from 2026-04-20T00 --to 2026-04-27T00 --html week.html', 'A week from the KPI dataset on the Hub')
        .help()
        .version(false)
        .exitProcess(false),
      args,
    );
    argv = parsed.argv;
    if (parsed.help) {
      io.stdout(parsed.help + '\n');
      return EXIT.ok;
    }
    if (parsed.error !== undefined) throw new KpiError('KPI_OPTION_INVALID', parsed.error);
  } catch (error) {
    return fail(new Reporter({format: logFormatOf(args), write: io.stderr}), error, false);
  }
  const reporter = new Reporter({format: argv.logFormat, write: io.stderr, verbose: argv.verbose, quiet: argv.quiet});
  try {
    return await report(argv, io, reporter, signal);
  } catch (error) {
    return fail(reporter, error, argv.verbose === true);
  }
}

function fail(reporter: Reporter, error: unknown, stack: boolean): number {
  const fields = error instanceof KpiError ? {code: error.code} : {};
  const example = error instanceof KpiError && error.code === 'KPI_OPTION_INVALID' ? `\n${REPORT_EXAMPLE}` : '';
  reporter.error(`kpi-stream report: ${(error as Error).message}${example}`, fields);
  if (stack && !(error instanceof KpiError) && error instanceof Error && error.stack) reporter.error(error.stack);
  return exitCodeFor(error);
}

async function report(argv: ReportArgs, io: CliIo, reporter: Reporter, signal?: AbortSignal): Promise<number> {
  const {from, to, retries, concurrency} = checkReportArgs(argv);
  const skipped: Array<{path: string; reason: string}> = [];
  const skip = (path: string, reason: string) => {
    skipped.push({path, reason});
    reporter.warn({code: 'kpi_file_skipped', file: path, message: `left out of the report: ${reason}`});
  };
  const inRange = ({kind, time}: KpiPlace) => {
    const end = time + (kind === 'hour' ? 3600 : 86400);
    return (from === undefined || end > from) && (to === undefined || time < to);
  };
  const options: KpiSourceOptions = {inRange, skip};
  let source: string;
  let files;
  if (argv.target !== undefined) {
    const onRetry = (info: RetryInfo) => reporter.info(`retrying ${info.url} (${info.reason ?? `HTTP ${info.status}`}): attempt ${info.attempt}`, {code: 'hub_retry', ...info});
    const hub = {...(await hubOptionsWithToken({hubUrl: argv.hubUrl, tokenFile: argv.tokenFile, retries, signal, onRetry}, io.env)), concurrency};
    const {readHubKpis} = await import('./hub-kpis.js'); // the Hub client loads only when used
    files = await readHubKpis(argv.target, hub, options);
    source = `dataset ${argv.target}`;
  } else {
    files = await readLocalKpis(argv.kpiDir!, options);
    source = argv.kpiDir!;
  }
  const rows: KpiRow[] = [];
  for (const file of files) {
    try {
      rows.push(parseKpiFile(file));
    } catch (error) {
      if (!(error instanceof KpiFileError)) throw error;
      skip(file.path, error.message);
    }
  }
  const requested = argv.from !== undefined || argv.to !== undefined ? `${argv.from ?? 'the start'} to ${argv.to ?? 'the end'}` : undefined;
  const model = buildPageModel(rows, {source, requested, now: io.now(), skipped});
  const html = argv.html!;
  // Written whole, then renamed: an open page is never half written.
  const temp = `${html}.${process.pid}.tmp`;
  await writeFile(temp, renderHtmlPage(model));
  await rename(temp, html);
  const {hour, day} = model.views;
  if (!rows.length) reporter.warn({code: 'kpi_no_data', file: source, message: `no KPI file${requested ? ` in ${requested}` : ''}: the page says there is no data`});
  reporter.info(
    `kpi-stream report: wrote ${html}: ${hour.buckets.length} hour(s), ${day.buckets.length} day(s) from ${rows.length} file(s) ` +
      `(v1 ${model.files.v1}, v2 ${model.files.v2}) in ${source}; ${skipped.length} left out`,
    {code: 'report_written', html, hours: hour.buckets.length, days: day.buckets.length, files: rows.length, skipped: skipped.length},
  );
  return EXIT.ok;
}
