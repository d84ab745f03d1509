import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {streamSessionParts} from '../../../src/parse/stream/index.js';
import {sessionParts, type SessionPart} from '../../../src/parse/session-events.js';
import {isDict, type PyValue} from '../../../src/py/value.js';
import {compiled} from '../../../src/metrics/schema.js';
import type {TurnCount} from '../../../src/metrics/session-facts.js';

/** What the reference's KPIs read of a row. */
const needs = compiled('v1').parse;
import {PY_JSON_MAX_DEPTH} from '../../../src/py/json-loads.js';
import {Rng, canonical, jsonStringLiteral, nested, stringText} from '../generate.js';
import {sessionFile} from '../session-files.js';

/** What the rest of the pipeline can see of a row's parts: the surviving events and the header. */
function outcome(parts: SessionPart[]): string {
  let events: PyValue[] = [];
  for (const part of parts) {
    switch (part.kind) {
      case 'events':
        events.push(...part.events);
        break;
      case 'reset':
        events = [];
        break;
      case 'skip':
        return 'skip';
      case 'end': {
        const {fields, messages, messagesFolded, notes} = part.header;
        const [sessionId, userId, startTime] = ['session_id', 'user_id', 'session_start_time'].map(f => fields[f] ?? null);
        let turns: string;
        if (messagesFolded) {
          const count = messagesFolded.state as TurnCount;
          turns = `${count.users}/${count.odd}`;
        } else if (Array.isArray(messages)) {
          const users = messages.filter(m => isDict(m) && m.role === 'user').length;
          turns = `${users}/${messages.filter(m => !isDict(m)).length}`;
        } else {
          turns = canonical(messages);
        }
        // Nothing reads `tools`: only the exact in-memory decoder notes a tools string it cannot decode.
        const noteKinds = notes.filter(n => !n.startsWith('tools ')).map(n => n.replace(/ \(.*\); used \[\]$/, ''));
        return JSON.stringify({events: events.map(canonical), sessionId: canonical(sessionId), userId: canonical(userId), startTime: canonical(startTime), turns, noteKinds});
      }
    }
  }
  return 'no end';
}

function short(s: string): string {
  return JSON.stringify(s.length > 400 ? s.slice(0, 200) + ' ... ' + s.slice(-200) : s);
}

async function streamed(bytes: Uint8Array, exact: boolean, chunkBytes: number): Promise<SessionPart[]> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) pieces.push(Buffer.from(bytes.subarray(at, at + chunkBytes)));
  const parts: SessionPart[] = [];
  for await (const part of streamSessionParts(Readable.from(pieces), {exact, needs, chunkBytes, batchChars: 50})) parts.push(part as SessionPart);
  return parts;
}

