/**
 * The contract between the SIPSVC transport (framing, auth, connection registry) and the
 * message handlers (`@MessagePattern('execute')` etc.).
 *
 * The transport parses each JSON object once and hands the handler the object itself; the
 * handler returns (or resolves) the response object, which the transport serialises once
 * and writes framed. The transport echoes `cmd`, `reqNo` and `seq` into every response, so
 * handlers return only the rest.
 */
import { SipsvcResultCode } from './sipsvc-result';

/**
 * The source text of `reqNo`/`seq` when they are numbers JSON.parse could not keep exactly
 * (beyond 2^53, or written in another form than JavaScript prints): echoed as sent.
 */
export const RAW_NUMBERS = Symbol('RAW_NUMBERS');
export interface RawNumbers {
  reqNo?: string;
  seq?: string;
}

/** A parsed SIPSVC request. Fields are untrusted: validate before use. */
export interface SipsvcRequest {
  cmd: string;
  reqNo?: unknown;
  seq?: unknown;
  token?: unknown;
  [key: string]: unknown;
  [RAW_NUMBERS]?: RawNumbers;
}

/** What a handler returns; `cmd`/`reqNo`/`seq` are added by the transport. */
export interface SipsvcReply {
  result: SipsvcResultCode;
  resultDesc: string;
  [key: string]: unknown;
}

/**
 * The connection a request arrived on, as handlers see it. Implemented by the transport.
 * `closed` turns true when the socket is gone; a handler that finishes later must not write
 * (its reply is dropped by the transport) and should count the drop.
 */
export interface SipsvcConnectionContext {
  readonly connectionId: number;
  readonly clientIp: string;
  readonly clientPort: number;
  readonly authenticated: boolean;
  readonly closed: boolean;
  /**
   * Calls `listener` once when the connection closes (at once if it already has). Any number
   * of subscribers; a throwing one is logged and does not stop the others. Subscribe once per
   * connection, not per request.
   */
  onClose(listener: () => void): void;
}

/**
 * Message patterns the transport dispatches to (`@MessagePattern(SipsvcPattern.EXECUTE)`).
 * Declare handlers as `handle(@Payload() req: SipsvcRequest, @Ctx() ctx: SipsvcConnectionContext)`:
 * without `@Ctx()` Nest passes only the payload.
 */
export const SipsvcPattern = {
  AUTH: 'auth',
  HEARTBEAT: 'heartbeat',
  EXECUTE: 'execute',
} as const;
