import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {oracleMissing, REPO} from '../support/python.js';

// The benchmark's smoke mode: a tiny corpus, one repetition, no targets. It keeps bench/ building
// and running, and checks every kpi-stream output in it against the reference's.
const scratch = mkdtempSync(join(tmpdir(), 'kpi-bench-smoke-'));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

describe.skipIf(oracleMissing !== undefined)('npm run bench -- --smoke', () => {
  it('runs every case and matches the reference byte for byte', () => {
    const script = join(REPO, 'dist', 'bench', 'run.js');
    expect(existsSync(script), 'dist/bench/run.js: run `npm run build` first').toBe(true);
    const out = join(scratch, 'smoke.json');
    const result = spawnSync(process.execPath, [script, '--smoke', '--out', out, '--cache', join(scratch, 'cache')], {encoding: 'utf8'});
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {rows: Array<{case: string; tool: string; check: string}>; errors: string[]};
    expect(report.errors).toEqual([]);
    const cases = new Set(report.rows.map(r => r.case));
    for (const name of ['cron', 'cron-cache', 'backfill', 'bound', 'duckdb', 'backfill vs duckdb', 'huge', 'huge (small, check)']) expect(cases).toContain(name);
    for (const name of ['cron', 'backfill', 'bound', 'duckdb']) expect(cases).toContain(`${name} (small-sessions)`);
    // DuckDB's llm_calls per hour agree with the reference's on the generated corpora.
    for (const r of report.rows.filter(r => r.case.startsWith('duckdb'))) expect(r.check).toMatch(/^llm_calls as the reference's in (\d+) of \1 hours/);
    const checked = report.rows.filter(r => r.tool.startsWith('kpi-stream') && !r.case.startsWith('huge ') && r.case !== 'huge');
    expect(checked.length).toBeGreaterThan(0);
    for (const r of checked) expect(r.check, `${r.case} / ${r.tool}`).toBe('same');
    expect(report.rows.find(r => r.case === 'huge (small, check)' && r.tool === 'kpi-stream')?.check).toBe('same');
  });
});
