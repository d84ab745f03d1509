/**
 * The parse bound: the least work any reader of these files does. Reads every session file of the
 * given day folders and `JSON.parse`s the row, then its `events` and `messages` strings; computes
 * nothing. One core, no streams, no checks. Prints `{"files": N, "bytes": N}` on stdout.
 *
 *   node dist/bench/parse-bound.js DIR 2026-04-24 2026-04-25 ...
 */

import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';

const [root, ...days] = process.argv.slice(2);
if (!root || days.length === 0) throw new Error('usage: parse-bound DIR DAY...');
let files = 0;
let bytes = 0;
let sink = 0;
for (const day of days) {
  const dir = join(root, 'sessions', day);
  let names: string[];
  try {
    names = readdirSync(dir).filter(n => n.endsWith('.jsonl')).sort();
  } catch {
    continue;
  }
  for (const name of names) {
    const buffer = readFileSync(join(dir, name));
    const row = JSON.parse(buffer.toString('utf8')) as Record<string, unknown>;
    for (const key of ['events', 'messages']) {
      const value = row[key];
      if (typeof value === 'string') sink += (JSON.parse(value) as unknown[]).length;
    }
    files++;
    bytes += buffer.length;
  }
}
process.stdout.write(JSON.stringify({files, bytes, sink}) + '\n');
