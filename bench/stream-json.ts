/**
 * Why kpi-stream does not token-parse rows with stream-json: one large row (the largest session of
 * the corpus up to 16 MB) read three ways, printing `[{tool, seconds, bytes, note}]` on stdout.
 * - JSON.parse of the row, then of its events string (what kpi-stream's fast path does);
 * - stream-json's Parser over the already-decoded events text (tokens only, no values built);
 * - stream-json's Parser over the row itself with string streaming (the events string arrives
 *   in chunks that a second parser would then have to tokenize again).
 *
 *   node dist/bench/stream-json.js DIR
 */

import {readdirSync, readFileSync, statSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import {Readable, Writable, type Duplex} from 'node:stream';
import {pipeline} from 'node:stream/promises';

const require = createRequire(import.meta.url);
const {parser} = require('stream-json') as {parser(options?: Record<string, unknown>): Duplex};

const LIMIT = 16e6;

function largestRow(root: string): string {
  let best = '';
  let size = 0;
  for (const day of readdirSync(join(root, 'sessions'))) {
    for (const name of readdirSync(join(root, 'sessions', day))) {
      const path = join(root, 'sessions', day, name);
      const bytes = statSync(path).size;
      if (bytes > size && bytes <= LIMIT) [best, size] = [path, bytes];
    }
  }
  return best;
}

async function tokens(text: string, options: Record<string, unknown>): Promise<number> {
  let count = 0;
  const chunks = function* () {
    for (let i = 0; i < text.length; i += 65536) yield text.slice(i, i + 65536);
  };
  await pipeline(
    Readable.from(chunks()),
    parser(options),
    new Writable({
      objectMode: true,
      write(_token, _encoding, done) {
        count++;
        done();
      },
    }),
  );
  return count;
}

async function main(): Promise<void> {
  const path = largestRow(process.argv[2]!);
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  const out: Array<{tool: string; seconds: number; bytes: number; note: string}> = [];
  const time = async (tool: string, note: string, run: () => unknown) => {
    const began = performance.now();
    const result = await run();
    out.push({tool, seconds: (performance.now() - began) / 1000, bytes: bytes.length, note: `${note}${result === undefined ? '' : `: ${result}`}`});
  };
  let eventsText = '';
  await time('JSON.parse row + events', 'kpi-stream fast path', () => {
    const row = JSON.parse(text) as {events: string};
    eventsText = row.events;
    return `${(JSON.parse(eventsText) as unknown[]).length} events`;
  });
  await time('stream-json, decoded events text', 'tokens only', async () => `${await tokens(eventsText, {packValues: false, streamValues: false})} tokens`);
  await time('stream-json, row with string streaming', 'the events string still to parse', async () => `${await tokens(text, {packValues: false})} tokens`);
  process.stdout.write(JSON.stringify(out) + '\n');
}

await main();
