import {isAscii, isUtf8} from 'node:buffer';
import {firstLine, firstLineEnd, PY_TEXT_CHUNK} from '../first-line.js';
import type {ParseNeeds, SessionPart} from '../session-events.js';
import {RowTokenizer} from './row-tokenizer.js';

const RECENT = PY_TEXT_CHUNK + 3;

/**
 * Feeds the first line's text to a `RowTokenizer`, and decides as `firstLine` does whether Python
 * could read that line at all. Everything before the line end must be valid UTF-8; what Python
 * decodes after it (the rest of the 8 KiB chunk holding the line end, one more when a `\r` ends
 * that chunk) is checked by `firstLine` itself on a stand-in: the bytes from the start of the
 * chunk before the line end's, with that earlier chunk replaced by ASCII but for the end of a
 * character that straddles into the line end's chunk, so chunk boundaries and decoder state match.
 */
export class RowReader {
  private readonly out: SessionPart[] = [];
  private readonly row: RowTokenizer;
  private seen = 0;
  private carry: Buffer | undefined;
  /** The chunks holding the last `RECENT` bytes before the current chunk, for the stand-in. */
  private recent: Buffer[] = [];
  private recentBytes = 0;
  private lineEnd = -1;
  private tailParts: Buffer[] = [];
  private tailBase = 0;
  private tailBytes = 0;
  done = false;

  constructor(exact: boolean, needs: ParseNeeds, batchChars: number) {
    this.row = new RowTokenizer(exact, needs, batchChars, this.out);
  }

  /** Parts ready to emit, in order. */
  *take(): Generator<SessionPart> {
    while (this.out.length > 0) yield this.out.shift()!;
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    if (this.lineEnd >= 0) {
      this.tailParts.push(chunk);
      this.tailBytes += chunk.length;
      this.seen += chunk.length;
      this.checkTail(false);
      return;
    }
    const at = firstLineEnd(chunk);
    const text = this.decode(at < 0 ? chunk : chunk.subarray(0, at), at >= 0);
    if (text === undefined) return;
    if (text.length > 0) this.row.feed(text);
    // A row already rejected is skipped whatever follows.
    if (this.row.finished) {
      this.done = true;
      return;
    }
    if (at >= 0) {
      this.lineEnd = this.seen + at;
      this.tailParts = [...this.recent, chunk];
      this.tailBase = this.seen - this.recentBytes;
      this.tailBytes = this.recentBytes + chunk.length;
      this.seen += chunk.length;
      this.checkTail(false);
      return;
    }
    this.recent.push(chunk);
    this.recentBytes += chunk.length;
    while (this.recentBytes - this.recent[0].length >= RECENT) this.recentBytes -= this.recent.shift()!.length;
    this.seen += chunk.length;
  }

  /** The end of the file. */
  finish(): void {
    if (this.done) return;
    if (this.lineEnd >= 0) {
      this.checkTail(true);
      return;
    }
    // No line end: Python decoded the whole file, and an unfinished character at its end raises.
    const text = this.decode(Buffer.alloc(0), true);
    if (text === undefined) return;
    if (text.length > 0) this.row.feed(text);
    this.close({ok: true});
  }

  /** UTF-8 -> text, holding back an unfinished character for the next chunk unless `final`. */
  private decode(bytes: Buffer, final: boolean): string | undefined {
    let all = bytes;
    if (this.carry) {
      all = Buffer.concat([this.carry, bytes]);
      this.carry = undefined;
    }
    const end = final ? all.length : all.length - unfinished(all);
    if (end < all.length) this.carry = Buffer.from(all.subarray(end));
    const whole = all.subarray(0, end);
    if (isAscii(whole)) return whole.toString('latin1');
    if (isUtf8(whole)) return whole.toString('utf8');
    this.close({ok: false, reason: `invalid UTF-8 (in bytes ${this.seen}-${this.seen + bytes.length - 1}, in the first line)`});
    return undefined;
  }

  /** Once Python's decoded bytes past the line end are here (or the file ended), decides. */
  private checkTail(eof: boolean): void {
    const chunkStart = this.lineEnd - (this.lineEnd % PY_TEXT_CHUNK);
    if (!eof && this.tailBase + this.tailBytes < chunkStart + 2 * PY_TEXT_CHUNK) return;
    const all = Buffer.concat(this.tailParts);
    const at = (global: number) => all[global - this.tailBase];
    // The line before the line end is valid UTF-8 (decoded above), so a continuation byte at the
    // chunk start belongs to a character that began at most three bytes earlier.
    let straddle = 0;
    while (straddle < 3 && chunkStart - straddle > 0 && (at(chunkStart - straddle) & 0xc0) === 0x80) straddle++;
    const from = chunkStart - straddle - this.tailBase;
    const to = Math.min(all.length, chunkStart + 2 * PY_TEXT_CHUNK - this.tailBase);
    const standIn = Buffer.concat([Buffer.alloc(PY_TEXT_CHUNK - straddle, 0x61), all.subarray(from, to)]);
    const line = firstLine(standIn);
    this.close(line.ok ? {ok: true} : {ok: false, reason: line.reason});
  }

  private close(verdict: {ok: true} | {ok: false; reason: string}): void {
    this.done = true;
    this.tailParts = [];
    if (verdict.ok) this.row.end();
    else this.row.fail(verdict.reason);
  }
}

/** Bytes at the end of `buf` that start a character it does not finish (0-3). */
function unfinished(buf: Buffer): number {
  for (let n = 1; n <= 3 && n <= buf.length; n++) {
    const b = buf[buf.length - n];
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc0) return 0;
    const needs = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return n < needs ? n : 0;
  }
  return 0;
}
