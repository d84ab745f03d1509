import type {SessionResult} from '../../src/types.js';

/**
 * What every way of reading one session (whole or streamed, this thread or a worker) must agree
 * on: skipped or not, the event count and the contributions, with integers that fit a double as
 * numbers (the exact parser gives bigints, JSON.parse numbers). Warnings are left out: their
 * wording depends on the parser.
 */
export function comparableResult(result: SessionResult) {
  const narrow = (v: unknown) => (typeof v === 'bigint' && v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v);
  return {
    skipped: result.skipped !== undefined,
    events: result.events,
    // Token sums are stat states of their own: the only Python ints a state holds bare.
    contributions: result.contributions.map(c => ({...c, states: c.states.map(narrow)})),
  };
}
