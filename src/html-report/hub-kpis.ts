import {listFiles} from '@huggingface/hub';
import pLimit from 'p-limit';
import {datasetRepo, type HubOptions} from '../hub/config.js';
import {hubError, hubFetch, keepErrorCode, statusOf} from '../hub/fetch.js';
import {unsafePath} from '../sources/hub-files.js';
import {kpiPlace, type KpiFile} from './kpi-files.js';
import type {KpiSourceOptions} from './local-kpis.js';

/**
 * The KPI files of dataset `repo` in the range: one recursive listing each of `hourly/` and
 * `daily/` (following its `Link` pages), then each file downloaded whole, `concurrency` at a time,
 * with the run's retries (a cut body is asked again). A folder that does not exist is empty; a
 * missing repo, a refused token or a download that fails after the retries is KPI_INPUT_UNREADABLE.
 */
export async function readHubKpis(repo: string, hub: HubOptions & {concurrency: number}, options: KpiSourceOptions): Promise<KpiFile[]> {
  const repoId = datasetRepo(repo, '--target');
  const retrying = hubFetch(hub, {wholeBody: true});
  const paths: string[] = [];
  for (const folder of ['hourly', 'daily']) {
    const {fetch, errorCode} = keepErrorCode(retrying);
    try {
      for await (const entry of listFiles({repo: repoId, path: folder, recursive: true, hubUrl: hub.hubUrl, fetch})) {
        const place = entry.type === 'file' ? kpiPlace(entry.path) : undefined;
        // A KPI path is plain by its pattern; unsafePath guards the URL it becomes all the same.
        if (place && options.inRange(place) && !unsafePath(entry.path, `${folder}/`)) paths.push(entry.path);
      }
    } catch (error) {
      if (statusOf(error) === 404 && errorCode() !== 'RepoNotFound' && errorCode() !== 'RevisionNotFound') continue; // no such folder
      throw hubError('KPI_INPUT_UNREADABLE', `cannot list ${folder}/ in dataset ${repo}`, error, hub, {folder});
    }
  }
  const limit = pLimit(hub.concurrency);
  const download = async (path: string): Promise<KpiFile | undefined> => {
    const url = `${hub.hubUrl}/datasets/${repoId.name}/resolve/main/${path.split('/').map(encodeURIComponent).join('/')}`;
    let response: Response;
    try {
      response = await retrying(url);
    } catch (error) {
      throw hubError('KPI_INPUT_UNREADABLE', `cannot download ${path} from dataset ${repo}`, error, hub, {file: path});
    }
    if (response.status === 404) {
      options.skip(path, 'listed but gone when downloaded (HTTP 404)');
      return undefined;
    }
    if (!response.ok) {
      const error = Object.assign(new Error(`HTTP ${response.status}`), {statusCode: response.status});
      throw hubError('KPI_INPUT_UNREADABLE', `cannot download ${path} from dataset ${repo}`, error, hub, {file: path});
    }
    return {path, text: await response.text()};
  };
  const files = await Promise.all(paths.sort().map(path => limit(() => download(path))));
  return files.filter((f): f is KpiFile => f !== undefined);
}
