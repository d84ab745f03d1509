/**
 * `--schema v2` in the modes the golden folders do not spell out: `--hours N --now`, `--stdout`
 * and one thread. Every hour of fixtures/dataset is in fixtures/expected/v2/range (the upstream
 * script's bytes), and an hour's file does not depend on the other hours of the run.
 */

import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {bucketPath} from '../../tools/corpus/make-fixtures.js';
import {diffTrees, readTree, runCli} from '../support/oracle.js';
import {REPO} from '../support/python.js';

const DATASET = join(REPO, 'fixtures', 'dataset');
const EXPECTED = join(REPO, 'fixtures', 'expected', 'v2');
const range = JSON.parse(readFileSync(join(EXPECTED, 'modes.json'), 'utf8')).modes.find((m: {name: string}) => m.name === 'range') as {runs: string[][]; raised: string[]};
const golden = readTree(join(EXPECTED, 'range'));
const scratch = mkdtempSync(join(tmpdir(), 'kpi-v2-'));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

describe('kpi-stream --schema v2', () => {
  it('--hours 30 --now writes the upstream script\'s file for each of those hours (one thread)', async () => {
    const out = join(scratch, 'hours');
    await runCli(['--source-dir', DATASET, '--hours', '30', '--now', '2026-04-21T12:05:00Z', '--schema', 'v2', '--threads', '1', '--out-dir', out]);
    const inWindow = (path: string) => path >= 'hourly/2026-04-20/06.csv' && path < 'hourly/2026-04-21/12.csv';
    const expected = new Map([...golden].filter(([path]) => inWindow(path)));
    expect(expected.size).toBeGreaterThan(10);
    expect(diffTrees(expected, readTree(out))).toEqual([]);
  });

  it('--stdout prints the 50-column header once and each hour\'s line, the raised hours too', async () => {
    const {stdout} = await runCli(['--source-dir', DATASET, ...range.runs[0]!, '--schema', 'v2', '--stdout']);
    const lines = stdout.toString('utf8').trimEnd().split('\n');
    const header = [...golden.values()][0]!.toString('utf8').split('\n')[0]!;
    expect(header.split(',')).toHaveLength(50);
    expect(lines[0]).toBe(header);
    const goldenLines = [...golden.values()].map(csv => csv.toString('utf8').split('\n')[1]);
    const raised = new Set(range.raised);
    expect(range.raised.length).toBeGreaterThan(0);
    const written = lines.slice(1);
    expect(written.filter(line => raised.has(line.slice(0, line.indexOf(','))))).toHaveLength(raised.size);
    expect(written.filter(line => !raised.has(line.slice(0, line.indexOf(','))))).toEqual(goldenLines);
    for (const key of raised) expect(golden.has(bucketPath(key))).toBe(false);
  });

  it('writes the hours where the upstream script crashes, exits 0, and warns naming the file and the value', async () => {
    const dir = join(scratch, 'crash');
    const day = join(dir, 'sessions', '2026-04-20');
    mkdirSync(day, {recursive: true});
    const row = (events: unknown[], fields: Record<string, unknown> = {}) =>
      JSON.stringify({session_id: 's', session_start_time: '2026-04-20T10:00:00+00:00', messages: '[]', events: JSON.stringify(events), ...fields});
    const at = '2026-04-20T10:30:00+00:00';
    writeFileSync(join(day, 'list-data.jsonl'), row([{timestamp: at, event_type: 'tool_call', data: ['bash']}]));
    writeFileSync(join(day, 'list-tool.jsonl'), row([{timestamp: at, event_type: 'tool_call', data: {tool: ['research']}}]));
    writeFileSync(join(day, 'str-sandbox.jsonl'), row([{timestamp: at, event_type: 'sandbox_create', data: 'cpu-basic'}]));
    writeFileSync(join(day, 'int-hardware.jsonl'), row([{timestamp: at, event_type: 'sandbox_create', data: {hardware: 5}}]));
    writeFileSync(join(day, 'dict-model.jsonl'), row([{timestamp: at, event_type: 'tool_call', data: {tool: 'bash'}}], {model_name: {id: 'm'}}));
    const {stdout, stderr} = await runCli(['--source-dir', dir, '--datetime', '2026-04-20T10', '--schema', 'v2', '--stdout', '--verbose']);
    const [header, line] = stdout.toString('utf8').split('\n');
    const cells = Object.fromEntries(header!.split(',').map((column, i) => [column, line!.split(',')[i]]));
    expect(cells).toMatchObject({sessions: '5', sandboxes_created: '2', sandboxes_gpu: '2', tool_calls_by_name_json: '"{""bash"": 1}"', sessions_by_model_json: '"{""unknown"": 5}"'});
    for (const [file, what] of [['list-data', 'tool_call event data'], ['list-tool', 'tool_call tool'], ['str-sandbox', 'sandbox_create event data'], ['int-hardware', 'sandbox_create hardware'], ['dict-model', 'model_name']]) {
      expect(stderr).toMatch(new RegExp(`${file}\\.jsonl.*${what}`));
    }
  });

  it('rejects a schema it does not know, naming the choices', async () => {
    await expect(runCli(['--source-dir', DATASET, '--datetime', '2026-04-20T03', '--schema', 'v3', '--stdout'])).rejects.toThrow(/v1.*v2/s);
  });
});
