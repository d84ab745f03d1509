/**
 * Benchmark inputs, made with the project's generator (tools/corpus/corpus.ts) and cached under
 * bench/.cache by seed, shape and generator build, so a second run skips the minutes it takes to
 * write half a gigabyte. A cache entry is complete once its `corpus.json` exists.
 */

import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {generateCorpus, writeHugeSession} from '../tools/corpus/corpus.js';

export interface BenchCorpus {
  dir: string;
  days: string[];
  files: number;
  bytes: number;
  /** Seconds spent generating it in this run; 0 when it came from the cache. */
  generatedSeconds: number;
}

export interface CorpusShape {
  seed: number;
  days: number;
  sessionsPerDay: number;
  sizeScale: number;
}

/** Changes whenever the generator's code does, so a cached corpus always matches it. */
function generatorId(): string {
  const source = readFileSync(fileURLToPath(new URL('../tools/corpus/corpus.js', import.meta.url)));
  return createHash('sha256').update(source).digest('hex').slice(0, 8);
}

function cached(cacheDir: string, key: string, make: (dir: string) => void): {dir: string; generatedSeconds: number} {
  const dir = join(cacheDir, key);
  if (existsSync(join(dir, 'corpus.json'))) return {dir, generatedSeconds: 0};
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, {recursive: true, force: true});
  rmSync(dir, {recursive: true, force: true});
  mkdirSync(partial, {recursive: true});
  const began = performance.now();
  make(partial);
  const generatedSeconds = (performance.now() - began) / 1000;
  writeFileSync(join(partial, 'corpus.json'), JSON.stringify({key, generatedSeconds}) + '\n');
  renameSync(partial, dir);
  return {dir, generatedSeconds};
}

/** Day folders with their file count and bytes. */
export function describeCorpus(dir: string): {days: string[]; files: number; bytes: number} {
  const days = readdirSync(join(dir, 'sessions')).sort();
  let files = 0;
  let bytes = 0;
  for (const day of days) {
    for (const name of readdirSync(join(dir, 'sessions', day))) {
      files++;
      bytes += statSync(join(dir, 'sessions', day, name)).size;
    }
  }
  return {days, files, bytes};
}

/** Bytes in the given day folders. */
export function folderBytes(dir: string, days: readonly string[]): {files: number; bytes: number} {
  let files = 0;
  let bytes = 0;
  for (const day of days) {
    const folder = join(dir, 'sessions', day);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      files++;
      bytes += statSync(join(folder, name)).size;
    }
  }
  return {files, bytes};
}

/** The realistic corpus of this shape, generated once per generator build. */
export function realisticCorpus(cacheDir: string, shape: CorpusShape): BenchCorpus {
  const key = `realistic-seed${shape.seed}-${shape.days}x${shape.sessionsPerDay}-scale${shape.sizeScale}-${generatorId()}`;
  const {dir, generatedSeconds} = cached(cacheDir, key, out =>
    generateCorpus(out, {seed: shape.seed, profile: 'realistic', days: shape.days, sessionsPerDay: shape.sessionsPerDay, sizeScale: shape.sizeScale}),
  );
  return {dir, generatedSeconds, ...describeCorpus(dir)};
}

/**
 * A dataset holding one huge session of about `bytes` bytes, written by streaming writes. It
 * starts on 2026-04-20 after 21:37 and runs five hours, past midnight.
 */
export function hugeCorpus(cacheDir: string, bytes: number, seed: number): BenchCorpus {
  const key = `huge-${bytes}-seed${seed}-${generatorId()}`;
  const {dir, generatedSeconds} = cached(cacheDir, key, out => {
    writeHugeSession(join(out, 'sessions', '2026-04-20', `huge-${seed}.jsonl`), bytes, seed);
  });
  return {dir, generatedSeconds, ...describeCorpus(dir)};
}

/** The hours a huge session covers (see hugeCorpus): from its first hour to after its last. */
export const HUGE_HOURS = {from: '2026-04-20T21', to: '2026-04-21T04'};
