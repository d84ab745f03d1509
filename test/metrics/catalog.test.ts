import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {KPIS, SCHEMAS, SCHEMA_NAMES, schemaColumns, type KpiName} from '../../src/metrics/catalog.js';
import {BucketTotals, addEvent, closeShare, compileColumns, compiled, openShare} from '../../src/metrics/schema.js';
import {UNKNOWN} from '../../src/metrics/stats.js';
import {pySorted} from '../../src/metrics/cells.js';
import type {SessionFacts} from '../../src/metrics/define.js';
import type {PyDict, PyValue} from '../../src/py/value.js';
import {parseTimestamp} from '../../src/time/iso.js';
import {REFERENCE_DIR, python, pythonMissing} from '../support/python.js';
import {PY_CODECS, Rng, packDoubles} from '../py/generate.js';

/** One event: its type, its data (absent: no `data` key), its timestamp. */
type Ev = [type: string, data?: PyValue, at?: string];
interface Session {
  events?: Ev[];
  facts?: Partial<SessionFacts>;
}

const dict = (o: Record<string, PyValue>): PyDict => Object.assign(Object.create(null) as PyDict, o);

/**
 * A KPI's cell for a bucket of `sessions`, computed by that column alone (its own compiled
 * schema), and the warnings on the way.
 */
function cell(name: KpiName, sessions: Session[], exact = true): {cell: string; warnings: string[]} {
  const schema = compileColumns('v2', [KPIS[name]]);
  const warnings: string[] = [];
  const ctx = {exact, warn: (_code: string, message: string) => void warnings.push(message)};
  const totals = new BucketTotals(schema);
  for (const session of sessions) {
    const share = openShare(schema, 0);
    for (const [type, data, at] of session.events ?? []) {
      const event = dict({event_type: type, ...(at ? {timestamp: at} : {}), ...(data === undefined ? {} : {data})});
      addEvent(schema, share, event, at ? parseTimestamp(at) : null, ctx);
    }
    closeShare(schema, share, {start: null, turns: 0, user: null, model: UNKNOWN, ...session.facts});
    totals.merge(share);
  }
  return {cell: totals.cells()[0]!, warnings};
}

const cellOf = (name: KpiName, sessions: Session[]) => cell(name, sessions).cell;
const events = (...evs: Ev[]): Session => ({events: evs});
const llm = (data: Record<string, PyValue>): Ev => ['llm_call', dict(data)];
const toolCall = (tool?: PyValue): Ev => ['tool_call', tool === undefined ? dict({}) : dict({tool})];
const model = (value: string) => ({key: 's' + value, value});

