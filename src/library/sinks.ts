import type {HubOptions} from '../hub/config.js';
import type {OutputFile} from '../types.js';

/**
 * Commits `files` (see outputFiles) to a Hub dataset in one commit, creating the dataset when it
 * does not exist. The Hub client is loaded only here, so a caller that writes folders never loads it.
 */
export async function commitToHub(repo: string, files: readonly OutputFile[], message: string, hub: HubOptions): Promise<{commitOid?: string}> {
  const {commitFiles} = await import('../sinks/hub-upload.js');
  return commitFiles(repo, files, message, hub);
}
