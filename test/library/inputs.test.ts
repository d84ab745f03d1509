import {join} from 'node:path';
import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {folderInputs, rowInputs} from '../../src/library/inputs.js';
import {planHour, planTouchedHours} from '../../src/library/plan.js';
import {listLocalFiles} from '../../src/sources/local-files.js';
import type {SessionInput} from '../../src/types.js';
import {REPO} from '../support/python.js';

const DATASET = join(REPO, 'fixtures', 'dataset');

async function all(inputs: AsyncIterable<SessionInput>): Promise<SessionInput[]> {
  const out: SessionInput[] = [];
  for await (const input of inputs) out.push(input);
  return out;
}

describe('folderInputs', () => {
  it('lists the folders an hour needs (its day and the day before), in canonical order', async () => {
    const plan = planHour('2026-04-21T14');
    const source = await folderInputs(DATASET, plan);
    const inputs = await all(source.inputs);
    const expected = await listLocalFiles(DATASET, ['2026-04-20', '2026-04-21']);
    expect(inputs.map(i => i.name)).toEqual(expected.map(f => f.path));
    expect(source.total).toBe(expected.length);
    expect(inputs.map(i => i.seq)).toEqual(inputs.map((_, i) => i));
    expect([...source.allowedFor(inputs[0]!)!]).toEqual([0]);
    expect(inputs[0]!.ref).toEqual({kind: 'local', dir: DATASET, path: inputs[0]!.name});
  });
});

describe('rowInputs', () => {
  it('reads concatenated rows, each open to every requested hour', async () => {
    const source = rowInputs(Readable.from([Buffer.from('{"a":1}{"b":2}\n{"c"'), Buffer.from(':3}\n')]), planHour('2026-04-21T14'));
    const inputs = await all(source.inputs);
    expect(inputs.map(i => (i.ref.kind === 'bytes' ? Buffer.from(i.ref.bytes).toString() : ''))).toEqual(['{"a":1}', '{"b":2}\n', '{"c":3}\n']);
    expect([...source.allowedFor(inputs[0]!)!]).toEqual([0]);
    expect(rowInputs(Readable.from([]), planTouchedHours()).allowedFor(inputs[0]!)).toBeNull();
  });
});
