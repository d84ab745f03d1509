import {join} from 'node:path';
import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {folderInputs, hubInputs, rowInputs, type PipelineInputs} from '../../src/library/inputs.js';
import {planHour, planRange, planTouchedHours} from '../../src/library/plan.js';
import {combinedCsv, runPipeline} from '../../src/pipeline.js';
import {Reporter} from '../../src/reporter.js';
import {listLocalFiles} from '../../src/sources/local-files.js';
import type {SessionInput} from '../../src/types.js';
import {hubOptions, TOKEN} from '../hub/setup.js';
import {loadDatasetFolder, startHubServer} from '../support/hub-server.js';
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

describe('hubInputs', () => {
  it('gives the pipeline the same inputs from the Hub as folderInputs from the folder', async () => {
    const server = await startHubServer({token: TOKEN, repos: {'acme/sessions': {files: await loadDatasetFolder(DATASET)}}});
    try {
      const plan = planRange('2026-04-20T00', '2026-04-22T00');
      const csvOf = async (source: PipelineInputs) => {
        const reporter = new Reporter({format: 'text', write: () => {}});
        const {header, rows, failed} = await runPipeline({plan, ...source, concurrency: 4, reporter});
        expect(failed).toEqual([]);
        return combinedCsv(header, rows);
      };
      const fromHub = await hubInputs('acme/sessions', plan, hubOptions(server));
      const fromFolder = await folderInputs(DATASET, plan);
      expect(fromHub.total).toBe(fromFolder.total);
      const csv = await csvOf(fromFolder);
      expect(csv.split('\n').length).toBeGreaterThan(10);
      expect(await csvOf(fromHub)).toBe(csv);
    } finally {
      await server.close();
    }
  });
});
