import {lstat, mkdir, realpath, rename, rm, stat, writeFile} from 'node:fs/promises';
import {basename, dirname, join, resolve, sep} from 'node:path';
import {KpiError} from '../errors.js';
import type {OutputFile} from '../types.js';

/**
 * Writes each file under `outDir` atomically: a temp file beside it, then a rename, so an
 * interrupted run leaves either the old file or the new one, never half of one. Refuses any path
 * that would land outside `outDir`, by its name (`..`) or through a symlinked folder inside
 * `outDir`; every path is checked before the first file is written.
 */
export async function writeLocalFiles(outDir: string, files: readonly OutputFile[]): Promise<string[]> {
  const root = resolve(outDir);
  const targets = files.map(file => ({file, target: safeJoin(root, file.path)}));
  if (targets.length === 0) return [];
  await makeDirs(root);
  const realRoot = await realpath(root);
  for (const {file, target} of targets) await checkRealFolder(realRoot, dirname(target), file.path);
  const written: string[] = [];
  for (const {file, target} of targets) {
    await makeDirs(dirname(target));
    // Checked again now that the folders exist: one may have been swapped for a link meanwhile.
    const folder = await checkRealFolder(realRoot, dirname(target), file.path);
    const temp = join(folder, `.${basename(target)}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    try {
      // `wx`: never write through something already at the temp name.
      await writeFile(temp, file.content, {flag: 'wx'});
      await rename(temp, join(folder, basename(target)));
    } catch (error) {
      await rm(temp, {force: true});
      throw new KpiError('KPI_OUTPUT_FAILED', `cannot write ${target}: ${(error as Error).message}`);
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

/**
 * Where `folder` really is (its deepest existing part, links resolved); an error when that is
 * outside `realRoot`. Returns the real path of `folder` when it exists.
 */
async function checkRealFolder(realRoot: string, folder: string, relative: string): Promise<string> {
  let existing = folder;
  while (!(await lstat(existing).then(() => true, () => false)) && dirname(existing) !== existing) existing = dirname(existing);
  // A link that leads nowhere (yet) is refused too: mkdir would follow it.
  const real = await realpath(existing).catch(() => undefined);
  if (real === undefined || (real !== realRoot && !real.startsWith(realRoot + sep))) {
    throw new KpiError(
      'KPI_OPTION_INVALID',
      `refusing to write ${relative}: ${existing} leads to ${real ?? 'nowhere'}, outside the output folder ${realRoot}; remove that link or choose another --out-dir`,
    );
  }
  return existing === folder ? real : join(real, folder.slice(existing.length));
}

/**
 * `mkdir -p`, one folder at a time: Node's recursive mkdir loops forever under /proc (issue 14),
 * where a folder that cannot be created reports ENOENT although its parent exists. A failure is a
 * one-line KPI_OUTPUT_FAILED naming the folder.
 */
export async function makeDirs(folder: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    const found = await lstat(dir).then(s => s, () => undefined);
    if (found) {
      if (!found.isDirectory() && !(found.isSymbolicLink() && (await stat(dir).catch(() => undefined))?.isDirectory())) {
        throw new KpiError('KPI_OUTPUT_FAILED', `cannot create ${folder}: ${dir} is not a folder`);
      }
      break;
    }
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    try {
      await mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new KpiError('KPI_OUTPUT_FAILED', `cannot create ${folder}: mkdir ${dir} failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
}
