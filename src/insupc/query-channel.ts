import { Logger } from '@nestjs/common';
import type { Socket } from 'node:net';
import {
  encodeDbQueryRequest,
  formatHexByte,
  Frame,
  MessageHeader,
  readErrorText,
  readSqlOutput,
  ResultCode,
} from '../../libs/insupc-protocol/src';
import { TickCork } from '../common/io/tick-cork';
import { LogThrottle } from '../common/log-throttle';
import type { ConnectionOwner } from './connection-owner';
import { InsupcQueryError } from '../contracts/insupc-query.port';
import { PendingRequest, PendingRequests } from './pending-requests';

/**
 * A connection whose socket holds more unsent bytes than this is not given new queries until
 * the server reads again: a server that stops reading must not make the gateway buffer
 * queries without bound. Queries then go to another connection or server.
 */
export const MAX_WRITE_BACKLOG_BYTES = 8 * 1024 * 1024;

/** `failureByResult` keys ("0x10"), built once per RESULT byte instead of per answer. */
const RESULT_KEYS: string[] = Array.from({ length: 256 }, (_, i) => formatHexByte(i));

/** Where the channel writes: the live socket of its connection, with the frame trace. */
export interface QueryWire {
  /** the logged-on socket, or null when the connection is not READY. */
  readySocket(): Socket | null;
  /** writes one frame (traced when `logging.insupc-frames` is on). */
  write(socket: Socket, frame: Buffer): void;
  now(): number;
}

/**
 * The query path of one INSUPC connection: DB_QUERY_REQUEST out (tick-corked), its
 * DB_QUERY_RESPONSE matched by TRANSACTION_ID, the pending table, the write-backlog test and
 * the backstop expiry. No timer and no allocation per request beyond the frame itself.
 */
export class QueryChannel {
  readonly pending = new PendingRequests();
  /** queries sent in one tick (one drain of the SIPSVC receive queue) leave in one writev. */
  private readonly cork = new TickCork();
  private backlogged = false;
  private readonly unknownTx = new LogThrottle();

  constructor(
    private readonly owner: ConnectionOwner,
    private readonly header: MessageHeader,
    private readonly maxFrameBytes: number,
    private readonly wire: QueryWire,
    private readonly log: Logger,
  ) {}

  /**
   * Under the write-backlog limit: the server reads what it is sent. WARNs once when the
   * limit is passed; {@link drained} logs the way back.
   */
  acceptsQueries(socket: Socket): boolean {
    if (socket.writableLength <= MAX_WRITE_BACKLOG_BYTES) return true;
    if (!this.backlogged) {
      this.backlogged = true;
      this.log.warn(
        `${this.header.sessionId}: ${socket.writableLength} bytes not yet read by the server; no new queries on this connection until it drains`,
      );
    }
    return false;
  }

  /** the socket drained below its buffer: it takes queries again. */
  drained(): void {
    if (!this.backlogged) return;
    this.backlogged = false;
    this.log.log(`${this.header.sessionId}: write backlog drained`);
  }

  /**
   * Sends one DB_QUERY_REQUEST; `request` is settled exactly once: by the answer, by a loss of
   * the connection, by the backstop, or at once when the query cannot be sent. A query whose
   * frame would exceed `insupc.max-frame-bytes` is refused before anything is written: the
   * server would close the connection and fail every other request on it.
   */
  send(apiName: string, inputParams: readonly string[], request: PendingRequest): void {
    const socket = this.wire.readySocket();
    if (!socket) {
      const why = `${this.owner.name}: connection not ready`;
      return request.reject(new InsupcQueryError('CONNECTION_LOST', why, this.owner.name));
    }
    const transactionId = this.pending.nextTransactionId();
    this.header.transactionId = transactionId;
    let frame: Buffer;
    try {
      frame = encodeDbQueryRequest(this.header, apiName, inputParams);
    } catch (err) {
      return request.reject(
        new InsupcQueryError('INVALID_REQUEST', (err as Error).message, this.owner.name),
      );
    }
    if (frame.length > this.maxFrameBytes) {
      const why = `request too large: DB_QUERY_REQUEST of ${frame.length} bytes exceeds insupc.max-frame-bytes (${this.maxFrameBytes})`;
      return request.reject(new InsupcQueryError('INVALID_REQUEST', why, this.owner.name));
    }
    request.sentAt = this.wire.now();
    request.epoch = this.owner.counters.epoch;
    this.pending.add(transactionId, request);
    this.owner.inFlight++;
    this.owner.counters.requests++;
    this.cork.hold(socket);
    this.wire.write(socket, frame);
  }

  onResponse(frame: Frame): void {
    const counters = this.owner.counters;
    const request = this.pending.take(frame.transactionId);
    if (!request) {
      counters.unmatchedResponses++;
      const suffix = this.unknownTx.take(this.wire.now());
      if (suffix !== null) {
        this.log.debug(
          `[INSUPC|${this.owner.name}] DB_QUERY_RESPONSE for unknown TRANSACTION_ID ${frame.transactionId} dropped${suffix}`,
        );
      }
      return;
    }
    this.owner.inFlight--;
    const result = frame.result;
    if (request.epoch !== counters.epoch) {
      // sent before a /stat/init: counted in the period of its request, which is gone
    } else if (result === ResultCode.SUCCESS) counters.success++;
    else {
      counters.failure++;
      const key = RESULT_KEYS[result];
      counters.failureByResult[key] = (counters.failureByResult[key] ?? 0) + 1;
    }
    request.resolve({
      server: this.owner.name,
      result,
      sqlOutput: readSqlOutput(frame),
      errorText: readErrorText(frame),
    });
  }

  /** Rejects requests written before `sentBefore` with TIMEOUT (the transport's backstop). */
  expire(sentBefore: number): number {
    if (this.pending.size === 0) return 0;
    const why = `${this.owner.name}: no DB_QUERY_RESPONSE in time`;
    const error = new InsupcQueryError('TIMEOUT', why, this.owner.name);
    const n = this.pending.expire(sentBefore, error, this.leftFlight);
    this.owner.counters.timeouts += n;
    return n;
  }

  failAll(why: string): void {
    if (this.pending.size === 0) return;
    const error = new InsupcQueryError(
      'CONNECTION_LOST',
      `${this.owner.name}: ${why}`,
      this.owner.name,
    );
    this.pending.failAll(error, this.leftFlight);
  }

  /** requests taken out of the table before they are rejected: no longer in flight. */
  private readonly leftFlight = (n: number): void => {
    this.owner.inFlight -= n;
  };

  /** a new socket starts without a backlog. */
  reset(): void {
    this.backlogged = false;
  }
}
