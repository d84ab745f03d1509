import {Rng, fileBytes, rowText} from './generate.js';

/** A generated session file: a row (often damaged), alone or among line ends and odd bytes. */
export function sessionFile(rng: Rng): Uint8Array {
  const line = new TextEncoder().encode(rowText(rng));
  return rng.chance(0.5) ? fileBytes(rng, line) : line;
}
