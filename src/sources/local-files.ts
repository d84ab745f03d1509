import {readdir, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {compareCodePoints} from '../py/json-dumps.js';
import {KpiError} from '../errors.js';

/** A session file found in a day folder, before it is read. */
export interface ListedFile {
  /** Repo-relative path with `/` separators: `sessions/2026-04-24/abc.jsonl`. */
  path: string;
  folder: string;
}

/**
 * Lists `DIR/sessions/<day>/**` for each day, as the reference filters its listing: every file
 * below the folder (subfolders too) whose name ends in `.jsonl`, sorted by path in code point
 * order, folders in the order given. `.git` folders are passed over; symlinked folders are not
 * followed (like os.walk).
 */
export async function listLocalFiles(dir: string, days: readonly string[]): Promise<ListedFile[]> {
  try {
    const top = await stat(dir);
    if (!top.isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new KpiError('KPI_OPTION_INVALID', `--source-dir ${dir} cannot be read (${(error as Error).message}); give a folder that holds sessions/YYYY-MM-DD/*.jsonl`);
  }
  const out: ListedFile[] = [];
  for (const day of days) {
    const found: string[] = [];
    await walk(join(dir, 'sessions', day), `sessions/${day}`, found);
    found.sort(compareCodePoints);
    for (const path of found) out.push({path, folder: day});
  }
  return out;
}

async function walk(absolute: string, relative: string, found: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(absolute, {withFileTypes: true});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // no sessions that day
    throw new KpiError('KPI_INPUT_UNREADABLE', `cannot list ${absolute}: ${(error as Error).message}`);
  }
  for (const entry of entries) {
    const abs = join(absolute, entry.name);
    const rel = `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== '.git') await walk(abs, rel, found);
    } else if (entry.name.endsWith('.jsonl')) {
      if (entry.isSymbolicLink() && (await stat(abs).catch(() => undefined))?.isDirectory()) continue;
      found.push(rel);
    }
  }
}
