/**
 * Whether `text` is JSON exactly as `JSON.stringify` writes it, so that it can be sent on
 * without `JSON.parse` + `JSON.stringify` (only a duplicate key would differ: it is kept,
 * where a parse keeps the last one only — the same value to any JSON reader). Deliberately
 * narrow: no whitespace outside strings, no escape in strings, integers of at most 15
 * digits (exact as doubles), no `-0`. Anything else is false, and the caller parses and
 * serialises as before, so a false answer is never wrong; nesting deeper than MAX_DEPTH is
 * false too. Iterative: untrusted input cannot overflow the stack.
 */
const MAX_DEPTH = 64;
const MAX_INT_DIGITS = 15;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const LOWER_T = 0x74;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;

/** open containers of the text being checked (1: object, 0: array); the check is synchronous. */
const open = new Uint8Array(MAX_DEPTH);

/** `text` from `at` on is a literal or a number: the index after it, or -1. */
function scalarEnd(text: string, at: number): number {
  switch (text.charCodeAt(at)) {
    case LOWER_T:
      return text.startsWith('true', at) ? at + 4 : -1;
    case LOWER_F:
      return text.startsWith('false', at) ? at + 5 : -1;
    case LOWER_N:
      return text.startsWith('null', at) ? at + 4 : -1;
  }
  let i = at;
  if (text.charCodeAt(i) === MINUS) i++;
  const first = text.charCodeAt(i);
  if (first === ZERO) {
    if (i > at) return -1; // -0
    i++;
  } else if (first > ZERO && first <= NINE) {
    const start = i;
    while (i < text.length && text.charCodeAt(i) >= ZERO && text.charCodeAt(i) <= NINE) i++;
    if (i - start > MAX_INT_DIGITS) return -1;
  } else {
    return -1;
  }
  return i;
}

/** `text[at]` is a quote: the index after the closing quote, or -1. */
function stringEnd(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH || c < 0x20 || (c >= 0xd800 && c <= 0xdfff && !pairedAt(text, i))) {
      return -1;
    }
    if (c >= 0xd800 && c <= 0xdbff) i++;
  }
  return -1;
}

/** a high surrogate followed by a low one (JSON.stringify escapes lone surrogates). */
function pairedAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  return c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
}

export function isCanonicalJson(text: string): boolean {
  let depth = 0;
  let i = 0;
  for (;;) {
    // a value at i
    const c = text.charCodeAt(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth >= MAX_DEPTH) return false;
      const isObject = c === OPEN_OBJECT;
      i++;
      if (text.charCodeAt(i) === (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        i++;
      } else {
        open[depth++] = isObject ? 1 : 0;
        if (isObject) {
          i = key(text, i);
          if (i < 0) return false;
        }
        continue;
      }
    } else {
      i = c === QUOTE ? stringEnd(text, i) : scalarEnd(text, i);
      if (i < 0) return false;
    }
    // after a value: `,` next member, or close containers
    for (;;) {
      if (depth === 0) return i === text.length;
      const isObject = open[depth - 1] === 1;
      const d = text.charCodeAt(i);
      if (d === COMMA) {
        i++;
        if (isObject) {
          i = key(text, i);
          if (i < 0) return false;
        }
        break;
      }
      if (d !== (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) return false;
      depth--;
      i++;
    }
  }
}

/** `"key":` at i: the index of its value, or -1. */
function key(text: string, i: number): number {
  if (text.charCodeAt(i) !== QUOTE) return -1;
  const end = stringEnd(text, i);
  if (end < 0 || text.charCodeAt(end) !== COLON) return -1;
  return end + 1;
}
