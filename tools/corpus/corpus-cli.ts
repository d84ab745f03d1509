/**
 * Writes a generated session dataset to disk.
 *
 *   node dist/tools/corpus/corpus-cli.js --seed 7 --out /tmp/data [--profile realistic|nasty]
 *     [--days 4 --sessions-per-day 8 --start 2026-04-20 --size-scale 1] [--huge-bytes 1e9]
 *
 * `--huge-bytes N` adds one streamed session of about N bytes (it starts on --start at 21:37).
 * A summary goes to stderr.
 */

import {existsSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {parseArgs} from 'node:util';
import {generateCorpus, writeHugeSession, type Profile} from './corpus.js';

const USAGE = 'usage: corpus-cli --seed N --out DIR [--profile realistic|nasty] [--days N] [--sessions-per-day N] [--start YYYY-MM-DD] [--size-scale X] [--huge-bytes N]';

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new Error(`option --${name} must be a number, got "${value}"\n${USAGE}`);
  return n;
}

function main(argv: string[]): void {
  const {values} = parseArgs({
    args: argv,
    options: {
      seed: {type: 'string'},
      out: {type: 'string'},
      profile: {type: 'string', default: 'realistic'},
      days: {type: 'string'},
      'sessions-per-day': {type: 'string'},
      start: {type: 'string'},
      'size-scale': {type: 'string'},
      'huge-bytes': {type: 'string'},
    },
    strict: true,
  });
  const seed = number('seed', values.seed);
  if (seed === undefined || values.out === undefined) throw new Error(`--seed and --out are required\n${USAGE}`);
  if (existsSync(values.out) && readdirSync(values.out).length > 0) throw new Error(`--out ${values.out} must be empty or absent`);
  const began = performance.now();
  const info = generateCorpus(values.out, {
    seed,
    profile: values.profile as Profile,
    days: number('days', values.days),
    sessionsPerDay: number('sessions-per-day', values['sessions-per-day']),
    start: values.start,
    sizeScale: number('size-scale', values['size-scale']),
  });
  let bytes = info.bytes;
  let files = info.files.length;
  const hugeBytes = number('huge-bytes', values['huge-bytes']);
  if (hugeBytes !== undefined) {
    const day = info.options.start;
    const huge = writeHugeSession(join(values.out, 'sessions', day, `huge-${seed}.jsonl`), hugeBytes, seed);
    bytes += huge.bytes;
    files++;
  }
  const seconds = (performance.now() - began) / 1000;
  process.stderr.write(
    `corpus: ${files} files, ${(bytes / 1e6).toFixed(1)} MB, ${info.options.profile} seed ${seed}, ` +
      `days ${info.days[0]}..${info.days[info.days.length - 1]}, ${seconds.toFixed(1)} s\n`,
  );
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`corpus-cli: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
