import {readdir, readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {KpiError} from '../errors.js';
import {kpiPlace, type KpiFile, type KpiPlace} from './kpi-files.js';

/** What a KPI source lists and reads. */
export interface KpiSourceOptions {
  /** Keeps only files whose hour or day this accepts (the report's --from/--to). */
  inRange(place: KpiPlace): boolean;
  /** A file that could not be read: named with the reason; the report goes on without it. */
  skip(path: string, reason: string): void;
}

/**
 * The KPI files a run wrote under `dir` (`hourly/YYYY-MM-DD/HH.csv`, `daily/YYYY-MM-DD.csv`) in
 * the range, sorted by path. A folder that does not exist is KPI_OPTION_INVALID; a folder with
 * no KPI file gives none.
 */
export async function readLocalKpis(dir: string, options: KpiSourceOptions): Promise<KpiFile[]> {
  const isDir = await stat(dir).then(s => s.isDirectory(), () => false);
  if (!isDir) throw new KpiError('KPI_OPTION_INVALID', `option \`--kpi-dir\` must be a folder, got ${JSON.stringify(dir)} (it does not exist or is not a folder)`);
  const paths = [...(await listCsv(dir, 'hourly', 2)), ...(await listCsv(dir, 'daily', 1))].filter(path => {
    const place = kpiPlace(path);
    return place !== undefined && options.inRange(place);
  });
  const files: KpiFile[] = [];
  for (const path of paths.sort()) {
    try {
      files.push({path, text: await readFile(join(dir, path), 'utf8')});
    } catch (error) {
      options.skip(path, `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return files;
}

/** `.csv` paths `depth` levels below `dir/top`, relative to `dir`; none when `top` is missing. */
async function listCsv(dir: string, top: string, depth: number): Promise<string[]> {
  const walk = async (rel: string, left: number): Promise<string[]> => {
    let entries;
    try {
      entries = await readdir(join(dir, rel), {withFileTypes: true});
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const entry of entries) {
      const child = `${rel}/${entry.name}`;
      if (left > 1 && entry.isDirectory()) out.push(...(await walk(child, left - 1)));
      else if (left === 1 && entry.isFile() && entry.name.endsWith('.csv')) out.push(child);
    }
    return out;
  };
  return walk(top, depth);
}