describe('the catalog', () => {
  it('gives v1 the reference\'s 23 columns and v2 the upstream script\'s 49, in their order', () => {
    expect(SCHEMAS.v1).toHaveLength(23);
    expect(SCHEMAS.v2).toHaveLength(49);
    expect(SCHEMAS.v1.filter(c => !(SCHEMAS.v2 as readonly string[]).includes(c))).toEqual(['pro_cta_by_source_json']);
    for (const name of SCHEMA_NAMES) expect(new Set(SCHEMAS[name]).size).toBe(SCHEMAS[name].length);
  });

  it('names each column after its key, and every entry is in a schema', () => {
    for (const [key, kpi] of Object.entries(KPIS)) expect(kpi.column).toBe(key);
    const used = new Set(SCHEMA_NAMES.flatMap(name => SCHEMAS[name] as readonly string[]));
    expect(Object.keys(KPIS).filter(k => !used.has(k))).toEqual([]);
  });

  it('gives every entry a unit test in this file', () => {
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    expect(Object.keys(KPIS).filter(k => !source.includes(`describe('${k}'`))).toEqual([]);
  });

  it('has the upstream script\'s column order for v2 (its _aggregate dict)', () => {
    const script = readFileSync(new URL('../../../shared/reference/upstream/build_kpis.py', import.meta.url), 'utf8');
    const aggregate = script.slice(script.indexOf('def _aggregate('));
    const returned = aggregate.slice(aggregate.indexOf('return {'), aggregate.indexOf('\n    }\n'));
    const keys = [...returned.matchAll(/^ {8}"([a-z0-9_]+)":/gm)].map(m => m[1]);
    expect(keys).toEqual([...SCHEMAS.v2]);
  });

  it('lists every column of both schemas in the README table, with its description', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = new Map([...readme.matchAll(/^\| `([a-z0-9_]+)` \| ([^|]+) \| ([^|]+) \|$/gm)].map(m => [m[1], {schemas: m[2]!.trim(), description: m[3]!.trim()}]));
    for (const [key, kpi] of Object.entries(KPIS)) {
      const schemas = SCHEMA_NAMES.filter(name => (SCHEMAS[name] as readonly string[]).includes(key)).join(', ');
      expect(rows.get(key), key).toEqual({schemas, description: kpi.description});
    }
    expect([...rows.keys()].filter(k => !(k in KPIS))).toEqual([]);
  });

  it('builds one dispatch table per schema, reading only the types its stats read', () => {
    expect(compiled('v2')).toBe(compiled('v2'));
    expect([...compiled('v1').dispatch.keys()]).not.toContain('sandbox_create');
    expect(compiled('v1').dispatch.get('tool_call')!.readsData).toBe(false);
    expect(compiled('v2').dispatch.get('tool_call')!.readsData).toBe(true);
    expect(compiled('v1').parse.rowFields).not.toContain('model_name');
    expect(compiled('v2').parse.rowFields).toContain('model_name');
  });

  it('warns once per event about non-object data, however many stats read it', () => {
    const {warnings} = cell('cache_hit_ratio', [events(['llm_call', 'oops'])]);
    expect(warnings).toEqual(['llm_call event data "oops" is not an object; treated as {}']);
  });
});

describe('pySorted (where NaN lands decides a percentile)', () => {
  it('orders NaN as CPython 3.12 sorted() does for short lists', () => {
    const show = (xs: number[]) => pySorted(xs).map(String);
    expect(show([NaN, 3, 1, 2])).toEqual(['NaN', '1', '2', '3']);
    expect(show([2, NaN, 1])).toEqual(['2', 'NaN', '1']);
    expect(show([3, 2, NaN, 1])).toEqual(['1', '2', '3', 'NaN']);
  });
});

describe('sessions', () => {
  it('counts each session once, events or not', () => expect(cellOf('sessions', [events(), events(['x']), events(['llm_call'])])).toBe('3'));
});

describe('users', () => {
  it('counts distinct user keys; a session with none is nobody', () => {
    expect(cellOf('users', [{facts: {user: 'salice'}}, {facts: {user: 'salice'}}, {facts: {user: 'n5'}}, {facts: {user: null}}])).toBe('2');
  });
});

describe('turns', () => {
  it('sums the sessions\' turns', () => expect(cellOf('turns', [{facts: {turns: 3}}, {facts: {turns: 4}}])).toBe('7'));
});

describe('llm_calls', () => {
  it('counts llm_call events', () => expect(cellOf('llm_calls', [events(llm({}), ['tool_call'], llm({}))])).toBe('2'));
});

describe('tokens_prompt', () => {
  it('sums int(x or 0) exactly past 2^53', () => {
    expect(cellOf('tokens_prompt', [events(llm({prompt_tokens: 9007199254740993n})), events(llm({prompt_tokens: 9007199254740993n}))])).toBe('18014398509481986');
    expect(cellOf('tokens_prompt', [events(llm({prompt_tokens: '12'}), llm({prompt_tokens: 2.9}), llm({prompt_tokens: true}), llm({prompt_tokens: null}))])).toBe('15');
  });
});

describe('tokens_completion', () => {
  it('counts a value int() rejects as 0, and says so', () => {
    const {cell: text, warnings} = cell('tokens_completion', [events(llm({completion_tokens: 'abc'}), llm({completion_tokens: 3n}))]);
    expect(text).toBe('3');
    expect(warnings).toEqual(['completion_tokens "abc" is not an integer; counted as 0']);
  });
  it('names an overflowed count (int(inf) crashes the reference) as Infinity', () => {
    expect(cell('tokens_completion', [events(llm({completion_tokens: Infinity}))]).warnings).toEqual(['completion_tokens Infinity is not an integer; counted as 0']);
  });
});

