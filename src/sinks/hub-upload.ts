import {commit, createRepo, type CommitFile} from '@huggingface/hub';
import {KpiError} from '../errors.js';
import {datasetRepo, type HubOptions} from '../hub/config.js';
import {hubError, hubFetch, keepErrorCode, statusOf} from '../hub/fetch.js';
import type {OutputFile} from '../types.js';

/**
 * Commits all `files` to the dataset in ONE commit on `main` (preupload + NDJSON commit: two
 * requests, each retried per hubFetch). A dataset that does not exist yet (404 RepoNotFound on the
 * first call) is created, then the commit is made again. Committing the same bytes again leaves the files as
 * they are. Any failure is KPI_UPLOAD_FAILED, token redacted.
 *
 * A retried commit whose first try did land (an answer lost to a reset) commits the same bytes
 * twice; the files end up the same, which is what a re-run must give anyway.
 */
export async function commitFiles(repo: string, files: readonly OutputFile[], message: string, hub: HubOptions): Promise<{commitOid?: string}> {
  const repoId = datasetRepo(repo, '--target');
  if (!message.trim()) throw new KpiError('KPI_OPTION_INVALID', 'a commit message must not be empty');
  if (files.length === 0) return {};
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) throw new KpiError('KPI_OPTION_INVALID', `${file.path} is twice in one commit`);
    seen.add(file.path);
  }
  const {fetch, errorCode} = keepErrorCode(hubFetch(hub));
  const operations: CommitFile[] = files.map(f => ({operation: 'addOrUpdate', path: f.path, content: new Blob([f.content])}));
  const once = () => commit({repo: repoId, title: message, operations, hubUrl: hub.hubUrl, fetch, abortSignal: hub.signal, useXet: false});
  const what = `cannot commit ${files.length} file${files.length === 1 ? '' : 's'} to dataset ${repo}`;
  try {
    let output;
    try {
      output = await once();
    } catch (error) {
      if (statusOf(error) !== 404 || (errorCode() ?? 'RepoNotFound') !== 'RepoNotFound') throw error;
      await createDataset(repoId, hub, fetch);
      output = await once();
    }
    return {commitOid: output?.commit.oid};
  } catch (error) {
    throw hubError('KPI_UPLOAD_FAILED', what, error, hub, {repo});
  }
}

async function createDataset(repo: {type: 'dataset'; name: string}, hub: HubOptions, fetch: typeof globalThis.fetch): Promise<void> {
  try {
    // hubFetch sends the token; the empty credential keeps the client from sending one itself.
    await createRepo({repo, hubUrl: hub.hubUrl, fetch, credentials: {accessToken: ''}});
  } catch (error) {
    if (statusOf(error) !== 409) throw error; // 409: created meanwhile, which is fine
  }
}
