/**
 * The text the reference gets from a session file: `open(path, 'r').readline().strip()` with a
 * UTF-8 locale, i.e. a strict UTF-8 `TextIOWrapper` with universal newlines.
 *
 * Which bytes Python decodes is not just "the first line". CPython's `readline` pulls the file
 * through its decoder 8192 bytes at a time (`TextIOWrapper._CHUNK_SIZE`, one raw `read` each)
 * and decodes every chunk whole before it looks for the line end, so invalid UTF-8 anywhere in
 * the chunks read so far raises, even after the line end. It reads one more chunk when:
 * - no `\r` or `\n` has been decoded yet;
 * - the first line end is a `\r` that is the last character decoded so far: the newline decoder
 *   holds it back to see whether a `\n` follows (a `\r` in the chunk's last byte, or followed only
 *   by an unfinished character);
 * - at the end of the file that read returns nothing, and an unfinished character still held
 *   raises ("unexpected end of data"); an unfinished character after a line end found earlier is
 *   never looked at.
 * "Unfinished" is CPython's incremental decoder's notion (see `heldBack`).
 */

import {isUtf8} from 'node:buffer';
import {pyStrip} from '../py/convert.js';

/** Bytes per `read` of CPython's `TextIOWrapper` (its `_CHUNK_SIZE`). */
export const PY_TEXT_CHUNK = 8192;

/** What `readline().strip()` returns, or why Python raised instead. */
export type FirstLine = {ok: true; text: string} | {ok: false; reason: string};

const LF = 0x0a;
const CR = 0x0d;

const decoder = new TextDecoder('utf-8', {ignoreBOM: true});

/** Index of the first `\r` or `\n` in `bytes`, or -1: where the reference's first line ends. */
export function firstLineEnd(bytes: Uint8Array): number {
  const lf = bytes.indexOf(LF);
  const cr = bytes.indexOf(CR);
  if (lf < 0) return cr;
  if (cr < 0) return lf;
  return Math.min(lf, cr);
}

/**
 * `open(path, 'r').readline().strip()` for a file holding `bytes`, or the reason Python raised
 * (invalid UTF-8 in the chunks it decoded). An empty `text` is ok; the reference then skips the
 * file.
 */
export function firstLine(bytes: Uint8Array): FirstLine {
  const length = bytes.length;
  let pos = 0; // bytes read so far
  let held = 0; // unfinished character at the end of what was read, kept for the next chunk
  let pendingCr = -1; // a `\r` that was the last character decoded, or -1
  for (;;) {
    const read = Math.min(PY_TEXT_CHUNK, length - pos);
    if (read === 0) {
      if (held > 0) return invalid(`incomplete UTF-8 sequence at end of file (byte ${pos - held})`);
      const end = pendingCr >= 0 ? pendingCr : length;
      return {ok: true, text: pyStrip(decoder.decode(bytes.subarray(0, end)))};
    }
    const start = pos - held;
    pos += read;
    held = heldBack(bytes, start, pos);
    const decoded = pos - held;
    if (!isUtf8(bytes.subarray(start, decoded))) {
      return invalid(`invalid UTF-8 (in bytes ${start}-${decoded - 1}, decoded with the first line)`);
    }
    if (decoded === start) continue;
    let end = pendingCr;
    if (end < 0) {
      end = lineEndIn(bytes, start, decoded);
      if (end < 0) continue;
      if (bytes[end] === CR && end === decoded - 1) {
        pendingCr = end;
        continue;
      }
    }
    return {ok: true, text: pyStrip(decoder.decode(bytes.subarray(0, end)))};
  }
}

function invalid(reason: string): FirstLine {
  return {ok: false, reason};
}

function lineEndIn(bytes: Uint8Array, start: number, end: number): number {
  const found = firstLineEnd(bytes.subarray(start, end));
  return found < 0 ? -1 : start + found;
}

/**
 * How many bytes at the end of `bytes[start, end)` CPython's incremental UTF-8 decoder keeps for
 * the next chunk: a lead byte C2-F4 followed by fewer continuation bytes than it needs, when the
 * bytes so far could still start a valid character. CPython checks the second byte's range (E0 needs
 * A0-BF, F0 90-BF, F4 80-8F) but lets ED A0-BF wait, although a surrogate follows.
 * Anything else is left for validation to accept or reject.
 */
function heldBack(bytes: Uint8Array, start: number, end: number): number {
  for (let n = 1; n <= 3 && end - n >= start; n++) {
    const lead = bytes[end - n];
    if (lead >= 0x80 && lead < 0xc0) continue; // continuation byte: look further back
    if (lead < 0xc2 || lead > 0xf4) return 0;
    const needs = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    if (n >= needs) return 0;
    if (n >= 2) {
      const second = bytes[end - n + 1];
      if (lead === 0xe0 && second < 0xa0) return 0;
      if (lead === 0xf0 && second < 0x90) return 0;
      if (lead === 0xf4 && second > 0x8f) return 0;
    }
    return n;
  }
  return 0;
}