describe('tokens_cache_read', () => {
  it('sums cache_read_tokens', () => expect(cellOf('tokens_cache_read', [events(llm({cache_read_tokens: 5n})), events(llm({cache_read_tokens: ' 7 '}))])).toBe('12'));
});

describe('tokens_cache_creation', () => {
  it('sums cache_creation_tokens', () => expect(cellOf('tokens_cache_creation', [events(llm({cache_creation_tokens: 1n}), llm({}))])).toBe('1'));
});

describe('cost_usd', () => {
  it('sums sessions with Python 3.12\'s compensated sum(), rounded to 4 places', () => {
    expect(cellOf('cost_usd', [events(llm({cost_usd: 1e16})), events(llm({cost_usd: 1.0})), events(llm({cost_usd: -1e16}))])).toBe('1.0');
    expect(cellOf('cost_usd', [events(llm({cost_usd: 0.03125}))])).toBe('0.0312');
  });
});

describe('cost_per_session_mean', () => {
  it('divides the sum by the sessions, 6 places', () => {
    expect(cellOf('cost_per_session_mean', [events(llm({cost_usd: 0.1})), events(llm({cost_usd: 0.2})), events(llm({cost_usd: 0.3}))])).toBe('0.2');
    expect(cellOf('cost_per_session_mean', [])).toBe('0.0');
  });
});

/**
 * Seeded buckets of 64 to 400 session costs, some NaN, with the p50 and p95 cells the upstream
 * script's own `_percentile` gives for them (computed once, in one Python run). Most buckets are
 * made of short rising or falling runs of costs: with runs of uneven length CPython 3.12 merges
 * in another order than older timsorts (V8's included), which is where a NaN's place differs.
 */
let nanCostCases: Array<{costs: number[]; p50: string; p95: string}> | undefined;
function nanCostBuckets(): NonNullable<typeof nanCostCases> {
  if (nanCostCases) return nanCostCases;
  const rng = new Rng(64);
  const buckets = Array.from({length: 60}, (_, i) => {
    const n = [64, 65, 66, 100, 128, 129, 257, 400][i] ?? rng.int(64, 400);
    const nanShare = rng.pick([0.005, 0.02, 0.1]);
    const step = rng.pick([0.01, -0.01, 0]);
    const costs: number[] = [];
    while (costs.length < n) {
      const from = rng.pick([0, 0.5, 3, 700, Infinity, rng.next() * 10]);
      for (let k = rng.int(1, 40); k > 0; k--) costs.push(rng.chance(nanShare) ? NaN : step === 0 ? rng.next() : from + k * step);
    }
    return costs.slice(0, n);
  });
  const cells = python<Array<[string, string]>>(
    PY_CODECS +
      `
import logging
logging.disable(logging.CRITICAL)
sys.dont_write_bytecode = True
sys.path.insert(0, ${JSON.stringify(REFERENCE_DIR)})
import kpi_oracle
upstream = kpi_oracle.load_reference(kpi_oracle.REFERENCES['upstream'])
out = []
for packed in json.load(sys.stdin):
    # A session's cost as the script builds it: 0.0 plus its llm_call's cost_usd, then "or 0.0".
    costs = [float((0.0 + c) or 0.0) for c in unpack_doubles(packed)]
    out.append([repr(round(upstream._percentile(costs, p), 6)) for p in (0.5, 0.95)])
print(json.dumps(out))`,
    buckets.map(packDoubles),
  );
  return (nanCostCases = buckets.map((costs, i) => ({costs, p50: cells[i]![0], p95: cells[i]![1]})));
}

/** The sessions behind `costs`: one llm_call each, or none for a cost of 0. */
const costSessions = (costs: number[]): Session[] => costs.map(c => (c === 0 ? events() : events(llm({cost_usd: c}))));

