import {writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {bucketAt, folderBuckets, type BucketPlan} from '../../src/buckets.js';
import {cachedReader, reachableFrame} from '../../src/cache/cached-reader.js';
import {ResultCache, type CacheSlot, type CacheWarn} from '../../src/cache/result-cache.js';
import {normalizeHubOptions} from '../../src/hub/config.js';
import {planDay, planHour, planRange} from '../../src/library/plan.js';
import type {ReadSessionOptions, SessionReader} from '../../src/session/read.js';
import type {InputRef, InputWarning, SessionInput, SessionResult} from '../../src/types.js';
import {scratchDir, writeTree} from '../support/scratch-dir.js';

describe('reachableFrame', () => {
  it('reads a file of the daily backfill for its one bucket', () => {
    const plan = planDay('2026-04-20');
    expect(reachableFrame(plan, '2026-04-20')).toEqual({mode: 'daily', plan, allowed: new Set([0]), shift: 0});
  });

  it('has no frame for every-touched-hour runs (stdin)', () => {
    expect(reachableFrame({kind: 'touched'}, '2026-04-20')).toBeUndefined();
  });

  it.each(['', '-08:00', '+05:30'])('covers, in the run\'s offset (%s), every hour the folder rule lets a folder reach, at the same instants', offset => {
    const plan = planRange(`2026-04-18T00${offset}`, `2026-04-23T00${offset}`);
    for (const [folder, allowed] of folderBuckets(plan)) {
      const frame = reachableFrame(plan, folder)!;
      expect(frame.mode).toBe(`h${plan.kind === 'hourly' ? plan.offsetMicros : ''}`);
      expect(frame.allowed).toEqual(new Set(Array.from({length: 48}, (_, i) => i)));
      for (const bucket of allowed) {
        const inFrame = bucket - frame.shift;
        expect(frame.allowed.has(inFrame), `${folder} bucket ${bucket}`).toBe(true);
        expect(bucketAt(frame.plan, inFrame)).toEqual(bucketAt(plan, bucket));
      }
    }
  });
});

/** A cache that records the slots it is asked about; `bogus` answers every get with a value that is no result. */
class RecordingCache extends ResultCache {
  readonly slots: CacheSlot[] = [];
  readonly stored: unknown[] = [];
  constructor(private readonly bogus = false) {
    super({schema: 'v1'});
  }
  override async get(slot: CacheSlot, warn: CacheWarn): Promise<unknown> {
    this.slots.push(slot);
    return this.bogus ? {not: 'a result'} : super.get(slot, warn);
  }
  override async put(slot: CacheSlot, value: unknown, warn: CacheWarn): Promise<void> {
    this.stored.push(value);
    return super.put(slot, value, warn);
  }
}

/**
 * A reader that records the options it is called with and answers with contributions to frame
 * buckets 5, 29 and 30 (hours 05, 05 and 06 of the next day for a UTC hourly frame).
 */
function fakeReader() {
  const calls: ReadSessionOptions[] = [];
  const read: SessionReader = async (input, options) => {
    calls.push(options);
    return {
      seq: input.seq, name: input.name, bytes: 100, events: 7,
      eventsByBucket: new Map([[5, 4], [29, 2], [30, 1]]),
      contributions: [5, 29, 30].map(bucket => ({bucket, states: [`frame ${bucket}`]})),
      warnings: [{code: 'value_coerced', file: input.name, message: 'x'}],
    };
  };
  return {read, calls};
}

const scratch = scratchDir('cached-reader');
const dir = writeTree(scratch, {'sessions/2026-04-20/a.jsonl': '{"session_id": "a"}'});
const input = (ref: InputRef = {kind: 'local', dir, path: 'sessions/2026-04-20/a.jsonl'}, folder: string | null = '2026-04-20'): SessionInput => ({seq: 3, name: 'sessions/2026-04-20/a.jsonl', folder, ref});

/** What the reader gives a run of `plan` (its folder rule applied), and the warnings on the way. */
async function readFor(reader: ReturnType<typeof cachedReader>, plan: BucketPlan, from: SessionInput = input()) {
  const allowed = plan.kind === 'touched' ? null : folderBuckets(plan).get(from.folder ?? '') ?? new Set<number>();
  return reader.read(from, {plan, allowed});
}

function setup(cache = new RecordingCache()) {
  const fake = fakeReader();
  const warned: InputWarning[] = [];
  const reader = cachedReader({cache, read: fake.read, warn: w => void warned.push(w)});
  return {cache, fake, warned, reader};
}

describe('cachedReader', () => {
  it('reads a new file once for every hour it can reach, and gives the run the hours it asked for', async () => {
    const {fake, reader} = setup();
    const result = await readFor(reader, planHour('2026-04-21T05'));
    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call!.plan).toMatchObject({kind: 'hourly', indices: Array.from({length: 48}, (_, i) => i)});
    expect(call!.allowed?.size).toBe(48);
    // Frame bucket 29 is 2026-04-21T05, the run's bucket 0.
    expect(result).toEqual({
      seq: 3, name: 'sessions/2026-04-20/a.jsonl', bytes: 100, events: 2,
      contributions: [{bucket: 0, states: ['frame 29']}],
      warnings: [{code: 'value_coerced', file: 'sessions/2026-04-20/a.jsonl', message: 'x'}],
    });
    expect(reader.stats.hits).toBe(0);
  });

  it('answers the next run from the cache, renumbered for its hours, with no bytes read', async () => {
    const {fake, reader} = setup();
    await readFor(reader, planHour('2026-04-21T05'));
    const next = await readFor(reader, planHour('2026-04-21T06'));
    expect(fake.calls).toHaveLength(1);
    expect(reader.stats.hits).toBe(1);
    // The audit trail calls it `cached`.
    expect(next).toMatchObject({bytes: 0, events: 1, contributions: [{bucket: 0, states: ['frame 30']}], cached: true});
    const range = await readFor(reader, planRange('2026-04-21T04', '2026-04-21T07'));
    expect(range.contributions).toEqual([{bucket: 1, states: ['frame 29']}, {bucket: 2, states: ['frame 30']}]);
  });

  it('shows a file\'s warnings only to the runs it contributes to', async () => {
    const {reader} = setup();
    await readFor(reader, planHour('2026-04-21T05'));
    const elsewhere = await readFor(reader, planHour('2026-04-21T12'));
    expect(elsewhere).toMatchObject({events: 0, contributions: [], warnings: []});
  });

  it('keeps what the run needs and no more: no seq, no name', async () => {
    const {cache, reader} = setup();
    await readFor(reader, planHour('2026-04-21T05'));
    expect(cache.stored).toEqual([{
      bytes: 100, events: 7, eventsByBucket: new Map([[5, 4], [29, 2], [30, 1]]),
      contributions: [5, 29, 30].map(bucket => ({bucket, states: [`frame ${bucket}`]})),
      warnings: [{code: 'value_coerced', file: 'sessions/2026-04-20/a.jsonl', message: 'x'}],
    }]);
  });

  it('keys an entry by source, folder, path, frame and the file\'s identity', async () => {
    const {cache, reader} = setup();
    await readFor(reader, planHour('2026-04-21T05'));
    await readFor(reader, planHour('2026-04-21T05-08:00'));
    await readFor(reader, planDay('2026-04-20'));
    const [utc, offset, daily] = cache.slots;
    expect(utc).toMatchObject({source: `local:${resolve(dir)}`, folder: '2026-04-20', path: 'sessions/2026-04-20/a.jsonl', mode: 'h0'});
    expect(utc!.identity).toEqual(expect.any(String));
    expect(offset!.mode).toBe(`h${-8 * 3600e6}`);
    expect(daily!.mode).toBe('daily');
    const hub: InputRef = {kind: 'hub', repo: 'acme/sessions', path: 'sessions/2026-04-20/a.jsonl', oid: 'blob-1', hub: normalizeHubOptions({hubUrl: 'http://127.0.0.1:1', token: 't', retries: 0})};
    await readFor(reader, planHour('2026-04-21T05'), input(hub));
    expect(cache.slots.at(-1)).toMatchObject({source: 'hub:acme/sessions', identity: 'blob-1'});
  });

  it('reads a local file again once it changed', async () => {
    const {fake, reader} = setup();
    await readFor(reader, planHour('2026-04-21T05'));
    writeFileSync(join(dir, 'sessions/2026-04-20/a.jsonl'), '{"session_id": "a", "changed": true}');
    await readFor(reader, planHour('2026-04-21T05'));
    expect(fake.calls).toHaveLength(2);
  });

  it('passes stdin rows, Hub files without a blob id and every-touched-hour runs to the reader, every time', async () => {
    const {cache, fake, reader} = setup();
    const plan = planHour('2026-04-21T05');
    const hub: InputRef = {kind: 'hub', repo: 'acme/sessions', path: 'sessions/2026-04-20/a.jsonl', hub: normalizeHubOptions({hubUrl: 'http://127.0.0.1:1', token: 't', retries: 0})};
    const stdin = input({kind: 'bytes', bytes: new Uint8Array(0)}, null);
    for (let n = 0; n < 2; n++) {
      await readFor(reader, plan, input(hub));
      await reader.read(stdin, {plan, allowed: null});
      await readFor(reader, {kind: 'touched'}, input());
    }
    expect(fake.calls).toHaveLength(6);
    expect(fake.calls.map(call => call.plan)).toEqual([plan, plan, {kind: 'touched'}, plan, plan, {kind: 'touched'}]);
    expect([cache.slots, cache.stored, reader.stats.hits]).toEqual([[], [], 0]);
  });

  it('warns about a cached value that is no session result, and reads the file again', async () => {
    const {fake, warned, reader} = setup(new RecordingCache(true));
    const result = await readFor(reader, planHour('2026-04-21T05'));
    expect(fake.calls).toHaveLength(1);
    expect(result.contributions).toHaveLength(1);
    expect(warned).toEqual([{code: 'cache_entry_invalid', file: 'sessions/2026-04-20/a.jsonl', message: expect.stringMatching(/does not hold a session result; rebuilt$/)}]);
  });
});
