import {Writable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {describe, expect, it} from 'vitest';
import {compiled, stateOf} from '../../src/metrics/schema.js';
import * as stats from '../../src/metrics/stats.js';
import type {SessionHeader} from '../../src/parse/session-events.js';
import type {PyValue} from '../../src/py/value.js';
import {fromArray} from '../../src/stream.js';
import {parseTimestamp} from '../../src/time/iso.js';
import {metricsStage, sessionMetrics, type SessionMetricsOptions, type SessionOutcome} from '../../src/transforms/session-metrics.js';
import type {WindowedEvent, WindowedPart} from '../../src/transforms/time-window.js';
import type {SessionContribution} from '../../src/types.js';
import {pyDict} from '../support/py-dict.js';

const schema = compiled('v1');

/** An event of `type` at `time` (ISO), placed in `bucket`. */
const at = (bucket: number, type: string, time: string, data: Record<string, PyValue> = {}): WindowedEvent => ({
  bucket,
  event: pyDict({event_type: type, timestamp: time, data: pyDict(data)}),
  time: parseTimestamp(time),
});
const events = (...list: WindowedEvent[]): WindowedPart => ({kind: 'events', events: list});
const end = (header: Partial<SessionHeader> = {}): WindowedPart => ({
  kind: 'end',
  header: {
    fields: pyDict({user_id: 'u1', session_start_time: '2026-04-24T14:00:00'}),
    messages: [pyDict({role: 'user'}), pyDict({role: 'assistant'}), pyDict({role: 'user'})],
    notes: [],
    ...header,
  },
});

/** The stage over `parts`, as readSession calls it for a session in memory: outcomes and warnings. */
function run(parts: WindowedPart[], options: Partial<SessionMetricsOptions> = {}) {
  const warnings: string[] = [];
  const stage = metricsStage({schema, exact: true, warn: (code, message) => void warnings.push(`${code}: ${message}`), ...options});
  const outcomes = parts.map(part => stage.step(part));
  return {outcomes, last: outcomes.at(-1) as SessionOutcome, warnings};
}

const contributed = (outcome: SessionOutcome): SessionContribution[] => {
  if (outcome.skipped !== undefined) throw new Error(`skipped: ${outcome.skipped}`);
  return outcome.contributions;
};

describe('metricsStage', () => {
  const session = [
    events(at(2, 'llm_call', '2026-04-24T16:10:00', {prompt_tokens: 5n}), at(0, 'tool_output', '2026-04-24T14:00:30', {success: true})),
    events(at(2, 'llm_call', '2026-04-24T16:20:00', {prompt_tokens: 7n}), at(0, 'tool_output', '2026-04-24T14:40:00', {success: false})),
    end(),
  ];

  it('emits nothing until the row ends, then one outcome', () => {
    const {outcomes} = run(session);
    expect(outcomes.slice(0, -1)).toEqual([undefined, undefined]);
    expect(outcomes.at(-1)).toBeDefined();
  });

  it('gives one contribution per bucket the events reach, in bucket order, each of the session\'s events in its bucket', () => {
    const [early, late] = contributed(run(session).last);
    expect([early!.bucket, late!.bucket]).toEqual([0, 2]);
    expect(stateOf(schema, late!, stats.tokensPrompt)).toBe(12);
    expect(stateOf(schema, early!, stats.tokensPrompt)).toBe(0);
    expect(stateOf(schema, early!, stats.toolOutputs)).toEqual({total: 2, ok: 1});
    expect(stateOf(schema, late!, stats.toolOutputs)).toEqual({total: 0, ok: 0});
  });

  it('counts the session once in each bucket, with what its row says: user, turns, time to first action', () => {
    const [early, late] = contributed(run(session).last);
    for (const share of [early!, late!]) {
      expect(stateOf(schema, share, stats.sessions)).toBe(1);
      expect(stateOf(schema, share, stats.users)).toBe('su1');
      // Messages are not windowed: every bucket gets the session's turns.
      expect(stateOf(schema, share, stats.turns)).toBe(2);
    }
    // The first tool event in the bucket, from the session start; none in bucket 2.
    expect(stateOf(schema, early!, stats.firstAction).seconds).toBe(30);
    expect(stateOf(schema, late!, stats.firstAction).seconds).toBeNull();
  });

  it('counts the events, in all and by bucket', () => {
    const outcome = run(session).last;
    expect(outcome).toMatchObject({events: 4});
    expect(outcome.skipped === undefined && [...outcome.eventsByBucket].sort()).toEqual([[0, 2], [2, 2]]);
  });

  it('forgets what came before a reset (the row repeats its events key)', () => {
    const outcome = run([events(at(1, 'llm_call', '2026-04-24T15:00:00', {prompt_tokens: 5n})), {kind: 'reset'}, events(at(3, 'error', '2026-04-24T17:00:00')), end()]).last;
    expect(contributed(outcome).map(c => c.bucket)).toEqual([3]);
    expect(outcome).toMatchObject({events: 1});
    expect(outcome.skipped === undefined && [...outcome.eventsByBucket]).toEqual([[3, 1]]);
  });

  it('gives the reason of a skip as the outcome', () => {
    const {last} = run([events(at(0, 'error', '2026-04-24T14:00:00')), {kind: 'skip', reason: 'row is not valid JSON'}]);
    expect(last).toEqual({skipped: 'row is not valid JSON'});
  });

  it('gives a session without events in the window no contribution, and does not read its row', () => {
    const {last, warnings} = run([end({messages: 5n})]);
    expect(last).toEqual({contributions: [], events: 0, eventsByBucket: new Map()});
    expect(warnings).toEqual([]);
    // The same row with an event is read, and its messages value said to be wrong.
    expect(run([events(at(0, 'error', '2026-04-24T14:00:00')), end({messages: 5n})]).warnings).toEqual(['value_coerced: messages is 5, not a list; no turns counted']);
  });

  it('passes on what parse noted about the row, events or not', () => {
    expect(run([end({notes: ['events is int, not a list; treated as []']})]).warnings).toEqual(['value_coerced: events is int, not a list; treated as []']);
  });

  it('counts every session in `everySessionIn` (the daily bucket), with or without events there', () => {
    const none = contributed(run([end()], {everySessionIn: 0}).last);
    expect(none.map(c => c.bucket)).toEqual([0]);
    expect(stateOf(schema, none[0]!, stats.sessions)).toBe(1);
    const some = contributed(run([events(at(0, 'llm_call', '2026-04-24T14:00:00', {prompt_tokens: 3n})), end()], {everySessionIn: 0}).last);
    expect(some.map(c => c.bucket)).toEqual([0]);
    expect(stateOf(schema, some[0]!, stats.tokensPrompt)).toBe(3);
  });
});

describe('sessionMetrics', () => {
  it('gives through pipeline() the outcome its stage function gives', async () => {
    const parts = [
      events(at(4, 'llm_call', '2026-04-24T18:00:00', {prompt_tokens: 2n}), at(1, 'feedback', '2026-04-24T15:00:00', {rating: 'up'})),
      {kind: 'reset'} as WindowedPart,
      events(at(1, 'tool_call', '2026-04-24T15:05:00'), at(5, 'undo_complete', '2026-04-24T19:00:00')),
      end(),
    ];
    const outcomes: SessionOutcome[] = [];
    await pipeline(
      fromArray(parts),
      sessionMetrics({schema, exact: true, warn: () => undefined}),
      new Writable({objectMode: true, write: (o: SessionOutcome, _encoding, done) => (outcomes.push(o), done())}),
    );
    expect(outcomes).toEqual([run(parts).last]);
    expect(contributed(outcomes[0]!).map(c => c.bucket)).toEqual([1, 5]);
  });
});
