/**
 * Runs the real CLI and captures what it prints: in this process through `run()` with a `CliIo`
 * of strings, or as a child process (`node bin/kpi-stream`) with its own environment.
 */

import {spawn} from 'node:child_process';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {run, type CliIo} from '../../src/cli/run.js';
import {REPO} from './python.js';

/** The bin shim over the compiled dist/ (`npm test` builds first). */
const CLI = join(REPO, 'bin', 'kpi-stream');

/** One finished CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `run(args)` in this process; `now` pins the clock for `--hours` without `--now`; `stdin` is fed to it. */
export async function runInProcess(args: string[], env: NodeJS.ProcessEnv, now = new Date(), stdin?: string | Buffer): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: Readable.from(stdin === undefined ? [] : [Buffer.from(stdin)]),
    stdout: text => void (stdout += text),
    stderr: line => void (stderr += `${line}\n`),
    stderrRaw: text => void (stderr += text),
    stderrIsTTY: false,
    env,
    now: () => now,
  };
  const began = performance.now();
  const code = await run(args, io);
  return {code, stdout, stderr, ms: performance.now() - began};
}

/**
 * Runs `node bin/kpi-stream ...args` with exactly `env` (nothing inherited but what the caller
 * passes), asynchronously: a Hub server in this process must keep answering meanwhile.
 */
export function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : -1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - began,
      }),
    );
  });
}

/** The environment without any Hub token variable: a child must see only the token the test gives. */
export function envWithoutTokens(names: readonly string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !names.includes(name)));
}
