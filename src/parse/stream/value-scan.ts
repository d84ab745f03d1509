import {oddBackslashesBefore} from '../closing-quote.js';
import {QUOTE, COMMA, OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT, isJsonSpace, TOO_DEEP} from './json-text.js';

/** Whitespace runs longer than this, outside strings, are kept as one space (ValueScan). */
const SPACE_RUN = 64;

/**
 * Scans one JSON value that may arrive in several pieces, up to the `,`, `]` or `}` at its own
 * level that ends it, keeping its text. It does not validate: the text is parsed afterwards, and
 * for valid JSON these delimiters and the nesting it counts are exactly the parser's. `room` is
 * how many containers the value may open (Python's limit minus those around it).
 */
export class ValueScan {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  chars = 0;

  constructor(private readonly room: number) {}

  /** The index of the delimiter, -1 if `text` ended first, or `TOO_DEEP`. */
  scan(text: string, from: number): number {
    const n = text.length;
    let {depth, inString, escaped} = this;
    let i = from;
    /** Where the text still to keep starts. */
    let segment = from;
    let found = -1;
    while (i < n) {
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        // `i` is not inside an escape: a quote ends the string when the backslashes between `i`
        // and it are even in number.
        const quote = text.indexOf('"', i);
        const odd = oddBackslashesBefore(text, i, quote < 0 ? n : quote);
        if (quote < 0) {
          escaped = odd;
          i = n;
          break;
        }
        if (!odd) inString = false;
        i = quote + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        inString = true;
      } else if (c <= 0x20 && isJsonSpace(c) && isJsonSpace(text.charCodeAt(i + 1))) {
        // A long run of whitespace keeps one space: the value's text stays bounded (a row may pad
        // a value with 200 MB of spaces), and one space still separates what it separated.
        let end = i + 2;
        while (end < n && isJsonSpace(text.charCodeAt(end))) end++;
        if (end - i > SPACE_RUN) {
          this.keep(text.slice(segment, i + 1));
          segment = end;
        }
        i = end;
        continue;
      } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
        if (++depth > this.room) {
          found = TOO_DEEP;
          break;
        }
      } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
        if (depth === 0) {
          found = i;
          break;
        }
        depth--;
      } else if (c === COMMA && depth === 0) {
        found = i;
        break;
      }
      i++;
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    if (found === TOO_DEEP) return TOO_DEEP;
    const end = found < 0 ? n : found;
    if (end > segment) this.keep(segment === 0 && end === n ? text : text.slice(segment, end));
    return found;
  }

  private keep(part: string): void {
    this.parts.push(part);
    this.chars += part.length;
  }

  /** The value's text so far; the scanner starts over. */
  take(): string {
    const text = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    this.chars = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    return text;
  }
}
