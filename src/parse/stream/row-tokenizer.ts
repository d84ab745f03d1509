import type {PyValue} from '../../py/value.js';
import {pyTruthy} from '../../py/convert.js';
import {isPyWhitespace} from '../../py/unicode.js';
import {PY_JSON_MAX_DEPTH} from '../../py/json-loads.js';
import {shortenUnreadStrings, typeName, type ParseNeeds, type SessionHeader, type SessionPart} from '../session-events.js';
import {QUOTE, COMMA, COLON, OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT, isJsonSpace, Invalid, TOO_DEEP, parseValue, same} from './json-text.js';
import {ValueScan} from './value-scan.js';
import {ArrayStream} from './array-stream.js';
import {StringPieces} from './string-pieces.js';

/** Events per batch at most, as the in-memory path. */
const BATCH_EVENTS = 8192;

/** How the current member's value is being read. */
type Member =
  | {kind: 'string'; key: string; opened: boolean; pieces: StringPieces; inner: ArrayStream | undefined; innerFailed: string | undefined}
  | {kind: 'array'; key: string; array: ArrayStream}
  | {kind: 'value'; key: string; scan: ValueScan};

/** What the header needs of `events` or `messages`. */
interface Field {
  /** The value is a list (in the row, or a string that decoded to one): its items were streamed. */
  list: boolean;
  /** Otherwise the value itself; null when absent. */
  value: PyValue;
  /** Why a string was replaced by `[]`. */
  note: string | undefined;
}

const ABSENT: Field = {list: false, value: null, note: undefined};

/**
 * The outer row, fed the first line's text in pieces. Emits event batches into `out` as they
 * parse; `end` (the line ended) or `fail` adds the final part.
 */
export class RowTokenizer {
  private state: 'lead' | 'open' | 'key' | 'colon' | 'value' | 'member' | 'next' | 'trail' | 'done' = 'lead';
  /** The start of an escape sequence cut by a piece's end, read again with the next piece. */
  private carry = '';
  private key: StringPieces | undefined;
  private keyParts: string[] = [];
  private currentKey = '';
  private member: Member | undefined;
  private members = 0;
  private readonly header = new Map<string, PyValue>();
  private events: Field = ABSENT;
  private messages: Field = ABSENT;
  /** The messages fold's state over the current messages list. */
  private folded: unknown;
  private readonly headerKeys: ReadonlySet<string>;
  private batch: PyValue[] = [];
  private batchChars = 0;
  /** Events of the current `events` value were emitted: a change of mind needs a `reset`. */
  private emitted = false;

  constructor(
    private readonly exact: boolean,
    private readonly needs: ParseNeeds,
    private readonly maxBatchChars: number,
    private readonly out: SessionPart[],
  ) {
    this.headerKeys = new Set(needs.rowFields);
    this.folded = needs.messages?.init();
  }

  get finished(): boolean {
    return this.state === 'done';
  }

  feed(piece: string): void {
    if (this.state === 'done') return;
    const text = this.carry === '' ? piece : this.carry + piece;
    this.carry = '';
    try {
      this.step(text);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      this.fail(`row is not valid JSON: ${error.message}`);
    }
  }

  /** The line ended. */
  end(): void {
    if (this.state === 'done') return;
    if (this.state === 'lead') return this.fail('empty first line');
    if (this.state !== 'trail' || this.carry !== '') return this.fail('row is not valid JSON: the line ends inside the row');
    if (this.members === 0) return this.fail('row is an empty object');
    this.flush();
    const notes: string[] = [];
    if (this.messages.note) notes.push(this.messages.note);
    if (this.events.note) notes.push(this.events.note);
    if (!this.events.list && pyTruthy(this.events.value)) notes.push(`events is ${typeName(this.events.value)}, not a list; treated as []`);
    const fields = Object.create(null) as Record<string, PyValue>;
    for (const [key, value] of this.header) fields[key] = value;
    const header: SessionHeader = this.messages.list
      ? {fields, messages: null, messagesFolded: {state: this.folded}, notes}
      : {fields, messages: this.messages.value, notes};
    this.state = 'done';
    this.out.push({kind: 'end', header});
  }

