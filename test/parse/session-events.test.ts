import {describe, expect, it} from 'vitest';
import {sessionParts, type SessionHeader} from '../../src/parse/session-events.js';
import {readSession} from '../../src/session/read.js';
import {compiled, stateOf} from '../../src/metrics/schema.js';
import {turns} from '../../src/metrics/stats.js';

const v1 = compiled('v1');
const turnsOf = (c: {states: unknown[]}) => stateOf(v1, c, turns);
import type {BucketPlan} from '../../src/buckets.js';
import type {SessionInput} from '../../src/types.js';

const plan: BucketPlan = {kind: 'daily', day: '2026-04-24'};
const events = JSON.stringify(JSON.stringify([{timestamp: '2026-04-24T10:00:00', event_type: 'tool_call', data: {}}]));
const row = (messages: string) => `{"session_id": "s", "session_start_time": "2026-04-24T09:00:00", "messages": ${messages}, "events": ${events}}`;
const input = (text: string): SessionInput => ({seq: 0, name: 'x.jsonl', folder: null, ref: {kind: 'bytes', bytes: new TextEncoder().encode(text)}});
const header = (text: string, exact: boolean) => (sessionParts(new TextEncoder().encode(text), {exact, needs: v1.parse}).at(-1) as {header: SessionHeader}).header;

describe('sessionParts: messages', () => {
  const messages = JSON.stringify(JSON.stringify([{role: 'user'}, {role: 'assistant'}, {role: 'user'}]));
  it('leaves a messages string encoded on the fast path', () => {
    expect(header(row(messages), false)).toMatchObject({messages: null, messagesText: '[{"role":"user"},{"role":"assistant"},{"role":"user"}]'});
  });
  it('decodes it on the exact path', () => {
    expect(header(row(messages), true).messagesText).toBeUndefined();
    expect(header(row(messages), true).messages).toHaveLength(3);
  });
});

describe('readSession: turns from a messages string decoded when the session reaches a bucket', () => {
  it('counts user messages', async () => {
    const result = await readSession(input(row(JSON.stringify(JSON.stringify([{role: 'user'}, {role: 'user'}, {role: 'tool'}])))), {plan, allowed: null});
    expect(result.contributions.map(turnsOf)).toEqual([2]);
  });
  it('uses [] for a string that is not JSON, as Python does, and says so', async () => {
    const result = await readSession(input(row('"[{\\"role\\": \\"user\\"}"')), {plan, allowed: null});
    expect(result.contributions.map(turnsOf)).toEqual([0]);
    expect(result.warnings.map(w => w.message).join('\n')).toMatch(/messages/);
  });
  it('takes NaN (which JSON.parse rejects) through the exact parser', async () => {
    const result = await readSession(input(row(JSON.stringify('[{"role": "user", "score": NaN}, {"role": "user"}]'))), {plan, allowed: null});
    expect(result.contributions.map(turnsOf)).toEqual([2]);
  });
});
