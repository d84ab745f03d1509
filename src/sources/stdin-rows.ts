import type {Readable} from 'node:stream';
import {rowCuts} from './row-boundaries.js';

/** One row read from standard input, with where it came from for messages. */
export interface StdinRow {
  name: string;
  bytes: Buffer;
}

const NEWLINE = 0x0a;

/**
 * Splits standard input into session rows: one per line, and also rows simply concatenated on one
 * line (`cat` of files the uploader wrote without a trailing newline gives `{...}{...}`); a bad
 * row costs only itself (see rowCuts). A line keeps its newline so each row reads exactly as the
 * reference reads a file with those bytes. Rows are named by their number and the byte offset
 * where they start in the stream, so a warning points at them.
 */
export async function* stdinRows(input: Readable): AsyncGenerator<StdinRow> {
  let pending: Buffer[] = [];
  let offset = 0; // of the pending line's first byte in the stream
  let row = 0;
  const rowsOf = function* (line: Buffer): Generator<StdinRow> {
    if (isBlank(line)) return;
    let from = 0;
    for (const cut of [...rowCuts(line), line.length]) {
      yield {name: `stdin row ${++row} (byte ${offset + from})`, bytes: line.subarray(from, cut)};
      from = cut;
    }
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, from)) {
      pending.push(chunk.subarray(from, nl + 1));
      const line = Buffer.concat(pending);
      yield* rowsOf(line);
      offset += line.length;
      pending = [];
      from = nl + 1;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
  }
  if (pending.length) yield* rowsOf(Buffer.concat(pending));
}

/** A blank line is no row (the oracle would skip it too, silently enough). */
function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  return true;
}
