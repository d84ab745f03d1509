import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {streamSessionParts} from '../../src/parse/row-stream.js';
import {sessionParts, type SessionPart} from '../../src/parse/session-events.js';
import {isDict, type PyValue} from '../../src/py/value.js';
import {Rng, canonical} from './generate.js';
import {sessionFile} from './session-files.js';

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
        const {sessionId, userId, startTime, messages, notes} = part.header;
        let turns: string;
        if (Array.isArray(messages)) {
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
  for await (const part of streamSessionParts(Readable.from(pieces), {exact, chunkBytes, batchChars: 50})) parts.push(part as SessionPart);
  return parts;
}

describe('streamSessionParts', () => {
  it('gives the in-memory outcome on generated rows, cut into pieces of any size', async () => {
    const rng = new Rng(4242);
    for (let n = 0; n < 3000; n++) {
      const bytes = sessionFile(rng);
      // Every cut position for short rows; a few sizes for the long (deeply nested) ones.
      const chunk = bytes.length < 600 ? rng.int(1, 8) : rng.pick([rng.int(2, 64), 1000, 8192, 1 << 20]);
      const expected = outcome(sessionParts(bytes, {exact: true}));
      const actual = outcome(await streamed(bytes, true, chunk));
      if (actual !== expected) {
        const why = (parts: SessionPart[]) => parts.map(p => (p.kind === 'skip' ? `skip: ${p.reason}` : p.kind)).join(', ');
        expect.fail(`case ${n} (pieces of ${chunk}): ${short(Buffer.from(bytes).toString('latin1'))}\n  streamed  ${short(actual)}\n  in memory ${short(expected)}\n  streamed parts: ${why(await streamed(bytes, true, chunk))}`);
      }
    }
  });
});
