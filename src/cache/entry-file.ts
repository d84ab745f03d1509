import {createHash} from 'node:crypto';
import {deserialize, serialize} from 'node:v8';

/**
 * The bytes of one cache entry: a fixed preamble, a JSON header naming the key the entry was
 * written for, the value (v8.serialize, which keeps bigints and Maps), and a SHA-256 of header and
 * value. Everything that can go wrong with a file on disk (garbage, truncation, another format,
 * bytes flipped, an entry written for another key) is detected on decode and reported as a reason,
 * never trusted.
 *
 * Layout: MAGIC (8) | format version (u32) | header length (u32) | value length (u32) | header |
 * value | sha256(header + value) (32).
 */
export const ENTRY_FORMAT = 1;

const MAGIC = Buffer.from('KPISTRC\n', 'latin1');
const PREAMBLE = MAGIC.length + 12;
const DIGEST = 32;

/** What an entry was written for; decode compares every field with the one it expects. */
export type EntryKey = Record<string, string>;

export function encodeEntry(key: EntryKey, value: unknown): Buffer {
  const header = Buffer.from(JSON.stringify(key), 'utf8');
  const body = serialize(value);
  const preamble = Buffer.alloc(PREAMBLE);
  MAGIC.copy(preamble, 0);
  preamble.writeUInt32LE(ENTRY_FORMAT, MAGIC.length);
  preamble.writeUInt32LE(header.length, MAGIC.length + 4);
  preamble.writeUInt32LE(body.length, MAGIC.length + 8);
  const digest = createHash('sha256').update(header).update(body).digest();
  return Buffer.concat([preamble, header, body, digest]);
}

/** The decoded value, or why the bytes cannot be trusted. `stale` says the file has changed since. */
export type Decoded = {value: unknown} | {problem: string; stale?: boolean};

/**
 * Decodes an entry written for `expected`. A key that differs only in `identity` (the file's bytes
 * have changed since) is `stale`: an ordinary miss, not damage.
 */
export function decodeEntry(bytes: Buffer, expected: EntryKey): Decoded {
  if (bytes.length < PREAMBLE + DIGEST || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    return {problem: bytes.length < PREAMBLE + DIGEST ? `truncated (${bytes.length} bytes)` : 'not a kpi-stream cache entry'};
  }
  const version = bytes.readUInt32LE(MAGIC.length);
  if (version !== ENTRY_FORMAT) return {problem: `cache format ${version}, this version reads ${ENTRY_FORMAT}`};
  const headerLength = bytes.readUInt32LE(MAGIC.length + 4);
  const bodyLength = bytes.readUInt32LE(MAGIC.length + 8);
  const size = PREAMBLE + headerLength + bodyLength + DIGEST;
  if (bytes.length !== size) return {problem: bytes.length < size ? `truncated (${bytes.length} of ${size} bytes)` : `${bytes.length - size} bytes too many`};
  const header = bytes.subarray(PREAMBLE, PREAMBLE + headerLength);
  const body = bytes.subarray(PREAMBLE + headerLength, PREAMBLE + headerLength + bodyLength);
  const digest = createHash('sha256').update(header).update(body).digest();
  if (!digest.equals(bytes.subarray(size - DIGEST))) return {problem: 'checksum mismatch'};
  let key: EntryKey;
  try {
    key = JSON.parse(header.toString('utf8')) as EntryKey;
  } catch {
    return {problem: 'unreadable header'};
  }
  const differs = Object.keys({...expected, ...key}).filter(field => key[field] !== expected[field]);
  if (differs.length === 1 && differs[0] === 'identity') return {problem: 'the file has changed', stale: true};
  if (differs.length) return {problem: `written for another ${differs.join(', ')}`};
  try {
    return {value: deserialize(body)};
  } catch (error) {
    return {problem: `unreadable value (${(error as Error).message})`};
  }
}