describe('cost_per_session_p50', () => {
  it('takes the median session cost, sessions without llm_calls at 0.0', () => {
    expect(cellOf('cost_per_session_p50', [events(llm({cost_usd: 0.3})), events(llm({cost_usd: 0.1})), events(llm({cost_usd: 0.2}))])).toBe('0.2');
    expect(cellOf('cost_per_session_p50', [events(llm({cost_usd: 0.3})), events()])).toBe('0.15');
  });
  it.skipIf(pythonMissing)('gives the upstream script\'s cell when NaN costs are sorted among 64 or more sessions', () => {
    const cases = nanCostBuckets();
    expect(cases.map(({costs}) => cellOf('cost_per_session_p50', costSessions(costs)))).toEqual(cases.map(c => c.p50));
  });
});

describe('cost_per_session_p95', () => {
  it('interpolates linearly between closest ranks', () => {
    expect(cellOf('cost_per_session_p95', [events(llm({cost_usd: 0.1})), events(llm({cost_usd: 0.2})), events(llm({cost_usd: 0.3}))])).toBe('0.29');
  });
  it.skipIf(pythonMissing)('gives the upstream script\'s cell when NaN costs are sorted among 64 or more sessions', () => {
    const cases = nanCostBuckets();
    expect(cases.map(({costs}) => cellOf('cost_per_session_p95', costSessions(costs)))).toEqual(cases.map(c => c.p95));
  });
});

describe('cache_hit_ratio', () => {
  it('is cache_read / (cache_read + prompt), 4 places, 0.0 without tokens', () => {
    expect(cellOf('cache_hit_ratio', [events(llm({prompt_tokens: 31n, cache_read_tokens: 1n}))])).toBe('0.0312');
    expect(cellOf('cache_hit_ratio', [events()])).toBe('0.0');
  });
});

describe('tool_calls_total', () => {
  it('counts tool_output events (not tool_calls)', () => expect(cellOf('tool_calls_total', [events(['tool_output', dict({})], toolCall('bash'), ['tool_output'])])).toBe('2'));
});

describe('tool_calls_succeeded', () => {
  it('counts truthy success as Python does', () => {
    expect(cellOf('tool_calls_succeeded', [events(...(['false', '0', [1n], 0n, '', null, false, true] as PyValue[]).map((success): Ev => ['tool_output', dict({success})]))])).toBe('4');
  });
});

describe('tool_calls_failed', () => {
  it('is the rest of the tool_outputs', () => expect(cellOf('tool_calls_failed', [events(['tool_output', dict({success: true})], ['tool_output', dict({success: []})], ['tool_output'])])).toBe('2'));
});

describe('errored_sessions', () => {
  it('counts sessions with an error event, once each', () => expect(cellOf('errored_sessions', [events(['error'], ['error']), events(), events(['error'])])).toBe('2'));
});

describe('successful_sessions', () => {
  it('is sessions without an error event', () => expect(cellOf('successful_sessions', [events(['error']), events(), events(['undo_complete'])])).toBe('2'));
});

describe('regenerated_sessions', () => {
  it('counts sessions with an undo_complete event', () => expect(cellOf('regenerated_sessions', [events(['undo_complete'], ['undo_complete']), events(['error'])])).toBe('1'));
});

describe('tool_success_rate', () => {
  it('is succeeded / total, 4 places, 0.0 without tool_outputs', () => {
    expect(cellOf('tool_success_rate', [events(['tool_output', dict({success: 1n})], ['tool_output', dict({})], ['tool_output', dict({success: 'x'})])])).toBe('0.6667');
    expect(cellOf('tool_success_rate', [events()])).toBe('0.0');
  });
});

describe('failure_rate', () => {
  it('is errored sessions / sessions', () => expect(cellOf('failure_rate', [events(['error']), events(), events(), events()])).toBe('0.25'));
});

