/**
 * Validation of an `execute` request's body (sipsvc-json-protocol.md §2). The transport has
 * already parsed the JSON and checked the token; everything here is still untrusted.
 */
import { isCleanText, UNCLEAN } from '../common/client-text';
import { RAW_NUMBERS, SipsvcRequest } from '../contracts/sipsvc-message';

export interface ExecuteCall {
  apiName: string;
  inputParams: string[];
}

/** An ExecuteCall, or the text of result 1 naming the problem. */
export type ParsedExecute = ExecuteCall | string;

const MAX_API_NAME = 256;

export function parseExecute(req: SipsvcRequest): ParsedExecute {
  const body = req.reqBody;
  if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
    return 'Invalid field: reqBody must be an object';
  }
  const b = body as Record<string, unknown> | undefined;
  const apiName = b?.apiName !== undefined ? b.apiName : req.service;
  if (typeof apiName !== 'string' || apiName.length === 0) {
    return 'Missing field: reqBody.apiName (or service)';
  }
  if (apiName.length > MAX_API_NAME) return 'Invalid field: apiName too long';
  if (!isCleanText(apiName)) return `Invalid field: apiName ${UNCLEAN}`;

  const raw = b?.inputParams;
  if (raw === undefined) return { apiName, inputParams: [] };
  if (!Array.isArray(raw)) return 'Invalid field: reqBody.inputParams must be an array';
  const inputParams = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const p: unknown = raw[i];
    if (typeof p === 'string') {
      if (!isCleanText(p)) return `Invalid field: reqBody.inputParams[${i}] ${UNCLEAN}`;
      inputParams[i] = p;
    } else if (typeof p === 'number') {
      const text = decimalText(p);
      if (text === null) {
        return `Invalid field: reqBody.inputParams[${i}] must be a string (number not exactly representable)`;
      }
      inputParams[i] = text;
    } else {
      return `Invalid field: reqBody.inputParams[${i}] must be a string or number`;
    }
  }
  return { apiName, inputParams };
}

/**
 * A JSON number as the plain decimal text sent to INSUPC, or null when that text could differ
 * from what the client wrote: integers beyond 2^53 (an MSISDN sent as a number has already
 * lost digits in JSON.parse) and values JavaScript prints with an exponent (1e21, 1e-7).
 * Other fractions go as their shortest round-trip text (1.5 → "1.5").
 */
export function decimalText(n: number): string | null {
  if (Number.isSafeInteger(n)) return String(n);
  if (!Number.isFinite(n) || Number.isInteger(n)) return null;
  const text = String(n);
  return text.includes('e') ? null : text;
}

/** reqNo as it goes into logs: as the client wrote it (the transport echoes it so too). */
export function reqNoText(req: SipsvcRequest): string {
  const reqNo = req.reqNo;
  if (typeof reqNo === 'string') return reqNo;
  if (typeof reqNo === 'number') return req[RAW_NUMBERS]?.reqNo ?? String(reqNo);
  return '-';
}
