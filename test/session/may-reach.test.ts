import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {folderBuckets, hourStart, type BucketPlan} from '../../src/buckets.js';
import {addDays, generateCorpus, type CorpusInfo} from '../../tools/corpus/corpus.js';
import {readSession} from '../../src/session/read.js';
import {parseIsoDateTime} from '../../src/time/iso.js';
import {hourPrefilter} from '../../src/session/may-reach.js';

const hourly = (from: string, hours = 1): BucketPlan => {
  const {base, offsetMicros} = hourStart(parseIsoDateTime(from)!);
  return {kind: 'hourly', base, offsetMicros, indices: Array.from({length: hours}, (_, i) => i)};
};
const bytes = (text: string) => new TextEncoder().encode(text);
/** A session row as the uploader writes it: events double-encoded. */
const row = (events: unknown[]) => JSON.stringify({session_id: 's', events: JSON.stringify(events)});
const at = (timestamp: unknown) => row([{timestamp, event_type: 'tool_call', data: {}}]);
const mayReach = (plan: BucketPlan, text: string) => hourPrefilter(plan, new Set(plan.kind === 'hourly' ? plan.indices : []))!(bytes(text));

describe('hourPrefilter', () => {
  const plan = hourly('2026-04-25T14');
  it('says no for a file whose events are all on other days', () => {
    expect(mayReach(plan, at('2026-04-20T14:30:00'))).toBe(false);
  });
  it('says no for events the same day in other hours', () => {
    expect(mayReach(plan, at('2026-04-25T13:59:59.999999'))).toBe(false);
    expect(mayReach(plan, at('2026-04-25T15:00:00'))).toBe(false);
  });
  it('says yes for an event in the hour, however the timestamp is written', () => {
    for (const ts of ['2026-04-25T14:00:00', '2026-04-25 14:59:59.999999', '20260425T143000', '2026-04-25T16:30+02:30', '2026-04-26T13:30:00+23:30', '2026-04-24T14:30:00.000001+00:00'.replace('+00:00', '-23:59:59.999999'), '2026-W17-6T14', '2026W176T1430Z', '2026-04-25"14:10', '2026-04-25\\14:10']) {
      expect(mayReach(plan, at(ts)), ts).toBe(true);
    }
  });
  it('says yes for an event written as a plain list, not double-encoded', () => {
    expect(mayReach(plan, JSON.stringify({events: [{timestamp: '2026-04-25T14:20:00'}]}))).toBe(true);
  });
  it('says yes when a timestamp hides its quote, a year digit or a date character behind an escape', () => {
    const inWindow = at('2026-04-25T14:30:00');
    // As the uploader would write `\u0032026-...`, `\u002d` and a quote escaped at the outer level.
    expect(mayReach(plan, inWindow.replace('2026-04-25T14', '\\\\u0032026-04-25T14'))).toBe(true);
    expect(mayReach(plan, inWindow.replace('2026-04-25T14', '2026\\\\u002d04-25T14'))).toBe(true);
    expect(mayReach(plan, inWindow.replace('\\"2026', '\\u00222026'))).toBe(true);
  });
  it('still says no when the only escapes are of non-ASCII text', () => {
    expect(mayReach(plan, row([{timestamp: '2026-04-20T14:30:00', data: {output: 'caf\u00e9 東京'}}]))).toBe(false);
  });
  it('tells the escapes that can hide a candidate from the other \\u00XX escapes, up to the last byte', () => {
    // Python's json.dumps writes non-ASCII text as \u00XX escapes: these hide no quote or digit.
    const ascii = (text: string) => text.replace(/[\u0080-\uffff]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const offDay = row([{timestamp: '2026-04-20T14:30:00', data: {output: 'café, naïve, \u00a0'}}]);
    expect(mayReach(plan, ascii(offDay))).toBe(false);
    expect(mayReach(plan, offDay + '\\u0020\\u002f\\u0021\\u0023')).toBe(false);
    for (const tail of ['\\u0030', '\\u0039', '\\u0022', 'u003', 'u0022']) expect(mayReach(plan, offDay + tail), tail).toBe(true);
    for (const tail of ['u00', 'u002', 'u0', 'u']) expect(mayReach(plan, offDay + tail), tail).toBe(false);
  });
  it('ignores dates in other strings unless they could be timestamps in the hour', () => {
    expect(mayReach(plan, row([{timestamp: '2026-04-20T10:00:00', data: {output: '2026-04-19 14:10:00 INFO done'}}]))).toBe(false);
  });
  it('does not filter daily runs', () => {
    expect(hourPrefilter({kind: 'daily', day: '2026-04-25'}, new Set([0]))).toBeNull();
  });
});

describe('hourPrefilter on generated corpora: a "no" never drops a contribution', () => {
  let dir: string;
  let corpora: CorpusInfo[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kpi-prefilter-'));
    corpora = [
      generateCorpus(join(dir, 'nasty'), {seed: 5, profile: 'nasty', days: 3, sessionsPerDay: 10, sizeScale: 0.02}),
      generateCorpus(join(dir, 'realistic'), {seed: 6, profile: 'realistic', days: 3, sessionsPerDay: 10, sizeScale: 0.05}),
    ];
  });
  afterAll(() => rmSync(dir, {recursive: true, force: true}));

  it('checks every file against every hour of the corpus, in UTC and in an offset', async () => {
    let no = 0;
    let checked = 0;
    for (const [name, corpus] of [['nasty', corpora[0]!], ['realistic', corpora[1]!]] as const) {
      const root = join(dir, name);
      for (let hour = 0; hour < 24 * (corpus.days.length + 1); hour += 1) {
        for (const offset of hour % 5 === 0 ? ['', '+05:30'] : ['']) {
          const plan = hourly(`${addDays(corpus.days[0]!, Math.floor(hour / 24))}T${String(hour % 24).padStart(2, '0')}${offset}`);
          const byFolder = folderBuckets(plan);
          for (const file of corpus.files) {
            const allowed = byFolder.get(file.path.split('/')[1]!) ?? new Set<number>();
            const filter = hourPrefilter(plan, allowed)!;
            const content = readFileSync(join(root, file.path));
            if (filter(content)) continue;
            no++;
            const result = await readSession({seq: 0, name: file.path, folder: null, ref: {kind: 'bytes', bytes: content}}, {plan, allowed});
            expect(result.contributions, `${file.path} at ${JSON.stringify(plan)}`).toEqual([]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(no);
    expect(no).toBeGreaterThan(100);
  });
});
