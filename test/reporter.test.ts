import {describe, expect, it} from 'vitest';
import {oneLine, Reporter, type ReporterOptions} from '../src/reporter.js';

function reporter(options: Partial<ReporterOptions> = {}) {
  const lines: string[] = [];
  const r = new Reporter({format: 'text', write: line => void lines.push(line), ...options});
  return {r, lines};
}

const warning = (n: number, code = 'value_coerced') => ({code, file: `sessions/2026-04-21/${n}.jsonl`, message: `thing ${n}`});

describe('Reporter', () => {
  it('prints the first five warnings of a code with their file, then says the rest are only counted', () => {
    const {r, lines} = reporter();
    for (let n = 0; n < 8; n++) r.warn(warning(n));
    r.warn(warning(9, 'event_not_object'));
    expect(lines).toEqual([
      ...[0, 1, 2, 3, 4].map(n => `warn: sessions/2026-04-21/${n}.jsonl: thing ${n}`),
      'warn: more value_coerced warnings are only counted (see the summary; --verbose prints all)',
      'warn: sessions/2026-04-21/9.jsonl: thing 9',
    ]);
    expect(r.warningCount).toBe(9);
    expect(Object.fromEntries(r.warningsByCode)).toEqual({value_coerced: 8, event_not_object: 1});
  });

  it('prints every warning with verbose, none with quiet (still counted)', () => {
    const loud = reporter({verbose: true});
    for (let n = 0; n < 8; n++) loud.r.warn(warning(n));
    expect(loud.lines).toHaveLength(8);
    const quiet = reporter({quiet: true, verbose: true});
    for (let n = 0; n < 8; n++) quiet.r.warn(warning(n));
    quiet.r.info('info');
    quiet.r.verbose('debug');
    quiet.r.error('broken');
    quiet.r.summary();
    expect(quiet.lines).toEqual(['error: broken', expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ kpi-stream: 0 files listed/)]);
    expect(quiet.r.warningCount).toBe(8);
  });

  it('counts skipped files by reason, numbers and details dropped', () => {
    const {r, lines} = reporter();
    r.skip('a.jsonl', 'row is not valid JSON: Expecting value (char 0)');
    r.skip('b.jsonl', 'row is not valid JSON: Extra data (char 12)');
    r.skip('c.jsonl', 'invalid UTF-8 (in bytes 0-5448, decoded with the first line)');
    r.skip('d.jsonl', 'empty first line');
    expect(Object.fromEntries(r.skippedByReason)).toEqual({'row is not valid JSON': 2, 'invalid UTF-8': 1, 'empty first line': 1});
    expect(lines[0]).toBe('warn: a.jsonl: skipped: row is not valid JSON: Expecting value (char 0)');
    r.summary();
    expect(lines.at(-1)).toMatch(/4 skipped \(2 row is not valid JSON, 1 invalid UTF-8, 1 empty first line\)/);
  });

  it('writes one JSON object per line with --log-format json, big integers as text', () => {
    const {r, lines} = reporter({format: 'json'});
    r.warn(warning(1));
    r.info('hello', {n: 12345678901234567890n});
    r.summary({committed: '1 file(s)'});
    const parsed = lines.map(line => JSON.parse(line) as Record<string, unknown>);
    expect(parsed[0]).toEqual({level: 'warn', message: 'sessions/2026-04-21/1.jsonl: thing 1', code: 'value_coerced', file: 'sessions/2026-04-21/1.jsonl'});
    expect(parsed[1]).toEqual({level: 'info', message: 'hello', n: '12345678901234567890'});
    expect(parsed[2]).toMatchObject({level: 'summary', warnings: 1, warningsByCode: {value_coerced: 1}, committed: '1 file(s)'});
  });

  it('keeps a text log line one line: a file name cannot forge a line or send terminal escapes', () => {
    const {r, lines} = reporter();
    r.warn({code: 'unsafe_path', file: 'sessions/2026-04-21/a\nerror: forged\x1b[2J.jsonl', message: 'x'});
    r.error('two\r\nlines');
    expect(lines).toEqual(['warn: sessions/2026-04-21/a\\nerror: forged\\x1b[2J.jsonl: x', 'error: two\\r\\nlines']);
  });
});

describe('oneLine', () => {
  it('escapes C0 and C1 controls and DEL, and nothing else', () => {
    expect(oneLine('a\tb\u0000c\u007f\u0085é🚀"\\')).toBe('a\\tb\\x00c\\x7f\\x85é🚀"\\');
  });
});
