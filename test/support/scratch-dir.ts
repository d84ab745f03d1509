import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {afterAll} from 'vitest';

/** A fresh folder in the temp dir for the calling test file, removed once its tests are done. */
export function scratchDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kpi-${name}-`));
  afterAll(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

/** Writes each file (by `/` path below `dir`), creating the folders on the way; returns `dir`. */
export function writeTree(dir: string, files: Record<string, string | Uint8Array>): string {
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, ...path.split('/'));
    mkdirSync(dirname(file), {recursive: true});
    writeFileSync(file, content);
  }
  return dir;
}
