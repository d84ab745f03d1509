import {escapeCut} from '../escape-cut.js';
import {LOWER_U, indexOrEnd, Invalid} from './json-text.js';

/**
 * The inside of a JSON string in the row, unescaped piece by piece: each piece is cut where no
 * escape sequence is split and decoded by `JSON.parse` as a string literal, which checks escapes
 * and control characters as Python's json does. Lone and paired `\uXXXX` surrogates decode to
 * the same UTF-16 code units wherever the cut falls.
 */
export class StringPieces {
  /** Where the undecoded rest of the text starts when `feed` returned -1. */
  keepFrom = -1;

  constructor(private readonly onPiece: ((decoded: string) => void) | undefined) {}

  /** Returns the index after the closing quote, or -1 (see `keepFrom`). Throws `Invalid`. */
  feed(text: string, from: number): number {
    const n = text.length;
    if (n - from >= OPTIMISTIC) {
      // Most of a long string is neither its end nor invalid: decode the whole piece at once, and
      // look for the closing quote only where that fails.
      const cut = escapeCut(text, from, n);
      const decoded = decodePiece(text, from, cut);
      if (decoded !== undefined) {
        this.onPiece?.(decoded);
        this.keepFrom = cut;
        return -1;
      }
    }
    let i = from;
    let nextQuote = -1;
    let nextBackslash = -1;
    for (;;) {
      if (nextQuote < i) nextQuote = indexOrEnd(text, '"', i);
      if (nextBackslash < i) nextBackslash = indexOrEnd(text, '\\', i);
      if (nextBackslash < nextQuote) {
        const b = nextBackslash;
        const size = text.charCodeAt(b + 1) === LOWER_U ? 6 : 2;
        if (b + size > n) {
          this.piece(text, from, b);
          this.keepFrom = b;
          return -1;
        }
        i = b + 2;
        continue;
      }
      if (nextQuote === n) {
        this.piece(text, from, n);
        this.keepFrom = n;
        return -1;
      }
      this.piece(text, from, nextQuote);
      return nextQuote + 1;
    }
  }

  private piece(text: string, from: number, to: number): void {
    if (to <= from) return;
    const decoded = decodePiece(text, from, to);
    if (decoded === undefined) throw new Invalid('Invalid control character or \\escape in a string');
    this.onPiece?.(decoded);
  }
}

/** Pieces at least this long are decoded before their closing quote is looked for. */
const OPTIMISTIC = 4096;

/** `text[from, to)` as the inside of a JSON string literal, decoded; undefined if it is not one. */
function decodePiece(text: string, from: number, to: number): string | undefined {
  try {
    return JSON.parse('"' + text.slice(from, to) + '"') as string;
  } catch {
    return undefined;
  }
}
