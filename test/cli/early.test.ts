import {describe, expect, it} from 'vitest';
import {DEFAULT_CONCURRENCY, MANY_HOURS, workersToStart} from '../../src/cli/early.js';

// The common cases (a week, --threads and --concurrency, --cache-dir, report, --help) are in
// args.test.ts; these are the edges of how the arguments are glanced at.
describe('workersToStart', () => {
  const week = ['--from', '2026-04-20T00', '--to', '2026-04-27T00'];

  it('starts workers from MANY_HOURS hours on, none below', () => {
    expect(workersToStart(['--hours', String(MANY_HOURS - 1)], 4)).toBe(0);
    expect(workersToStart(['--hours', String(MANY_HOURS)], 4)).toBe(4);
  });

  it('reads --from, --daily-backfill and --stdin written with `=` too, and no flag that only begins like one', () => {
    expect(workersToStart(['--from=2026-04-20T00', '--to=2026-04-27T00'], 4)).toBe(4);
    expect(workersToStart(['--daily-backfill=2026-04-24'], 4)).toBe(4);
    expect(workersToStart(['--fromage', '--stdinx'], 4)).toBe(0);
  });

  it('starts none for -h or -V', () => {
    expect(workersToStart([...week, '-h'], 4)).toBe(0);
    expect(workersToStart([...week, '-V'], 4)).toBe(0);
  });

  it('passes over a value that is not a whole number (yargs, loaded next, decides)', () => {
    expect(workersToStart([...week, '--threads', 'many'], 4)).toBe(4);
    expect(workersToStart([...week, '--concurrency=x'], 64)).toBe(DEFAULT_CONCURRENCY);
  });

  it('starts none when only one file is read at once: one worker does not pay', () => {
    expect(workersToStart([...week, '--concurrency', '1'], 8)).toBe(0);
  });

  it('takes `report` as the subcommand only in first place', () => {
    expect(workersToStart([...week, '--out-dir', 'report'], 4)).toBe(4);
    expect(workersToStart(['report', ...week], 4)).toBe(0);
  });
});

describe('workersToStart (the workers bin/kpi-stream starts before the CLI loads)', () => {
  const week = ['--from', '2026-04-20T00', '--to', '2026-04-27T00'];
  it.each([
    [week, 2, 2],
    [week, 64, 8],
    [[...week, '--concurrency', '32'], 64, 32],
    [[...week, '--threads', '1'], 8, 0],
    [[...week, '--threads=3', '--concurrency=2'], 8, 2],
    [[...week, '--threads', '16'], 2, 8],
    [['--daily-backfill', '2026-04-24'], 2, 2],
    [['--stdin'], 2, 2],
    [['--hours', '24'], 2, 2],
    [['--hours=48'], 2, 2],
    // A few hours: the workers start later, only if the parsing grows (workersWhenTheyPay).
    [[], 2, 0],
    [['--datetime', '2026-04-24T14'], 8, 0],
    [['--hours', '3'], 8, 0],
    [[...week, '--help'], 8, 0],
    [[...week, '--version'], 8, 0],
    [week, 1, 0],
    [[...week, '--cache-dir', '/var/cache/kpi'], 8, 0],
    [[...week, '--cache-dir=/var/cache/kpi'], 8, 0],
    [['report', '--kpi-dir', 'out', '--html', 'r.html', '--concurrency', '4'], 8, 0],
  ])('%j on %i cores: %i', (argv, cores, expected) => {
    expect(workersToStart(argv, cores)).toBe(expected);
  });
});
