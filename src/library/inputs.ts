import type {Readable} from 'node:stream';
import {folderBuckets, type BucketPlan} from '../buckets.js';
import {hubConnection, type HubOptions} from '../hub/config.js';
import type {PipelineOptions} from '../pipeline.js';
import {listLocalFiles} from '../sources/local-files.js';
import {stdinRows} from '../sources/stdin-rows.js';
import type {InputRef, SessionInput} from '../types.js';

/** What runPipeline reads: the inputs in canonical order, how many, and the buckets each may reach. */
export type PipelineInputs = Pick<PipelineOptions, 'inputs' | 'total' | 'allowedFor'>;

/** Inputs listed from day folders, with the paths found in each folder (what a cache may keep). */
export interface ListedInputs extends PipelineInputs {
  total: number;
  /** Every day folder the plan reads, with its files' paths in canonical order. */
  folders: Map<string, string[]>;
}

/**
 * The session files of a local folder laid out like the dataset (`DIR/sessions/YYYY-MM-DD/*.jsonl`)
 * that `plan` needs: the day folders of its hours and the day before each (`--source-dir`).
 */
export async function folderInputs(dir: string, plan: BucketPlan): Promise<ListedInputs> {
  const byFolder = folderBuckets(plan);
  const files = await listLocalFiles(dir, [...byFolder.keys()]);
  return listedInputs(files.map(f => ({...f, ref: {kind: 'local', dir, path: f.path}})), byFolder);
}

/**
 * The session files of a Hub dataset that `plan` needs, listed one day folder at a time. The Hub
 * client is loaded only here, so a caller that reads folders never loads it.
 */
export async function hubInputs(repo: string, plan: BucketPlan, hub: HubOptions): Promise<ListedInputs> {
  const {listHubFiles} = await import('../sources/hub-files.js');
  const byFolder = folderBuckets(plan);
  const files = await listHubFiles(repo, [...byFolder.keys()], hub);
  const connection = hubConnection(hub);
  return listedInputs(files.map(f => ({...f, ref: {kind: 'hub', repo, path: f.path, size: f.size, oid: f.oid, hub: connection}})), byFolder);
}

/**
 * Session rows from a byte stream: one per line, or simply concatenated (`--stdin`). Rows have no
 * day folder, so any requested hour (any hour at all for `planTouchedHours()`) is open to them.
 * `onEmpty` is called when the stream held no row.
 */
export function rowInputs(stream: Readable, plan: BucketPlan, onEmpty?: () => void): PipelineInputs {
  const requested = plan.kind === 'hourly' ? new Set(plan.indices) : null;
  return {
    inputs: (async function* () {
      let seq = 0;
      for await (const row of stdinRows(stream)) yield {seq: seq++, name: row.name, folder: null, ref: {kind: 'bytes', bytes: row.bytes}};
      if (seq === 0) onEmpty?.();
    })(),
    total: null,
    allowedFor: () => requested,
  };
}

function listedInputs(files: ReadonlyArray<{path: string; folder: string; ref: InputRef}>, byFolder: ReadonlyMap<string, ReadonlySet<number>>): ListedInputs {
  return {
    folders: new Map([...byFolder.keys()].map(day => [day, files.filter(f => f.folder === day).map(f => f.path)])),
    inputs: (async function* (): AsyncGenerator<SessionInput> {
      for (const [seq, f] of files.entries()) yield {seq, name: f.path, folder: f.folder, ref: f.ref};
    })(),
    total: files.length,
    allowedFor: input => byFolder.get(input.folder!) ?? new Set<number>(),
  };
}
