import {createHash} from 'node:crypto';
import {listFiles} from '@huggingface/hub';
import {datasetRepo, type HubOptions} from '../hub/config.js';
import {hubError, hubFetch, keepErrorCode, statusOf} from '../hub/fetch.js';
import type {OutputFile} from '../types.js';

/** The git blob id of a file's bytes (sha1 of `blob <length>\0` + bytes): the Hub lists it as a regular file's `oid`. */
export function gitBlobId(content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * The paths among `files` whose bytes the target already holds, by comparing each file's git blob
 * id with the target's listing: one non-recursive listing per folder the files go to
 * (`hourly/2026-04-24`, `daily`), never the whole repository. A target or folder that does not
 * exist holds nothing. Re-running the same hours then commits nothing, as the Python Hub client
 * skips a commit whose files are all unchanged (issue 14): with `--hours 3` every hour, an
 * identical commit each time would spend the Hub's commits-per-hour quota on nothing.
 */
export async function unchangedPaths(repo: string, files: readonly OutputFile[], hub: HubOptions): Promise<Set<string>> {
  const repoId = datasetRepo(repo, '--target');
  const wanted = new Map(files.map(f => [f.path, gitBlobId(f.content)]));
  const folders = [...new Set(files.map(f => f.path.slice(0, Math.max(0, f.path.lastIndexOf('/')))))];
  const unchanged = new Set<string>();
  const retrying = hubFetch(hub, {wholeBody: true});
  for (const folder of folders) {
    const {fetch, errorCode} = keepErrorCode(retrying);
    try {
      for await (const entry of listFiles({repo: repoId, path: folder, hubUrl: hub.hubUrl, fetch})) {
        if (entry.type === 'file' && !entry.lfs && wanted.get(entry.path) === entry.oid) unchanged.add(entry.path);
      }
    } catch (error) {
      if (statusOf(error) === 404) {
        if (errorCode() === 'RepoNotFound') return unchanged; // a new target: everything is a change
        continue; // no such folder yet
      }
      throw hubError('KPI_UPLOAD_FAILED', `cannot list ${folder}/ in dataset ${repo} to compare with the files of this run`, error, hub, {repo, folder});
    }
  }
  return unchanged;
}
