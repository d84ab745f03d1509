import {describe, expect, it} from 'vitest';
import {readFileSync} from 'node:fs';
import {KPIS} from '../../src/metrics/catalog.js';
import {runChild, runInProcess} from '../support/cli-io.js';

describe('--help and --version', () => {
  it('--help prints the options, the exit codes and every KPI column on stdout, exit 0', async () => {
    const {code, stdout, stderr} = await runInProcess(['--help'], {});
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const text of ['--source-dir', '--from', 'Exit codes:', '--schema', ...Object.values(KPIS).map(m => m.column)]) expect(stdout).toContain(text);
  });

  it("--version prints package.json's version, from the bin too, exit 0", async () => {
    const {version} = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string};
    expect(await runInProcess(['--version'], {})).toMatchObject({code: 0, stdout: `${version}\n`});
    expect(await runChild(['--version'], {})).toMatchObject({code: 0, stdout: `${version}\n`});
  });
});
