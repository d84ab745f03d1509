import {stringify} from 'csv-stringify/sync';

/**
 * CSV text of the given records. Cells are quoted only when they hold `,`, `"` or a newline,
 * quotes doubled, `\n` line ends: what the reference writes.
 */
export function toCsv(records: readonly string[][]): string {
  return stringify(records as string[][], {record_delimiter: '\n', quoted_match: undefined, eof: true});
}
