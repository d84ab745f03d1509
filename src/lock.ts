import {createHash} from 'node:crypto';
import {open, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {KpiError} from './errors.js';

/** A lock this run holds; `release` removes it (once). */
export interface RunLock {
  path: string;
  release(): Promise<void>;
}

/** The lock of an output folder: a file inside it, seen by every run that writes there. */
export const outDirLockPath = (outDir: string) => join(outDir, '.kpi-stream.lock');

/**
 * The lock of a Hub target on this machine (two cron entries, or a backfill started by hand while
 * the hourly job runs). Runs on other machines do not see it: the Hub has no lock to take.
 */
export function targetLockPath(hubUrl: string, target: string): string {
  const key = createHash('sha1').update(`${hubUrl}\n${target}`).digest('hex').slice(0, 16);
  return join(tmpdir(), `kpi-stream-${key}.lock`);
}

/**
 * Takes the lock file at `path` (created exclusively, holding this process's pid), so two runs on
 * the same output never overlap: the second fails at once with KPI_LOCKED naming the holder. A
 * lock whose process is gone (a run killed with SIGKILL, a reboot) is taken over.
 */
export async function acquireLock(path: string, what: string): Promise<RunLock> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(`${process.pid}\n${new Date().toISOString()}\n`);
      await file.close();
      let released = false;
      return {
        path,
        release: async () => {
          if (released) return;
          released = true;
          await rm(path, {force: true});
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new KpiError('KPI_OUTPUT_FAILED', `cannot create the lock ${path} for ${what}: ${(error as Error).message}`);
      }
    }
    const [pidText, since] = (await readFile(path, 'utf8').catch(() => '')).split('\n');
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new KpiError('KPI_LOCKED', `another kpi-stream run (pid ${pid}, since ${since || 'unknown'}) is writing ${what}; this run stops without reading or writing anything. If no such run exists, remove ${path}`, {lock: path, pid});
    }
    // Its run is gone: take it over (a folder in its place cannot be, and stops the run as a failed create).
    await rm(path, {force: true}).catch((error: Error) => {
      throw new KpiError('KPI_OUTPUT_FAILED', `cannot create the lock ${path} for ${what}: ${error.message}`);
    });
  }
  throw new KpiError('KPI_LOCKED', `cannot take the lock ${path} for ${what}: another run keeps taking it`, {lock: path});
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}
