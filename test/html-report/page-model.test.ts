import {describe, expect, it} from 'vitest';
import {parseKpiFile, type KpiRow} from '../../src/html-report/kpi-files.js';
import {buildPageModel, type HeadlineItem} from '../../src/html-report/page-model.js';

const NOW = new Date('2026-04-25T08:30:00Z');
const row = (path: string, header: string, cells: string): KpiRow => parseKpiFile({path, text: `bucket,${header}\n${cells}\n`});
const model = (rows: KpiRow[]) => buildPageModel(rows, {source: 'test', now: NOW, skipped: []});
const item = (items: HeadlineItem[], column: string) => items.find(i => i.column === column)!;

const H = 'sessions,users,cost_usd,tool_success_rate,failure_rate,gpu_hours_by_flavor_json';
const hours = [
  row('hourly/2026-04-20/02.csv', H, '2026-04-20T02,2,2,0.5,1.0,0.5,"{""h100"": 1.5}"'),
  row('hourly/2026-04-20/03.csv', H, '2026-04-20T03,6,3,0.25,0.5,0.0,"{""h100"": 0.5, ""l4x1"": 2}"'),
  row('hourly/2026-04-20/05.csv', H, '2026-04-20T05,1,1,nan,0.0,0.0,"{""a100"": NaN}"'),
];

describe('buildPageModel', () => {
  it('puts hourly files in time order and counts the hours between them without a file', () => {
    const page = model([hours[2]!, hours[0]!, hours[1]!]);
    expect(page.views.hour.buckets.map(b => b.key)).toEqual(['2026-04-20T02', '2026-04-20T03', '2026-04-20T05']);
    expect(page.views.hour.missing).toBe(1);
    expect(page.range).toBe('2026-04-20T02 to 2026-04-20T05');
    expect(page.generatedAt).toBe('2026-04-25 08:30 UTC');
    expect(page.defaultView).toBe('hour');
  });

  it('keeps nan and inf out of the drawn values and says which columns held them', () => {
    const last = model(hours).views.hour.buckets[2]!;
    expect(last.values.cost_usd).toBeNull();
    expect(last.cells.cost_usd).toBe('nan');
    expect(last.maps.gpu_hours_by_flavor_json).toEqual({});
    expect(last.nonFinite).toEqual(['cost_usd', 'gpu_hours_by_flavor_json']);
  });

  it('sums the headline over the hours, leaving nan out and saying so', () => {
    const headline = model(hours).views.hour.headline;
    expect(item(headline, 'sessions').value).toBe(9);
    expect(item(headline, 'cost_usd')).toMatchObject({value: 0.75, how: expect.stringMatching(/1 bucket\(s\) with nan\/inf left out/)});
    expect(item(headline, 'tool_success_rate')).toMatchObject({value: 0.5, how: 'mean of tool_success_rate over 3 bucket(s)'});
    expect(item(headline, 'llm_calls')).toMatchObject({value: null, text: 'n/a'});
  });

  it('takes the tool success rate from the counts when every bucket has them (v2)', () => {
    const header = 'sessions,tool_calls_total,tool_calls_succeeded,tool_success_rate';
    const page = model([row('hourly/2026-04-20/02.csv', header, '2026-04-20T02,1,4,1,0.25'), row('hourly/2026-04-20/03.csv', header, '2026-04-20T03,1,1,1,1.0')]);
    expect(item(page.views.hour.headline, 'tool_success_rate')).toMatchObject({value: 2 / 5, text: '40.0%'});
  });

  it('rolls a day without a daily file up from its hours: sums, session-weighted means, maps per key, nan kept as nan', () => {
    const day = model(hours).views.day.buckets;
    expect(day).toHaveLength(1);
    expect(day[0]).toMatchObject({key: '2026-04-20', source: 'rolled up from 3 hourly file(s)'});
    expect(day[0]!.values).toMatchObject({sessions: 9, users: 6, cost_usd: null, failure_rate: (2 * 0.5) / 9});
    expect(day[0]!.values.tool_success_rate).toBeCloseTo((2 * 1 + 6 * 0.5 + 1 * 0) / 9, 12);
    expect(day[0]!.maps.gpu_hours_by_flavor_json).toEqual({h100: 2, l4x1: 2});
    expect(day[0]!.nonFinite).toEqual(['cost_usd', 'gpu_hours_by_flavor_json']);
  });

  it('shows a daily file as its day instead of rolling the hours up, and opens on days when there are no hours', () => {
    const daily = row('daily/2026-04-20.csv', H, '2026-04-20,40,30,1.0,0.9,0.1,{}');
    const both = model([...hours, daily]);
    expect(both.views.day.buckets).toHaveLength(1);
    expect(both.views.day.buckets[0]).toMatchObject({source: 'daily/2026-04-20.csv', values: {sessions: 40}});
    const onlyDays = model([daily, row('daily/2026-04-22.csv', H, '2026-04-22,1,1,1.0,1.0,0.0,{}')]);
    expect(onlyDays.defaultView).toBe('day');
    expect(onlyDays.views.day.missing).toBe(1);
    expect(item(onlyDays.views.day.headline, 'sessions').value).toBe(41);
  });

  it('orders columns of both schemas by group, and charts an unknown numeric column under its own name', () => {
    const page = model([row('hourly/2026-04-20/02.csv', 'zeta_count,sessions_by_model_json,cost_usd,sessions', '2026-04-20T02,3,{},1.0,1')]);
    expect(page.columns.map(c => [c.column, c.group])).toEqual([
      ['sessions', 'Volume'],
      ['cost_usd', 'Cost'],
      ['sessions_by_model_json', 'Breakdowns'],
      ['zeta_count', 'Other columns'],
    ]);
  });

  it('has empty views and says "no data" without any file', () => {
    const page = model([]);
    expect(page.views.hour.buckets).toEqual([]);
    expect(page.range).toBe('no data');
  });
});
