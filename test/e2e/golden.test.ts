/**
 * The CLI on the committed dataset must reproduce the oracle's committed CSVs byte for byte, in
 * every mode (fixtures/expected/modes.json, written by `npm run fixtures`), whatever the machine's
 * time zone and the read concurrency; with `--schema v2`, the upstream script's CSVs
 * (fixtures/expected/v2/), except the hours where that script raised, which kpi-stream writes.
 */

import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {stdinBytes} from '../../tools/corpus/corpus.js';
import {bucketPath, type OracleMode} from '../../tools/corpus/make-fixtures.js';
import {diffTrees, readTree, runCliMode} from '../support/oracle.js';
import {REPO} from '../support/python.js';

const DATASET = join(REPO, 'fixtures', 'dataset');
type GoldenMode = OracleMode & {files: string[]; raised?: string[]};
const SCHEMAS = [
  {schema: 'v1', expected: join(REPO, 'fixtures', 'expected')},
  {schema: 'v2', expected: join(REPO, 'fixtures', 'expected', 'v2')},
] as const;
const modesOf = (expected: string) => (JSON.parse(readFileSync(join(expected, 'modes.json'), 'utf8')) as {modes: GoldenMode[]}).modes;
const stdin = stdinBytes(DATASET);
const scratch = mkdtempSync(join(tmpdir(), 'kpi-golden-'));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

function expectedTree(expected: string, mode: string): Map<string, Buffer> {
  const dir = join(expected, mode);
  return existsSync(dir) ? readTree(dir) : new Map();
}

/** Takes out the files of the buckets where the upstream script raised; fails if one is missing. */
function withoutRaised(tree: Map<string, Buffer>, raised: readonly string[] = [], check = expect): Map<string, Buffer> {
  for (const key of raised) {
    check(tree.has(bucketPath(key)), `kpi-stream writes ${bucketPath(key)}, where the upstream script raised`).toBe(true);
    tree.delete(bucketPath(key));
  }
  return tree;
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

for (const {schema, expected} of SCHEMAS) {
  const modes = modesOf(expected);
  const where = expected.slice(REPO.length + 1);
  describe(`kpi-stream --schema ${schema} on fixtures/dataset`, () => {
    it('has the expected files that modes.json lists (an empty hour writes none)', () => {
      expect(modes.map(m => m.name)).toEqual(expect.arrayContaining(['range', 'daily', 'stdin']));
      for (const mode of modes) expect([...expectedTree(expected, mode.name).keys()], mode.name).toEqual(mode.files);
      expect(modes.some(m => m.files.length === 0)).toBe(true);
    });

    for (const variant of VARIANTS) {
      // Concurrent: each case mostly waits on its child process.
      describe.concurrent(variant.name, () => {
        for (const mode of modes.filter(m => !(variant.folderOnly && m.stdin))) {
          it(`writes exactly ${where}/${mode.name}`, async ({expect}) => {
            const out = join(scratch, `${schema}-${variant.name.replace(/\W+/g, '_')}-${mode.name}`);
            await runCliMode(out, mode, DATASET, {stdin, env: variant.env, extraArgs: [...(variant.extraArgs ?? []), '--schema', schema]});
            expect(diffTrees(expectedTree(expected, mode.name), withoutRaised(readTree(out), mode.raised, expect))).toEqual([]);
          });
        }
      });
    }
  });
}
