import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {KpiError} from '../src/errors.js';
import {acquireLock, outDirLockPath, targetLockPath} from '../src/lock.js';
import {scratchDir} from './support/scratch-dir.js';

const scratch = scratchDir('lock');
let locks = 0;
const lockPath = () => join(scratch, `run-${locks++}.lock`);

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

describe('acquireLock', () => {
  it('creates the lock holding this pid and the time, and release removes it', async () => {
    const path = lockPath();
    const before = Date.now();
    const lock = await acquireLock(path, 'the out dir');
    const [pid, since] = readFileSync(path, 'utf8').split('\n');
    expect(Number(pid)).toBe(process.pid);
    expect(Date.parse(since!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(lock.path).toBe(path);
    await lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('releases once: a second release leaves the lock the next run took', async () => {
    const path = lockPath();
    const first = await acquireLock(path, 'x');
    await first.release();
    const second = await acquireLock(path, 'x');
    await first.release();
    expect(existsSync(path)).toBe(true);
    await second.release();
  });

  it('raises KPI_LOCKED, naming the holder and the lock, while a live process holds it; the lock stays', async () => {
    const path = lockPath();
    // pid 1 is alive as long as the machine is.
    writeFileSync(path, '1\n2026-04-24T14:00:00.000Z\n');
    const error = await acquireLock(path, 'the out dir /o').catch(e => e);
    expect(error).toBeInstanceOf(KpiError);
    expect(error).toMatchObject({code: 'KPI_LOCKED', context: {lock: path, pid: 1}});
    expect(error.message).toContain('(pid 1, since 2026-04-24T14:00:00.000Z) is writing the out dir /o');
    expect(error.message).toContain(`remove ${path}`);
    expect(readFileSync(path, 'utf8')).toBe('1\n2026-04-24T14:00:00.000Z\n');
  });

  it('says "since unknown" for a lock without its time', async () => {
    const path = lockPath();
    writeFileSync(path, '1');
    await expect(acquireLock(path, 'x')).rejects.toThrow('(pid 1, since unknown)');
  });

  it.each([
    ['a process that has ended', () => `${deadPid()}\n2026-04-24T14:00:00.000Z\n`],
    ['no pid', () => 'garbage'],
    ['nothing', () => ''],
  ])('takes over a lock that holds %s', async (_what, content) => {
    const path = lockPath();
    writeFileSync(path, content());
    const lock = await acquireLock(path, 'x');
    expect(Number(readFileSync(path, 'utf8').split('\n')[0])).toBe(process.pid);
    await lock.release();
  });

  it('raises KPI_OUTPUT_FAILED, naming the lock, when it cannot be created', async () => {
    const path = join(scratch, 'no-such-folder', 'run.lock');
    await expect(acquireLock(path, 'the out dir')).rejects.toMatchObject({code: 'KPI_OUTPUT_FAILED', message: expect.stringContaining(`cannot create the lock ${path} for the out dir`)});
  });

  it('raises KPI_OUTPUT_FAILED, naming the lock, when a folder is in its place', async () => {
    const path = lockPath();
    mkdirSync(path);
    await expect(acquireLock(path, 'the out dir')).rejects.toMatchObject({code: 'KPI_OUTPUT_FAILED', message: expect.stringContaining(`cannot create the lock ${path} for the out dir`)});
  });
});

describe('lock paths', () => {
  it('puts the lock of an out dir inside it', () => {
    expect(outDirLockPath('/data/out')).toBe('/data/out/.kpi-stream.lock');
  });

  it('gives a Hub target one lock in the temp folder, the same for every run of this machine', () => {
    const path = targetLockPath('https://huggingface.co', 'acme/kpis');
    expect(dirname(path)).toBe(tmpdir());
    expect(path).toMatch(/kpi-stream-[0-9a-f]{16}\.lock$/);
    expect(targetLockPath('https://huggingface.co', 'acme/kpis')).toBe(path);
    expect(targetLockPath('https://huggingface.co', 'acme/other')).not.toBe(path);
    expect(targetLockPath('http://127.0.0.1:8080', 'acme/kpis')).not.toBe(path);
  });
});
