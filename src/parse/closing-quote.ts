/*
 * Where a JSON string ends, written once for the three scans that need it: the string cut
 * (bulk-strings.ts, on text), the stdin row boundaries (sources/row-boundaries.ts, on bytes) and the
 * streaming value scan (stream/value-scan.ts, on text that arrives in chunks). A `"` closes the
 * string whose content starts at `from` when the backslashes right before it are even in number:
 * inside a string, backslashes pair up in escapes, so an odd run escapes the quote.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether the run of backslashes that ends just before `end` (going back no further than `from`) is odd. */
export function oddBackslashesBefore(text: string, from: number, end: number): boolean {
  let b = end - 1;
  while (b >= from && text.charCodeAt(b) === BACKSLASH) b--;
  return ((end - 1 - b) & 1) === 1;
}

/** The index of the `"` that closes a string whose content starts at `from` in `text`, or -1. */
export function closingQuote(text: string, from: number): number {
  for (let at = text.indexOf('"', from); at >= 0; at = text.indexOf('"', at + 1)) {
    if (!oddBackslashesBefore(text, from, at)) return at;
  }
  return -1;
}

/** Whether the run of backslash bytes that ends just before `end` (back to `from`) is odd. */
export function oddBackslashBytesBefore(bytes: Uint8Array, from: number, end: number): boolean {
  let b = end - 1;
  while (b >= from && bytes[b] === BACKSLASH) b--;
  return ((end - 1 - b) & 1) === 1;
}

/** The index of the `"` byte that closes a string whose content starts at `from` in `bytes`, or -1. */
export function closingQuoteByte(bytes: Uint8Array, from: number): number {
  for (let at = bytes.indexOf(QUOTE, from); at >= 0; at = bytes.indexOf(QUOTE, at + 1)) {
    if (!oddBackslashBytesBefore(bytes, from, at)) return at;
  }
  return -1;
}
