/**
 * The CLI on the committed dataset must reproduce the oracle's committed CSVs byte for byte, in
 * every mode (fixtures/expected/modes.json, written by `npm run fixtures`), whatever the machine's
 * time zone and the read concurrency.
 */

import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {stdinBytes} from '../../src/dev/corpus.js';
import type {OracleMode} from '../../src/dev/make-fixtures.js';
import {diffTrees, readTree, runCliMode} from '../support/oracle.js';
import {REPO} from '../support/python.js';

const DATASET = join(REPO, 'fixtures', 'dataset');
const EXPECTED = join(REPO, 'fixtures', 'expected');
const {modes} = JSON.parse(readFileSync(join(EXPECTED, 'modes.json'), 'utf8')) as {modes: (OracleMode & {files: string[]})[]};
const stdin = stdinBytes(DATASET);
const scratch = mkdtempSync(join(tmpdir(), 'kpi-golden-'));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

function expectedTree(mode: string): Map<string, Buffer> {
  const dir = join(EXPECTED, mode);
  return existsSync(dir) ? readTree(dir) : new Map();
}

interface Variant {
  name: string;
  env?: NodeJS.ProcessEnv;
  extraArgs?: string[];
  /** Concurrency is about reading files; stdin has nothing to read in parallel. */
  folderOnly?: boolean;
}

const VARIANTS: Variant[] = [
  {name: 'defaults'},
  {name: 'TZ=Asia/Kolkata', env: {TZ: 'Asia/Kolkata'}},
  {name: 'TZ=America/Los_Angeles', env: {TZ: 'America/Los_Angeles'}},
  {name: '--concurrency 1', extraArgs: ['--concurrency', '1'], folderOnly: true},
  {name: '--concurrency 16', extraArgs: ['--concurrency', '16'], folderOnly: true},
];

describe('kpi-stream on fixtures/dataset', () => {
  it('has the expected files that modes.json lists (an empty hour writes none)', () => {
    expect(modes.map(m => m.name)).toEqual(expect.arrayContaining(['range', 'daily', 'stdin']));
    for (const mode of modes) expect([...expectedTree(mode.name).keys()], mode.name).toEqual(mode.files);
    expect(modes.some(m => m.files.length === 0)).toBe(true);
  });

  for (const variant of VARIANTS) {
    // Concurrent: each case mostly waits on its child process.
    describe.concurrent(variant.name, () => {
      for (const mode of modes.filter(m => !(variant.folderOnly && m.stdin))) {
        it(`writes exactly fixtures/expected/${mode.name}`, async ({expect}) => {
          const out = join(scratch, `${variant.name.replace(/\W+/g, '_')}-${mode.name}`);
          await runCliMode(out, mode, DATASET, {stdin, env: variant.env, extraArgs: variant.extraArgs});
          expect(diffTrees(expectedTree(mode.name), readTree(out))).toEqual([]);
        });
      }
    });
  }
});
