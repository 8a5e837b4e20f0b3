/**
 * The source text of a top-level number in a JSON object, for the echo of `reqNo`/`seq`:
 * `JSON.parse` turns `12345678901234567890` into a double that `JSON.stringify` writes as
 * `12345678901234567000`, so a client correlating on it would never find its answer.
 *
 * Called only for a number that is not a safe integer (rare), on text `JSON.parse` has just
 * accepted as an object: one pass, no allocation but the key strings at depth 1 that carry an
 * escape. Nested objects are skipped; for a key given twice the last one wins, as in
 * `JSON.parse`.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
/** characters of a JSON number: digits, sign, point, exponent. */
const isNumberChar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;

/** index of the quote that closes the string opened at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i;
    else i++;
  }
  return text.length;
}

/** The number token of `key` in the object `text`, or undefined when its value is not a number. */
export function rawTopLevelNumber(text: string, key: string): string | undefined {
  let depth = 0;
  let expectKey = false;
  let currentKey: string | undefined;
  let found: string | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (depth === 1 && expectKey) {
        const raw = text.slice(i, end + 1);
        currentKey = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        expectKey = false;
      }
      i = end + 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      expectKey = depth === 1 && c === OPEN_OBJECT;
      i++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      i++;
    } else if (depth === 1 && c === COMMA) {
      expectKey = true;
      i++;
    } else if (depth === 1 && c === COLON) {
      i++;
      while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
      const start = i;
      while (i < text.length && isNumberChar(text.charCodeAt(i))) i++;
      if (i > start && currentKey === key) found = text.slice(start, i);
      else if (currentKey === key) found = undefined; // a later non-number value wins
    } else i++;
  }
  return found;
}
