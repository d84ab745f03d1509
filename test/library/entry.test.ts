/**
 * Importing the library entry must not load the CLI's dependencies: a Node service that wants
 * hourly KPIs in-process should not pay for yargs. A resolve hook, registered in a child Node,
 * fails any import that resolves into yargs; the CLI module is the control that the hook works.
 */

import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import {REPO} from '../support/python.js';

const run = promisify(execFile);

const HOOK = `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (/[\\\\/]node_modules[\\\\/]yargs[\\\\/]/.test(resolved.url)) throw new Error('loads yargs: ' + specifier + ' from ' + context.parentURL);
  return resolved;
}`;
const REGISTER = `import {register} from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`;

/** Imports `module` (under dist/) in a child Node whose loader refuses yargs; the child's stderr, or '' if it loaded. */
async function importWithoutYargs(module: string): Promise<string> {
  const url = pathToFileURL(join(REPO, 'dist', module)).href;
  try {
    await run(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, '--input-type=module', '-e', `await import(${JSON.stringify(url)});`]);
    return '';
  } catch (error) {
    return String((error as {stderr?: string}).stderr);
  }
}

describe('the library entry (dist/src/index.js)', () => {
  it('loads without yargs', async () => {
    expect(existsSync(join(REPO, 'dist', 'src', 'index.js')), 'run `npm run build` first').toBe(true);
    expect(await importWithoutYargs('src/index.js')).toBe('');
  });
  it('(control: the CLI module does load yargs, so the hook sees it)', async () => {
    expect(await importWithoutYargs('src/cli/run.js')).toMatch(/loads yargs/);
  });
});
