import {describe, expect, it} from 'vitest';
import {kpiPlace, KpiFileError, parseKpiFile, parseNumberCell} from '../../src/html-report/kpi-files.js';

describe('kpiPlace', () => {
  it('reads an hourly path as its UTC hour', () => {
    expect(kpiPlace('hourly/2026-04-24/14.csv')).toEqual({kind: 'hour', time: Date.UTC(2026, 3, 24, 14) / 1000});
  });
  it('reads a daily path as its UTC day', () => {
    expect(kpiPlace('daily/2026-04-24.csv')).toEqual({kind: 'day', time: Date.UTC(2026, 3, 24) / 1000});
  });
  it('reads year 1 as the reference writes it (1-01-01), not as 1901', () => {
    expect(kpiPlace('hourly/1-01-01/00.csv')).toEqual({kind: 'hour', time: -62135596800});
  });
  it('is undefined for other files, impossible dates and hours', () => {
    for (const path of ['hourly/2026-04-24/14.json', 'sessions/2026-04-24/a.jsonl', 'hourly/2026-02-30/01.csv', 'hourly/2026-04-24/24.csv', 'daily/2026-4-24.csv', 'README.md']) {
      expect(kpiPlace(path), path).toBeUndefined();
    }
  });
});

const V1_HEADER = 'bucket,sessions,users,cost_usd,gpu_hours_by_flavor_json,pro_cta_by_source_json';

describe('parseKpiFile', () => {
  it('takes the cells by the header names, quoted ones unquoted', () => {
    const row = parseKpiFile({path: 'hourly/2026-04-20/04.csv', text: `${V1_HEADER}\n2026-04-20T04,12,9,nan,{},"{""a,b"": 1}"\n`});
    expect(row).toMatchObject({kind: 'hour', bucket: '2026-04-20T04', schema: 'v1'});
    expect(row.cells).toEqual({sessions: '12', users: '9', cost_usd: 'nan', gpu_hours_by_flavor_json: '{}', pro_cta_by_source_json: '{"a,b": 1}'});
  });
  it('tells the later script\'s schema by its columns', () => {
    expect(parseKpiFile({path: 'daily/2026-04-20.csv', text: 'bucket,sessions,tool_calls_total\n2026-04-20,1,2\n'}).schema).toBe('v2');
  });
  const bad: Array<[string, string, RegExp]> = [
    ['an empty file', '', /empty/],
    ['no bucket column first', 'sessions,users\n1,2\n', /must start with "bucket"/],
    ['a header without a row', `${V1_HEADER}\n`, /one row under its header, this one has 0/],
    ['two rows', 'bucket,sessions\na,1\nb,2\n', /this one has 2/],
    ['more cells than columns', 'bucket,sessions\na,1,2\n', /not valid CSV: .*expect 2, got 3/],
    ['an open quote', 'bucket,sessions\na,"1\n', /not valid CSV/],
    ['a column named twice', 'bucket,sessions,sessions\na,1,2\n', /names column "sessions" twice/],
  ];
  for (const [what, text, reason] of bad) {
    it(`rejects ${what} with KpiFileError saying why`, () => {
      expect(() => parseKpiFile({path: 'hourly/2026-04-20/04.csv', text})).toThrow(KpiFileError);
      expect(() => parseKpiFile({path: 'hourly/2026-04-20/04.csv', text})).toThrow(reason);
    });
  }
});

describe('parseNumberCell', () => {
  it('reads what Python prints for ints and floats', () => {
    expect(parseNumberCell('12')).toBe(12);
    expect(parseNumberCell('-0.0')).toBe(-0);
    expect(parseNumberCell('1e+16')).toBe(1e16);
    expect(parseNumberCell('0.0003333333333333334')).toBe(0.0003333333333333334);
    expect(parseNumberCell('10000000000000000000012025')).toBe(1e25);
  });
  it('reads nan and the infinities as non-finite numbers', () => {
    expect(parseNumberCell('nan')).toBeNaN();
    expect(parseNumberCell('inf')).toBe(Infinity);
    expect(parseNumberCell('-inf')).toBe(-Infinity);
  });
  it('is undefined for anything else', () => {
    for (const cell of ['', '{}', 'abc', '1,0', ' 1', 'NaN', 'Infinity']) expect(parseNumberCell(cell), cell).toBeUndefined();
  });
});