describe('regenerate_rate', () => {
  it('is regenerated sessions / sessions', () => expect(cellOf('regenerate_rate', [events(['undo_complete']), events(), events()])).toBe('0.3333'));
});

describe('time_to_first_action_s_p50', () => {
  const start = parseTimestamp('2026-04-24T10:00:00')!;
  it('takes the first tool event in list order with a timestamp, from the session start; negatives left out', () => {
    const sessions: Session[] = [
      {events: [['tool_output', dict({}), '2026-04-24T10:00:03'], ['tool_call', dict({}), '2026-04-24T10:00:01']], facts: {start}},
      {events: [['tool_call', undefined, '2026-04-24T10:00:01.125']], facts: {start}},
      {events: [['tool_call', undefined, '2026-04-24T09:59:00']], facts: {start}},
      {events: [['tool_call', undefined, '2026-04-24T10:00:09']], facts: {start: null}},
    ];
    expect(cellOf('time_to_first_action_s_p50', sessions)).toBe('2.06');
  });
});

describe('time_to_first_action_s_p95', () => {
  const start = parseTimestamp('2026-04-24T10:00:00+00:00')!;
  it('interpolates the 95th percentile; 0.0 with none', () => {
    expect(cellOf('time_to_first_action_s_p95', [{events: [['tool_call', undefined, '2026-04-24T10:00:01']], facts: {start}}, {events: [['tool_output', undefined, '2026-04-24T10:00:03Z']], facts: {start}}])).toBe('2.9');
    expect(cellOf('time_to_first_action_s_p95', [events(['tool_call'])])).toBe('0.0');
  });
});

describe('thumbs_up', () => {
  it('counts feedback rated exactly "up"', () => expect(cellOf('thumbs_up', [events(['feedback', dict({rating: 'up'})], ['feedback', dict({rating: 'UP'})], ['feedback', dict({rating: 'down'})])])).toBe('1'));
});

describe('thumbs_down', () => {
  it('counts feedback rated exactly "down"', () => expect(cellOf('thumbs_down', [events(['feedback', dict({rating: 'down'})], ['feedback', dict({rating: ['down']})])])).toBe('1'));
});

describe('hf_jobs_submitted', () => {
  it('counts hf_job_submit events', () => expect(cellOf('hf_jobs_submitted', [events(['hf_job_submit'], ['hf_job_submit', 'x'])])).toBe('2'));
});

describe('hf_jobs_succeeded', () => {
  it('counts completions whose status lowercased is completed/succeeded/success; a non-string status is absent', () => {
    const job = (final_status: PyValue): Ev => ['hf_job_complete', dict({final_status})];
    const {cell: text, warnings} = cell('hf_jobs_succeeded', [events(job('COMPLETED'), job('Succeeded'), job('success'), job('failed'), job(5n))]);
    expect(text).toBe('3');
    expect(warnings).toEqual(['hf_job_complete final_status 5 is not a string; treated as absent']);
  });
});

describe('hf_jobs_blocked', () => {
  it('counts jobs_access_blocked events', () => expect(cellOf('hf_jobs_blocked', [events(['jobs_access_blocked']), events(['jobs_access_blocked'])])).toBe('2'));
});

describe('sandboxes_created', () => {
  it('counts sandbox_create events, whatever their data', () => expect(cellOf('sandboxes_created', [events(['sandbox_create'], ['sandbox_create', dict({hardware: 'h100'})], ['sandbox_create', 'x'])])).toBe('3'));
});

describe('sandboxes_cpu', () => {
  it('counts hardware starting with cpu- in any case', () => {
    const sb = (hardware: PyValue): Ev => ['sandbox_create', dict({hardware})];
    expect(cellOf('sandboxes_cpu', [events(sb('cpu-basic'), sb('CPU-Upgrade'), sb(' cpu-basic'), sb('cpu'), sb(null))])).toBe('2');
  });
});

