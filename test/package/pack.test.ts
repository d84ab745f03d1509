/**
 * The npm package as a user gets it: `npm pack`, then installed globally into a temporary prefix
 * and as a dependency of a temporary project. The installed CLI must write the checkout's bytes,
 * and the README's library example (examples/week.ts) must type-check against the installed
 * declarations and write them too.
 */

import {execFile} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {diffTrees, readTree, runCli} from '../support/oracle.js';
import {REPO} from '../support/python.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {name: string; version: string; scripts: Record<string, string>};
const DATASET = join(REPO, 'fixtures', 'dataset');
const WEEK = ['--from', '2026-04-20T00', '--to', '2026-04-27T00'];
const scratch = mkdtempSync(join(tmpdir(), 'kpi-pack-'));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

/**
 * `npm install` offline from the npm cache; when the cache lacks some package's metadata (a fresh
 * machine), once more preferring the cache, which fetches only what is missing.
 */
async function npmInstall(cwd: string, args: string[]): Promise<void> {
  const base = ['install', '--no-audit', '--no-fund', ...args];
  try {
    await run('npm', [...base, '--offline'], {cwd});
  } catch (error) {
    if (!/ENOTCACHED/.test(String((error as {stderr?: string}).stderr))) throw error;
    console.log(`npm install ${args.join(' ')}: the npm cache lacks some package metadata; installing with --prefer-offline`);
    await run('npm', [...base, '--prefer-offline'], {cwd});
  }
}

describe('the npm package', () => {
  let tarball: string;
  let files: string[];
  const checkoutOut = join(scratch, 'out-checkout');

  beforeAll(async () => {
    expect(existsSync(join(REPO, 'dist', 'src', 'index.d.ts')), 'run `npm run build` first').toBe(true);
    // Scripts off: `npm test` has just built dist/, and rebuilding it here (prepack) would rewrite
    // files the other test files' CLI runs are loading.
    const {stdout} = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], {cwd: REPO});
    const [packed] = JSON.parse(stdout) as Array<{filename: string; files: Array<{path: string}>}>;
    tarball = join(scratch, packed!.filename);
    files = packed!.files.map(f => f.path);
    await runCli(['--source-dir', DATASET, ...WEEK, '--out-dir', checkoutOut]);
  });

  it('shows examples/week.ts in the README', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const example = readFileSync(join(REPO, 'examples', 'week.ts'), 'utf8');
    const shown = /## Use as a library\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    // The file's first lines say how to run it; the README says that in its own words.
    expect(shown).toBe(example.split('\n').slice(2).join('\n'));
  });

  it('builds before it is packed', () => {
    expect(pkg.scripts.prepack).toMatch(/npm run build/);
  });

  it('holds the compiled CLI and library, their declarations, README and LICENSE', () => {
    for (const path of ['bin/kpi-stream', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/cli/main.js', 'dist/cli/session-worker.js', 'dist/src/cli/main.js', 'README.md', 'LICENSE', 'package.json']) {
      expect(files, path).toContain(path);
    }
  });

  it('holds no tests, benchmarks, fixtures, sources or corpus generator', () => {
    const unwanted = files.filter(path => /^(test|bench|fixtures|src|examples|dist\/bench|dist\/tools|dist\/src\/dev|tools)\//.test(path) || path.endsWith('.ts') && !path.endsWith('.d.ts'));
    expect(unwanted).toEqual([]);
  });

  describe('installed globally into a prefix', () => {
    const prefix = join(scratch, 'prefix');
    const bin = join(prefix, 'bin', 'kpi-stream');
    beforeAll(() => npmInstall(scratch, ['--global', '--prefix', prefix, tarball]));

    it('prints its version', async () => {
      const {stdout} = await run(bin, ['--version']);
      expect(stdout.trim()).toBe(pkg.version);
    });

    it('writes the same bytes as the checkout for a week over fixtures/dataset', async () => {
      const out = join(scratch, 'out-global');
      await run(bin, ['--source-dir', DATASET, ...WEEK, '--out-dir', out]);
      const expected = readTree(checkoutOut);
      expect(expected.size).toBeGreaterThan(24);
      expect(diffTrees(expected, readTree(out))).toEqual([]);
    });
  });

  describe('installed as a dependency', () => {
    const project = join(scratch, 'project');
    beforeAll(async () => {
      mkdirSync(project);
      writeFileSync(join(project, 'package.json'), JSON.stringify({name: 'uses-kpi-stream', private: true, type: 'module'}));
      await npmInstall(project, [tarball]);
    });

    it('imports the library', async () => {
      const script = `import('${pkg.name}').then(m => console.log(JSON.stringify([typeof m.runPipeline, typeof m.planRange, m.compiledSchema('v1').header[0], m.compiledSchema('v1').header.length === m.SCHEMAS.v1.length + 1])))`;
      const {stdout} = await run(process.execPath, ['--input-type=module', '-e', script], {cwd: project});
      expect(JSON.parse(stdout)).toEqual(['function', 'function', 'bucket', true]);
    });

    it('type-checks and runs the README example, writing the CLI bytes', async () => {
      cpSync(join(REPO, 'examples', 'week.ts'), join(project, 'week.ts'));
      const tsconfig = {
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'build',
          // The project installs no @types/node: take the checkout's.
          typeRoots: [join(REPO, 'node_modules', '@types')], types: ['node'],
        },
        files: ['week.ts'],
      };
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
      await run(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project]).catch(error => {
        throw new Error(`tsc on examples/week.ts: ${(error as {stdout?: string}).stdout}`);
      });
      const out = join(scratch, 'out-example');
      const {stdout} = await run(process.execPath, [join(project, 'build', 'week.js'), DATASET, out], {cwd: project});
      const expected = readTree(checkoutOut);
      expect(stdout.trim().split('\n')).toHaveLength(expected.size);
      expect(diffTrees(expected, readTree(out))).toEqual([]);
    });
  });
});
