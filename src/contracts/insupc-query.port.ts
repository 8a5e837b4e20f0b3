/**
 * The contract between the execute pipeline and the INSUPC transport: "run this API with
 * these parameters on a routable INSUPC server and give me its answer".
 *
 * The transport resolves with the server's answer whatever its RESULT byte (the execute
 * pipeline maps RESULT to a SIPSVC result), and rejects only with an {@link InsupcQueryError}.
 * Inject with `@Inject(INSUPC_QUERY) private readonly insupc: InsupcQueryPort`.
 */
export const INSUPC_QUERY = Symbol('INSUPC_QUERY');

export interface InsupcAnswer {
  /** name of the INSUPC server that answered (config `insupc.clients[].name`). */
  server: string;
  /** the RESULT byte (0x01 SUCCESS, 0x02 NO_DATA, 0x10 QUERY_ERROR, ...). */
  result: number;
  /** SQL_OUTPUT text, when present (JSON text, not parsed). */
  sqlOutput?: string;
  /** ERROR_TEXT, when present. */
  errorText?: string;
}

export type InsupcQueryErrorCode =
  /** nothing routable: answered at once, never queued (SIPSVC result 5). */
  | 'NO_BACKEND'
  /** the connection carrying the request closed before its answer (SIPSVC result 9). */
  | 'CONNECTION_LOST'
  /** no answer within the transport's own guard time (a backstop; sessions time out first). */
  | 'TIMEOUT'
  /** the gateway is shutting down and sends no new queries. */
  | 'SHUTTING_DOWN'
  /**
   * the request cannot be sent (a parameter over 65535 bytes, or its frame over
   * insupc.max-frame-bytes); nothing was sent (SIPSVC result 1).
   */
  | 'INVALID_REQUEST';

export class InsupcQueryError extends Error {
  constructor(
    readonly code: InsupcQueryErrorCode,
    message: string,
    /** the server the request was sent to, when it got that far. */
    readonly server?: string,
  ) {
    super(message);
    this.name = 'InsupcQueryError';
  }
}

/**
 * Where the transport notes, synchronously inside `query`, the server a request was routed to
 * (config `insupc.clients[].name`), so the caller can name it before any answer comes (e.g. in
 * a TIMEOUT log line). The caller passes an object it already holds (the request session):
 * no callback or object is allocated per query. Left unchanged when nothing was routable.
 */
export interface InsupcRouteNote {
  server: string;
}

/**
 * Where {@link InsupcQueryPort.send} delivers the end of a query: exactly one call, of
 * `insupcAnswered` or `insupcFailed`. The caller passes an object it already holds (the
 * request session), so a query costs no promise and no closure. `insupcFailed` may come
 * synchronously, from inside `send` (nothing routable, connection not ready, too large).
 */
export interface InsupcAnswerSink extends InsupcRouteNote {
  insupcAnswered(answer: InsupcAnswer): void;
  insupcFailed(error: InsupcQueryError): void;
}

export interface InsupcQueryPort {
  /**
   * `exceptServer`: a retry (operations spec section 7) goes to any routable server but this
   * one, and fails NO_BACKEND when there is none.
   */
  query(
    apiName: string,
    inputParams: readonly string[],
    routed?: InsupcRouteNote,
    exceptServer?: string,
  ): Promise<InsupcAnswer>;

  /**
   * `query` without the promise: the answer or the error goes to `sink`, whose `server` is
   * noted as `query` notes `routed`. A port without it is asked through `query`.
   */
  send?(
    apiName: string,
    inputParams: readonly string[],
    sink: InsupcAnswerSink,
    exceptServer?: string,
  ): void;

  /**
   * Whether a query could be sent now without exceeding `worker.concurrency` queries in
   * flight to the server it would go to (the budget is per server), or nothing is routable
   * (the query then fails at once). A port without it has one budget for everything: the
   * caller counts its own queries in flight against worker.concurrency.
   */
  hasQuerySlot?(): boolean;

  /**
   * whether a server other than `server` is routable and under its worker.concurrency now
   * (a retry has somewhere to go).
   */
  routableExcept?(server: string): boolean;

  /**
   * The execute of a query sent to `server` timed out (answered 6) with its query still in
   * flight: a failure for that server's outlier detection.
   */
  queryTimedOut?(server: string): void;
}
