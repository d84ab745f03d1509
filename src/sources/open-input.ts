import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {Readable} from 'node:stream';
import {KpiError} from '../errors.js';
import type {InputRef} from '../types.js';

/**
 * Opens an input's bytes: a local file, bytes already read (stdin), or a Hub download stream.
 * A failure to read is KPI_INPUT_UNREADABLE: the input's buckets are then incomplete.
 */
export async function openInput(ref: InputRef): Promise<Readable | Uint8Array> {
  switch (ref.kind) {
    case 'bytes':
      return ref.bytes;
    case 'local':
      try {
        return await readFile(join(ref.dir, ...ref.path.split('/')));
      } catch (error) {
        throw new KpiError('KPI_INPUT_UNREADABLE', (error as Error).message, {file: ref.path});
      }
    case 'hub': {
      const {openHubFile} = await import('./hub-files.js');
      return openHubFile(ref.repo, ref.path, {hubUrl: ref.hubUrl, token: ref.token, retries: ref.retries}, ref.size);
    }
  }
}