describe('sandboxes_gpu', () => {
  it('counts the rest, missing hardware and (where the upstream script crashes) a non-string one too', () => {
    const {cell: text, warnings} = cell('sandboxes_gpu', [events(['sandbox_create', dict({hardware: 'a10g-large'})], ['sandbox_create'], ['sandbox_create', dict({hardware: 5n})], ['sandbox_create', dict({hardware: 'cpu-basic'})])]);
    expect(text).toBe('3');
    expect(warnings).toEqual(['sandbox_create hardware 5 is not a string (the upstream script crashes); treated as absent']);
  });
});

describe('pro_cta_clicks', () => {
  it('counts pro_cta_click events', () => expect(cellOf('pro_cta_clicks', [events(['pro_cta_click'], ['pro_cta_click', dict({source: 'x'})])])).toBe('2'));
});

describe('pro_conversions', () => {
  it('counts pro_conversion events', () => expect(cellOf('pro_conversions', [events(['pro_conversion'], ['pro_cta_click']), events(['pro_conversion'])])).toBe('2'));
});

describe('credits_topped_up', () => {
  it('counts credits_topped_up events, not the billing_required state change before them', () => {
    expect(cellOf('credits_topped_up', [events(['tool_state_change', dict({state: 'billing_required'})], ['credits_topped_up', dict({amount_usd: 10n})])])).toBe('1');
  });
});

describe('gpu_hours_by_flavor_json', () => {
  it('sums wall_time_s x GPUs / 3600 by flavor; unknown flavors 0.0; a missing flavor is "unknown"', () => {
    const job = (data: Record<string, PyValue>): Ev => ['hf_job_complete', dict(data)];
    expect(cellOf('gpu_hours_by_flavor_json', [events(job({flavor: 'a100x2', wall_time_s: 1800n}), job({flavor: 'b200x8', wall_time_s: 60n}), job({wall_time_s: 5n}))])).toBe('{"a100x2": 1.0, "b200x8": 0.0, "unknown": 0.0}');
  });
  it('keeps a flavor that is not a string, and says so', () => {
    for (const flavor of [1.5, Infinity, NaN, 5n, true] as PyValue[]) {
      expect(cell('gpu_hours_by_flavor_json', [events(['hf_job_complete', dict({flavor, wall_time_s: 60n})])]).warnings.join()).toMatch(/is not a string/);
    }
  });
});

describe('pro_cta_by_source_json', () => {
  it('counts clicks by str(source or "unknown"), keys in code-point order', () => {
    const click = (source?: PyValue): Ev => ['pro_cta_click', source === undefined ? dict({}) : dict({source})];
    expect(cellOf('pro_cta_by_source_json', [events(click('b'), click(), click(true), click('b'))])).toBe('{"True": 1, "b": 2, "unknown": 1}');
  });
});

describe('research_calls', () => {
  it('counts tool_calls named exactly "research"', () => expect(cellOf('research_calls', [events(toolCall('research'), toolCall('Research'), toolCall('research')), events(toolCall('research'))])).toBe('3'));
});

describe('sessions_with_research', () => {
  it('counts sessions with a research call', () => expect(cellOf('sessions_with_research', [events(toolCall('research'), toolCall('research')), events(toolCall('bash')), events()])).toBe('1'));
});

describe('research_calls_per_session_p50', () => {
  it('takes the median over sessions with any (two values: their mean)', () => {
    expect(cellOf('research_calls_per_session_p50', [events(toolCall('research'), toolCall('research'), toolCall('research')), events(toolCall('research')), events(toolCall('bash'))])).toBe('2.0');
  });
});

describe('research_calls_per_session_p95', () => {
  it('interpolates between two values, and is the value itself for one', () => {
    expect(cellOf('research_calls_per_session_p95', [events(toolCall('research'), toolCall('research'), toolCall('research')), events(toolCall('research'))])).toBe('2.9');
    expect(cellOf('research_calls_per_session_p95', [events(...Array.from({length: 5}, () => toolCall('research')))])).toBe('5.0');
  });
});

describe('distinct_tools_per_session_p50', () => {
  it('counts distinct names per session as dict keys (1, true and 1.0 are one)', () => {
    expect(cellOf('distinct_tools_per_session_p50', [events(toolCall(1n), toolCall(true), toolCall(1.0), toolCall(2n))])).toBe('2.0');
  });
});

