import type {Readable} from 'node:stream';
import {normalizeHubOptions, type HubOptions, type HubSettings, type RetryInfo} from '../../src/hub/config.js';
import type {HubServer} from '../support/hub-server.js';

/** A token that looks real, so a leak is easy to spot. */
export const TOKEN = 'hf_SECRETtoken123';

/** Options for the local Hub with fast retries; `retried` collects every onRetry call. */
export function hubOptions(server: HubServer, extra: Partial<HubSettings> = {}): HubOptions & {retried: RetryInfo[]} {
  const retried: RetryInfo[] = [];
  return {...normalizeHubOptions({hubUrl: server.url, token: TOKEN, retries: 3, retryBaseMs: 1, onRetry: info => void retried.push(info), ...extra}, {}), retried};
}

/** Deterministic bytes that look like JSONL, `size` long. */
export function sessionBytes(seed: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = i % 97 === 96 ? 0x0a : 0x20 + ((x >>> 16) % 95);
  }
  return out;
}

/** Reads a byte stream to the end; also reports how many chunks it came in. */
export async function drain(stream: Readable): Promise<{bytes: Buffer; chunks: number}> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk as Uint8Array));
  return {bytes: Buffer.concat(parts), chunks: parts.length};
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<Error & {code?: string}> {
  try {
    await fn();
  } catch (error) {
    return error as Error & {code?: string};
  }
  throw new Error('expected a throw');
}

/** Every string the caller could print: messages, stacks, contexts and retry infos. */
export function printable(...things: unknown[]): string {
  return things
    .map(t => (t instanceof Error ? `${t.message}\n${t.stack}\n${JSON.stringify((t as {context?: unknown}).context ?? {})}` : JSON.stringify(t)))
    .join('\n');
}