describe('streamSessionParts', () => {
  it('gives the in-memory outcome on generated rows, cut into pieces of any size', async () => {
    const rng = new Rng(4242);
    for (let n = 0; n < 1200; n++) {
      const bytes = sessionFile(rng);
      // Every cut position for short rows; a few sizes for the long (deeply nested) ones.
      const chunk = bytes.length < 600 ? rng.int(1, 8) : rng.pick([rng.int(2, 64), 1000, 8192, 1 << 20]);
      const expected = outcome(sessionParts(bytes, {exact: true, needs}));
      const actual = outcome(await streamed(bytes, true, chunk));
      if (actual !== expected) {
        const why = (parts: SessionPart[]) => parts.map(p => (p.kind === 'skip' ? `skip: ${p.reason}` : p.kind)).join(', ');
        expect.fail(`case ${n} (pieces of ${chunk}): ${short(Buffer.from(bytes).toString('latin1'))}\n  streamed  ${short(actual)}\n  in memory ${short(expected)}\n  streamed parts: ${why(await streamed(bytes, true, chunk))}`);
      }
    }
  });
  /** Streams `bytes` in pieces of `chunk` bytes and expects the in-memory outcome (exact mode). */
  async function expectSame(name: string, bytes: Uint8Array, chunk: number): Promise<void> {
    const expected = outcome(sessionParts(bytes, {exact: true, needs}));
    const actual = outcome(await streamed(bytes, true, chunk));
    if (actual !== expected) expect.fail(`${name} (pieces of ${chunk}): ${short(Buffer.from(bytes).toString('latin1'))}\n  streamed  ${short(actual)}\n  in memory ${short(expected)}`);
  }

  const encoder = new TextEncoder();
  const events = (n: number) =>
    '[' + Array.from({length: n}, (_, i) => `{"event_type": "llm_call", "timestamp": "2026-04-24T1${i % 10}:00:00", "data": {"prompt_tokens": ${i}, "s": "\\u00e9\\ud83d\\ude80 \\"q\\" \\\\ ${'x'.repeat(i * 7)}"}}`).join(', ') + ']';
  const row = (eventsText: string, extra = '') =>
    `{"session_id": "s1", "user_id": 7, "messages": ${jsonStringLiteral('[{"role": "user"}, {"role": "assistant"}, 3, {"role": "user"}]', true)}, "events": ${jsonStringLiteral(eventsText, true)}${extra}, "tools": "[1]"}`;

  it('agrees on long runs of whitespace anywhere outside strings, which it keeps as one space', async () => {
    const run = (n: number) => ' \n\t\r'.repeat(n);
    const texts = [
      `{"session_id": "s1",${run(100)}"n": 1${run(100)}, "events": ${jsonStringLiteral(events(2), true)}}`,
      `{"session_id": "s1", "events": [${run(50)}{"event_type": "llm_call",${run(80)}"timestamp": "2026-04-24T10:00:00"}${run(90)}]}`,
      `{"session_id": "s1", "events": ${jsonStringLiteral(`[${run(70)}{"timestamp": "2026-04-24T10:00:00"}${run(70)}, 7${run(70)}]`, true)}}`,
      // Whitespace between two numbers, between a key and its colon: still invalid, still a key.
      `{"session_id": "s1", "n": [1${run(100)}2], "events": []}`,
      `{"session_id"${run(100)}: "s1", "events": []}`,
      `{"session_id": "s1", "events": ${jsonStringLiteral(`[{"timestamp": "2026-04-24T10:00:00", "data": {"prompt_tokens": 1${run(90)}2}}]`, true)}}`,
    ];
    for (const [i, text] of texts.entries()) {
      for (const chunk of [1, 7, 64, 4096]) await expectSame(`text ${i}`, encoder.encode(text), chunk);
    }
  });

  it('agrees when the row is cut at every position', async () => {
    const text = row(events(3), ', "n": [1, 2.5, NaN, -Infinity, 123456789012345678901234567890]');
    for (let cut = 0; cut <= text.length; cut++) await expectSame(`cut at ${cut}`, encoder.encode(text.slice(0, cut)), 1 + (cut % 5));
  });

  it('agrees with a line end (CR, LF, CRLF) at every position', async () => {
    const text = row(events(2));
    for (let at = 0; at <= text.length; at++) {
      const end = ['\n', '\r', '\r\n'][at % 3];
      await expectSame(`${JSON.stringify(end)} at ${at}`, encoder.encode(text.slice(0, at) + end + text.slice(at)), 1 + (at % 7));
    }
  });

  it('agrees on what follows the line end within the 8 KiB chunks Python decodes', async () => {
    const rng = new Rng(99);
    const base = row(events(40));
    const odd = [[0xff], [0x80], [0xc3], [0xe2, 0x82], [0xed, 0xa0], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0xc3, 0xa9], [0x0d], [0x0a]];
    let skipped = 0;
    for (let n = 0; n < 300; n++) {
      // The row ends near a chunk edge (padded with spaces, which Python strips), then a line end.
      const lineEnd = 8192 * rng.int(1, 3) + rng.int(-3, 3);
      const head = encoder.encode(base + ' '.repeat(Math.max(0, lineEnd - base.length)) + rng.pick(['\n', '\r', '\r\n']));
      const bytes = new Uint8Array(head.length + rng.int(0, 3 * 8192));
      bytes.set(head);
      bytes.fill(0x61, head.length);
      for (let k = rng.int(1, 2); k > 0; k--) {
        const at = rng.chance(0.5) ? head.length + rng.int(0, 4) : 8192 * rng.int(1, 5) + rng.int(-3, 2);
        if (at >= head.length && at < bytes.length) bytes.set(rng.pick(odd).slice(0, bytes.length - at), at);
      }
      const result = outcome(sessionParts(bytes, {exact: true, needs}));
      if (result === 'skip') skipped++;
      await expectSame(`case ${n}`, bytes, rng.pick([1000, 4096, 8191, 8192, 65536]));
    }
    // Both verdicts occur: the rules are exercised, not just a broken row.
    expect(skipped).toBeGreaterThan(30);
    expect(skipped).toBeLessThan(270);
  });

  it('keeps the last of repeated keys: events emitted earlier are reset', async () => {
    const good = jsonStringLiteral(events(3), true);
    const cases = [
      `{"events": ${good}, "events": "[1, "}`,
      `{"events": ${good}, "events": [{"a": 1}]}`,
      `{"events": [{"a": 1}, 2], "events": ${good}}`,
      `{"events": ${good}, "events": 5}`,
      `{"events": ${good}, "events": "{\\"a\\": 1}"}`,
      `{"events": "[1, 2] x", "session_id": 1}`,
      `{"messages": "[{\\"role\\": \\"user\\"}]", "messages": "[", "session_id": 1}`,
      `{"messages": "[{\\"role\\": \\"user\\"}]", "events": ${good}, "messages": [{"role": "user"}, {"role": "user"}]}`,
      `{"session_id": 1, "session_id": "two", "user_id": [1], "user_id": null}`,
    ];
    for (const text of cases) for (const chunk of [1, 3, 64, 1 << 20]) await expectSame(text.slice(0, 80), encoder.encode(text), chunk);
  });

  it('decodes events and messages nested up to Python\'s limit, and no deeper', async () => {
    const rng = new Rng(5);
    for (const depth of [PY_JSON_MAX_DEPTH - 3, PY_JSON_MAX_DEPTH - 2, PY_JSON_MAX_DEPTH - 1, PY_JSON_MAX_DEPTH]) {
      const deep = nested(rng, depth, '1');
      const cases = [
        `{"events": ${jsonStringLiteral(`[${deep}]`, false)}}`,
        `{"events": ${jsonStringLiteral(`[{"event_type": "error", "data": ${deep}}]`, false)}}`,
        `{"events": [${deep}]}`,
        `{"messages": ${jsonStringLiteral(`[${deep}]`, false)}, "events": []}`,
        `{"session_id": ${deep}}`,
        `{"x": ${deep}, "events": []}`,
      ];
      for (const text of cases) await expectSame(`depth ${depth}: ${text.slice(0, 30)}`, encoder.encode(text), 97);
    }
  });

  it('reads strings with escapes and surrogates cut anywhere', async () => {
    const rng = new Rng(31);
    for (let n = 0; n < 300; n++) {
      const strings = Array.from({length: 20}, () => stringText(rng, 12));
      const inner = `[{"event_type": "x", "data": [${strings.join(', ')}]}]`;
      const text = `{"events": ${jsonStringLiteral(inner, rng.chance(0.5))}, "tools": ${stringText(rng)}, ${stringText(rng, 3)}: 1}`;
      await expectSame(`case ${n}`, encoder.encode(text), rng.int(1, 40));
    }
  });
});
