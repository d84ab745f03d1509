import type {PyValue} from '../../py/value.js';
import {PY_JSON_MAX_DEPTH} from '../../py/json-loads.js';
import {OPEN_ARRAY, CLOSE_ARRAY, CLOSE_OBJECT, isJsonSpace, Invalid, TOO_DEEP, parseValue, same} from './json-text.js';
import {ValueScan} from './value-scan.js';

/** What an array text turned out to be. */
type ArrayOutcome = {kind: 'list'} | {kind: 'value'; value: PyValue};

/**
 * A JSON array read element by element, each handed to `onItem` as soon as it is parsed.
 * Standalone, the text is a whole document (a decoded `events` string): space may surround the
 * array, and a document that is not an array is parsed whole (`value`). Embedded, the text is
 * the row's and starts at the `[`; `feed` then returns where the array ended.
 */
export class ArrayStream {
  private state: 'before' | 'items' | 'after' | 'whole' = 'before';
  private first = true;
  private readonly items: ValueScan;
  private whole: ValueScan | undefined;

  constructor(
    private readonly standalone: boolean,
    /** Containers open around the array's elements, the array included. */
    around: number,
    private readonly exact: boolean,
    private readonly onItem: (value: PyValue, chars: number) => void,
    /** Rewrites an element's text before it is parsed (events: see bulk-strings.ts). */
    private readonly rewrite: (text: string) => string = same,
  ) {
    this.items = new ValueScan(PY_JSON_MAX_DEPTH - around);
  }

  /**
   * Reads `text` from `from`. Embedded: returns the index after the closing `]`, or -1 when
   * the text ended first. Throws `Invalid`.
   */
  feed(text: string, from: number): number {
    let i = from;
    const n = text.length;
    while (i < n) {
      switch (this.state) {
        case 'before': {
          while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
          if (i === n) return -1;
          if (text.charCodeAt(i) === OPEN_ARRAY) {
            this.state = 'items';
            i++;
          } else {
            this.state = 'whole';
            this.whole = new ValueScan(PY_JSON_MAX_DEPTH);
          }
          break;
        }
        case 'items': {
          const at = this.items.scan(text, i);
          if (at === TOO_DEEP) throw new Invalid('maximum recursion depth exceeded while decoding a JSON document');
          if (at < 0) return -1;
          const item = this.items.take();
          const c = text.charCodeAt(at);
          if (c === CLOSE_OBJECT) throw new Invalid("Expecting ',' delimiter");
          if (!(c === CLOSE_ARRAY && this.first && isBlank(item))) {
            this.onItem(parseValue(this.rewrite(item), this.exact), item.length);
          }
          this.first = false;
          i = at + 1;
          if (c === CLOSE_ARRAY) {
            if (!this.standalone) return i;
            this.state = 'after';
          }
          break;
        }
        case 'after':
          for (; i < n; i++) if (!isJsonSpace(text.charCodeAt(i))) throw new Invalid('Extra data');
          break;
        case 'whole': {
          const at = this.whole!.scan(text, i);
          if (at === TOO_DEEP) throw new Invalid('maximum recursion depth exceeded while decoding a JSON document');
          if (at >= 0) throw new Invalid('Extra data');
          return -1;
        }
      }
    }
    return -1;
  }

  /** The standalone text ended. Throws `Invalid`. */
  end(): ArrayOutcome {
    switch (this.state) {
      case 'before':
        throw new Invalid('Expecting value');
      case 'items':
        throw new Invalid(this.first && this.items.chars === 0 ? 'Expecting value' : "Expecting ',' delimiter");
      case 'after':
        return {kind: 'list'};
      case 'whole':
        return {kind: 'value', value: parseValue(this.whole!.take(), this.exact)};
    }
  }
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isJsonSpace(text.charCodeAt(i))) return false;
  return true;
}
