/**
 * Text a client sends that may reach a log or INSUPC (operations spec §8.5: nothing a client
 * sends can start a new line in any log). Refused: C0 controls (NUL, TAB, LF, CR, ESC ...), DEL
 * and C1 controls; U+FFFD, which is what invalid UTF-8 bytes in a frame decode to (a client
 * never needs to send it); lone surrogates (from `\ud800` escapes), which have no UTF-8 form.
 */
const UNCLEAN_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The text of result 1 after the field's name: `Invalid field: reqNo ${UNCLEAN}`. */
export const UNCLEAN = 'has a control character or invalid UTF-8';

/** Printable ASCII only (the common case, decided without the regex). */
function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** No allocation: a scan, then one precompiled regex test where the text is not plain ASCII. */
export function isCleanText(text: string): boolean {
  return isPrintableAscii(text) || !UNCLEAN_CHARS.test(text);
}

/** A request field that is absent, a number, or clean text (what `reqNo` and `seq` may be). */
export function isCleanField(value: unknown): boolean {
  return typeof value !== 'string' || isCleanText(value);
}
