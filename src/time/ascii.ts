/** ASCII codes the ISO parsers look for, and the fraction scale they share. */

export const NUL = 0x00;
export const SPACE = 0x20;
export const PLUS = 0x2b;
export const COMMA = 0x2c;
export const MINUS = 0x2d;
export const DOT = 0x2e;
export const ZERO = 0x30;
export const COLON = 0x3a;
export const LETTER_T = 0x54;
export const LETTER_W = 0x57;
export const LETTER_Z = 0x5a;

/** What a fraction of n digits (n <= 6) is multiplied by to give microseconds. */
export const FRACTION_SCALE = [1e6, 1e5, 1e4, 1e3, 100, 10, 1];
