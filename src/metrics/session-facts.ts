import {isDict, type PyValue} from '../py/value.js';
import {pyTruthy} from '../py/convert.js';
import {parseTimestamp} from '../time/iso.js';
import {decodeMessages, type MessageFold, type SessionHeader} from '../parse/session-events.js';
import {describe} from './coerce.js';
import type {EventContext, SessionFacts} from './define.js';
import {hashKey} from './keys.js';
import {namedKey, UNKNOWN} from './stats.js';

/** Turns so far: user messages, and messages that are not objects (skipped, and said). */
export interface TurnCount {
  users: number;
  odd: number;
}

/** `sum(1 for m in messages if m.get("role") == "user")`, one message at a time. */
export const TURNS: MessageFold<TurnCount> = {
  init: () => ({users: 0, odd: 0}),
  add: (count, m) => {
    if (!isDict(m)) count.odd++;
    else if (m.role === 'user') count.users++;
    return count;
  },
};

/** Which facts the run's stats read: the others are not computed (nor warned about). */
export interface FactNeeds {
  start: boolean;
  turns: boolean;
  user: boolean;
  model: boolean;
}

/** What the session row tells the stats, once its events are done. */
export function sessionFacts(header: SessionHeader, needs: FactNeeds, ctx: EventContext): SessionFacts {
  const field = (name: string): PyValue => header.fields[name] ?? null;
  return {
    start: needs.start ? parseTimestamp(field('session_start_time')) : null,
    turns: needs.turns ? countTurns(header, ctx) : 0,
    user: needs.user ? userOf(field('user_id'), field('session_id'), ctx) : null,
    model: needs.model ? modelOf(field('model_name'), ctx) : UNKNOWN,
  };
}

/** User messages of the whole session (messages are not windowed). */
function countTurns(header: SessionHeader, ctx: EventContext): number {
  let count: TurnCount;
  if (header.messagesFolded) {
    count = header.messagesFolded.state as TurnCount;
  } else {
    const messages = decodeMessages(header);
    if (!Array.isArray(messages)) {
      if (pyTruthy(messages)) ctx.warn('value_coerced', `messages is ${describe(messages)}, not a list; no turns counted`);
      return 0;
    }
    count = TURNS.init();
    for (const m of messages) TURNS.add(count, m);
  }
  if (count.odd) ctx.warn('value_coerced', `${count.odd} message(s) are not JSON objects; skipped`);
  return count.users;
}

/** `user_id or session_id`, as a set key; an unhashable id is treated as absent. */
function userOf(userId: PyValue, sessionId: PyValue, ctx: EventContext): string | null {
  for (const [field, value] of [['user_id', userId], ['session_id', sessionId]] as const) {
    if (!pyTruthy(value)) continue;
    const key = hashKey(value, ctx.exact);
    if (key !== null) return key;
    ctx.warn('value_coerced', `${field} ${describe(value)} is a list or object; treated as absent`);
  }
  return null;
}

/** `model_name or "unknown"`; a name Python cannot hash counts as "unknown". */
function modelOf(value: PyValue, ctx: EventContext) {
  if (!pyTruthy(value)) return UNKNOWN;
  return namedKey('model_name', value, ctx) ?? UNKNOWN;
}
