import {mkdir, rename, rm, writeFile} from 'node:fs/promises';
import {dirname, join, resolve, sep} from 'node:path';
import {KpiError} from '../errors.js';

/** A finished output file: its path inside the target dataset and its bytes. */
export interface OutputFile {
  path: string;
  content: string;
}

/**
 * Writes each file under `outDir` atomically: a temp file beside it, then a rename, so an
 * interrupted run leaves either the old file or the new one, never half of one. Refuses any path
 * that would land outside `outDir`.
 */
export async function writeLocalFiles(outDir: string, files: readonly OutputFile[]): Promise<string[]> {
  const root = resolve(outDir);
  const written: string[] = [];
  for (const file of files) {
    const target = safeJoin(root, file.path);
    await mkdir(dirname(target), {recursive: true});
    const temp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await writeFile(temp, file.content);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, {force: true});
      throw new KpiError('KPI_UPLOAD_FAILED', `cannot write ${target}: ${(error as Error).message}`);
    }
    written.push(target);
  }
  return written;
}

/** `root/relative`, or an error if `relative` climbs out of `root`. */
export function safeJoin(root: string, relative: string): string {
  const target = resolve(join(root, ...relative.split('/')));
  if (!target.startsWith(root + sep)) {
    throw new KpiError('KPI_OPTION_INVALID', `refusing to write ${relative}: outside the output folder ${root}`);
  }
  return target;
}
