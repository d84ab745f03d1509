import type {Readable} from 'node:stream';

/** One row read from standard input, with where it came from for messages. */
export interface StdinRow {
  name: string;
  bytes: Buffer;
}

const NEWLINE = 0x0a;

/**
 * Splits standard input into session rows: one per line, and also rows simply concatenated on one
 * line (`cat` of files the uploader wrote without a trailing newline gives `{...}{...}`). A line
 * keeps its newline so each row reads exactly as the reference reads a file with those bytes.
 */
export async function* stdinRows(input: Readable): AsyncGenerator<StdinRow> {
  let pending: Buffer[] = [];
  let line = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, from)) {
      pending.push(chunk.subarray(from, nl + 1));
      yield* splitLine(Buffer.concat(pending), ++line);
      pending = [];
      from = nl + 1;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
  }
  if (pending.length) yield* splitLine(Buffer.concat(pending), ++line);
}

function* splitLine(bytes: Buffer, line: number): Generator<StdinRow> {
  const cuts = concatenatedValueStarts(bytes);
  if (cuts.length === 0) {
    if (!isBlank(bytes)) yield {name: `stdin:${line}`, bytes};
    return;
  }
  let from = 0;
  for (const [i, cut] of [...cuts, bytes.length].entries()) {
    yield {name: `stdin:${line}#${i + 1}`, bytes: bytes.subarray(from, cut)};
    from = cut;
  }
}

/** A blank line is no row (the oracle would skip it too, silently enough). */
function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  return true;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, OPEN = 0x7b, CLOSE = 0x7d, OPEN_LIST = 0x5b, CLOSE_LIST = 0x5d;

/**
 * Where a second, third... JSON object starts on this line, if the line is objects written one
 * after the other (`{...}{...}`, whitespace allowed between). Empty when the line holds one value,
 * or anything else: then the line is one row, valid or not, as the reference sees it.
 */
function concatenatedValueStarts(bytes: Buffer): number[] {
  const starts: number[] = [];
  let depth = 0;
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN) return starts;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      i = stringEnd(bytes, i + 1);
      if (i < 0) return [];
      continue;
    }
    if (b === OPEN || b === OPEN_LIST) depth++;
    else if (b === CLOSE || b === CLOSE_LIST) {
      depth--;
      if (depth === 0) {
        const next = skipSpace(bytes, i + 1);
        if (bytes[next] !== OPEN) return starts;
        starts.push(next);
        i = next;
        continue;
      }
    }
    i++;
  }
  return starts;
}

/** Index just past the closing quote of a string whose content starts at `start`; -1 if none. */
function stringEnd(bytes: Buffer, start: number): number {
  for (let from = start; ; ) {
    const q = bytes.indexOf(QUOTE, from);
    if (q < 0) return -1;
    let slashes = 0;
    for (let k = q - 1; k >= start && bytes[k] === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

function skipSpace(bytes: Buffer, i: number): number {
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d)) i++;
  return i;
}