  /** Python would not read this row: the file is skipped, whatever was emitted. */
  fail(reason: string): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.batch = [];
    this.out.push({kind: 'skip', reason});
  }

  private step(text: string): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case 'lead': {
          // Python strips the line before decoding it.
          while (i < n && isPyWhitespace(text.charCodeAt(i))) i++;
          if (i === n) return;
          if (text.charCodeAt(i) !== OPEN_OBJECT) return this.fail('first line is not a JSON object');
          this.state = 'open';
          i++;
          break;
        }
        case 'open':
        case 'member': {
          while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
          if (i === n) return;
          const c = text.charCodeAt(i);
          if (c === CLOSE_OBJECT && this.state === 'open') {
            this.state = 'trail';
            i++;
            break;
          }
          if (c !== QUOTE) throw new Invalid('Expecting property name enclosed in double quotes');
          this.state = 'key';
          this.keyParts = [];
          this.key = new StringPieces(part => this.keyParts.push(part));
          i++;
          break;
        }
        case 'key': {
          const after = this.key!.feed(text, i);
          if (after < 0) {
            this.carry = text.slice(this.key!.keepFrom);
            return;
          }
          this.currentKey = this.keyParts.length === 1 ? this.keyParts[0] : this.keyParts.join('');
          this.state = 'colon';
          i = after;
          break;
        }
        case 'colon': {
          while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
          if (i === n) return;
          if (text.charCodeAt(i) !== COLON) throw new Invalid("Expecting ':' delimiter");
          this.state = 'value';
          i++;
          break;
        }
        case 'value': {
          if (this.member === undefined) {
            while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
            if (i === n) return;
            this.member = this.startMember(text.charCodeAt(i));
          }
          const after = this.readMember(this.member, text, i);
          if (after < 0) return;
          i = after;
          break;
        }
        case 'next': {
          while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
          if (i === n) return;
          const c = text.charCodeAt(i);
          if (c === COMMA) this.state = 'member';
          else if (c === CLOSE_OBJECT) this.state = 'trail';
          else throw new Invalid("Expecting ',' delimiter");
          i++;
          break;
        }
        case 'trail': {
          // Python strips the line, so any of its whitespace may follow the row.
          for (; i < n; i++) if (!isPyWhitespace(text.charCodeAt(i))) throw new Invalid('Extra data');
          break;
        }
        case 'done':
          return;
      }
    }
  }

  /** At a member value's first character: how to read it. A repeated key replaces the value. */
  private startMember(c: number): Member {
    const key = this.currentKey;
    this.members++;
    if (key === 'events') {
      this.flush();
      if (this.emitted) this.out.push({kind: 'reset'});
      this.emitted = false;
      this.events = ABSENT;
    } else if (key === 'messages') {
      this.folded = this.needs.messages?.init();
      this.messages = ABSENT;
    }
    if (this.headerKeys.has(key)) return {kind: 'value', key, scan: new ValueScan(PY_JSON_MAX_DEPTH - 1)};
    const streamed = key === 'events' || key === 'messages';
    const onItem = key === 'events' ? this.onEvent : key === 'messages' && this.needs.messages ? this.onMessage : ignore;
    const rewrite = key === 'events' && !this.exact ? this.shorten : same;
    if (c === OPEN_ARRAY) return {kind: 'array', key, array: new ArrayStream(false, 2, this.exact, onItem, rewrite)};
    if (c !== QUOTE) return {kind: 'value', key, scan: new ValueScan(PY_JSON_MAX_DEPTH - 1)};
    if (!streamed) return {kind: 'string', key, opened: false, pieces: new StringPieces(undefined), inner: undefined, innerFailed: undefined};
    // Python decodes the string as a JSON document of its own; if that fails the value is [].
    const member: Member & {kind: 'string'} = {kind: 'string', key, opened: false, pieces: undefined!, inner: new ArrayStream(true, 1, this.exact, onItem, rewrite), innerFailed: undefined};
    member.pieces = new StringPieces(decoded => {
      if (member.innerFailed !== undefined) return;
      try {
        member.inner!.feed(decoded, 0);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        this.innerFailed(member, error.message);
      }
    });
    return member;
  }

  /** Reads the member's value from `i`: returns the index after it, or -1 when the text ended first. */
  private readMember(member: Member, text: string, i: number): number {
    switch (member.kind) {
      case 'string': {
        if (!member.opened) {
          member.opened = true;
          i++;
        }
        const after = member.pieces.feed(text, i);
        if (after < 0) {
          this.carry = text.slice(member.pieces.keepFrom);
          return -1;
        }
        if (member.inner && member.innerFailed === undefined) {
          try {
            const outcome = member.inner.end();
            this.setField(member.key, outcome.kind === 'list' ? {list: true, value: null, note: undefined} : {list: false, value: outcome.value, note: undefined});
          } catch (error) {
            if (!(error instanceof Invalid)) throw error;
            this.innerFailed(member, error.message);
          }
        }
        return this.memberDone(after);
      }
      case 'array': {
        const after = member.array.feed(text, i);
        if (after < 0) return -1;
        this.setField(member.key, {list: true, value: null, note: undefined});
        return this.memberDone(after);
      }
      case 'value': {
        const at = member.scan.scan(text, i);
        if (at === TOO_DEEP) throw new Invalid('maximum recursion depth exceeded while decoding a JSON document');
        if (at < 0) return -1;
        const c = text.charCodeAt(at);
        if (c === CLOSE_ARRAY) throw new Invalid("Expecting ',' delimiter");
        const value = parseValue(member.scan.take(), this.exact);
        if (this.headerKeys.has(member.key)) this.header.set(member.key, value);
        else this.setField(member.key, {list: false, value, note: undefined});
        this.member = undefined;
        this.state = c === COMMA ? 'member' : 'trail';
        return at + 1;
      }
    }
  }

  private memberDone(after: number): number {
    this.member = undefined;
    this.state = 'next';
    return after;
  }

  /** The decoded text of an `events` or `messages` string is not valid JSON: Python uses []. */
  private innerFailed(member: Member & {kind: 'string'}, reason: string): void {
    member.innerFailed = reason;
    member.inner = undefined;
    this.setField(member.key, {list: true, value: null, note: `${member.key} string is not valid JSON (${reason}); used []`});
    if (member.key === 'events') {
      this.batch = [];
      this.batchChars = 0;
      if (this.emitted) this.out.push({kind: 'reset'});
      this.emitted = false;
    } else {
      this.folded = this.needs.messages?.init();
    }
  }

  private setField(key: string, field: Field): void {
    if (key === 'events') this.events = field;
    else if (key === 'messages') this.messages = field;
  }

  private readonly onEvent = (value: PyValue, chars: number): void => {
    this.batch.push(value);
    this.batchChars += chars;
    if (this.batch.length >= BATCH_EVENTS || this.batchChars >= this.maxBatchChars) this.flush();
  };

  private readonly onMessage = (value: PyValue): void => {
    this.folded = this.needs.messages!.add(this.folded, value);
  };

  private readonly shorten = (text: string): string => shortenUnreadStrings(text, this.needs.eventKeys);

  private flush(): void {
    if (this.batch.length === 0) return;
    this.out.push({kind: 'events', events: this.batch});
    this.emitted = true;
    this.batch = [];
    this.batchChars = 0;
  }
}

function ignore(): void {}
