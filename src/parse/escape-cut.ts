const BACKSLASH = 0x5c;
const LOWER_U = 0x75;

/** `to`, or the start of an escape sequence that `text[from, to)` cuts short. */
export function escapeCut(text: string, from: number, to: number): number {
  for (let b = to - 1; b >= from && b >= to - 6; b--) {
    if (text.charCodeAt(b) !== BACKSLASH) continue;
    let run = 1;
    while (b - run >= from && text.charCodeAt(b - run) === BACKSLASH) run++;
    // An even run ends with an escaped backslash: every escape before `to` is whole.
    if (run % 2 === 0) return to;
    return b + (text.charCodeAt(b + 1) === LOWER_U ? 6 : 2) > to ? b : to;
  }
  return to;
}
