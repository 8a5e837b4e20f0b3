/**
 * The fixed set of SEGW incident codes (operations spec section 5.2, docs/segw-incidents.md):
 * every history entry carries one, and so does every SEGW warning or error log line, as the
 * structured field `code` and in its text.
 */
import { ViciError, ViciProtocolError } from '../../libs/vici/src';

export const SEGW_CODES = [
  'ok',
  'invalid-parameter',
  'config-creation-failed',
  'no-alternative-segw',
  'max-retry-exceeded',
  'strongswan-api-failed',
  'parsing-failed',
  'connection-timeout',
  'ike-down',
  'insupc-lost',
  'operator',
] as const;

export type SegwCode = (typeof SEGW_CODES)[number];

/** A log message pino writes as `msg` plus the structured `code` field. */
export interface SegwLogLine {
  msg: string;
  code: SegwCode;
}

/** A SEGW line whose text already names its code (the spec's fixed lines). */
export const segwLine = (code: SegwCode, msg: string): SegwLogLine => ({ msg, code });

/** A SEGW warning or error: the code at the end of the text, `(code <code>)`. */
export const segwIncident = (code: SegwCode, text: string): SegwLogLine =>
  segwLine(code, `${text} (code ${code})`);

/** charon's answer to an initiate that ran into its timeout (`... not established after 5000ms`). */
const TIMED_OUT = /not established after|timed? ?out/i;

/** What a refused initiate means: charon gave up waiting, or refused it. */
export const initiateRefusalCode = (errmsg: string): SegwCode =>
  TIMED_OUT.test(errmsg) ? 'connection-timeout' : 'strongswan-api-failed';

/**
 * What a thrown VICI step means: an undecodable answer, the control channel failing, or
 * (anything else) charon refusing what was asked — `refused` names that step's code.
 */
export function thrownCode(e: unknown, refused: SegwCode): SegwCode {
  if (e instanceof ViciProtocolError) return 'parsing-failed';
  if (e instanceof ViciError) return 'strongswan-api-failed';
  return refused;
}