describe('distinct_tools_per_session_p95', () => {
  it('leaves out sessions without a named call', () => expect(cellOf('distinct_tools_per_session_p95', [events(toolCall('a'), toolCall('b')), events(toolCall(''), toolCall())])).toBe('2.0'));
});

describe('tool_calls_per_session_p50', () => {
  it('counts named calls only', () => expect(cellOf('tool_calls_per_session_p50', [events(toolCall('a'), toolCall('a'), toolCall(null), toolCall(''))])).toBe('2.0'));
});

describe('tool_calls_per_session_p95', () => {
  it('interpolates over sessions with named calls', () => expect(cellOf('tool_calls_per_session_p95', [events(toolCall('a')), events(toolCall('a'), toolCall('b'), toolCall('c'))])).toBe('2.9'));
});

describe('tool_calls_per_turn_p50', () => {
  it('divides named calls by turns, over sessions with turns (a session of turns and no calls is 0)', () => {
    const s = (calls: number, turns: number): Session => ({events: Array.from({length: calls}, () => toolCall('a')), facts: {turns}});
    expect(cellOf('tool_calls_per_turn_p50', [s(2, 3), s(0, 2), s(5, 0)])).toBe('0.33');
  });
});

describe('tool_calls_per_turn_p95', () => {
  it('interpolates the 95th percentile', () => {
    const s = (calls: number, turns: number): Session => ({events: Array.from({length: calls}, () => toolCall('a')), facts: {turns}});
    expect(cellOf('tool_calls_per_turn_p95', [s(2, 3), s(5, 2)])).toBe('2.41');
  });
});

describe('tool_calls_by_name_json', () => {
  it('counts named calls by name, in code-point order with \\u escapes', () => {
    expect(cellOf('tool_calls_by_name_json', [events(toolCall('research'), toolCall('\u{1f680}'), toolCall('\uff5e')), events(toolCall('research'), toolCall('bash'))])).toBe('{"bash": 1, "research": 2, "\\uff5e": 1, "\\ud83d\\ude80": 1}');
  });
  it('treats a name Python cannot hash as absent (the upstream script crashes), and says so', () => {
    const {cell: text, warnings} = cell('tool_calls_by_name_json', [events(toolCall(['x']), toolCall('a'))]);
    expect(text).toBe('{"a": 1}');
    expect(warnings).toEqual(['tool_call tool ["x"] is a list or object (the upstream script crashes); treated as absent']);
  });
  it('treats a truthy non-object data as {} (the upstream script crashes), and says so', () => {
    expect(cell('tool_calls_by_name_json', [events(['tool_call', ['bash']])]).warnings).toEqual(['tool_call event data ["bash"] is not an object; treated as {}']);
  });
});

describe('sessions_using_tool_json', () => {
  it('counts each session once per name, keeping the first-seen key', () => {
    expect(cellOf('sessions_using_tool_json', [events(toolCall(1n), toolCall(true)), events(toolCall(true))])).toBe('{"1": 2}');
    expect(cellOf('sessions_using_tool_json', [events(toolCall('x'), toolCall('x')), events(toolCall('x'), toolCall('y'))])).toBe('{"x": 2, "y": 1}');
  });
});

describe('sessions_by_model_json', () => {
  it('counts sessions by model_name, "unknown" when there is none', () => {
    expect(cellOf('sessions_by_model_json', [{facts: {model: model('moonshotai/Kimi-K2.6:novita')}}, {facts: {model: UNKNOWN}}, {facts: {model: model('moonshotai/Kimi-K2.6:novita')}}])).toBe('{"moonshotai/Kimi-K2.6:novita": 2, "unknown": 1}');
  });
});

describe('schemaColumns', () => {
  it('returns each schema\'s entries in order', () => {
    for (const name of SCHEMA_NAMES) expect(schemaColumns(name).map(c => c.column)).toEqual([...SCHEMAS[name]]);
  });
});
