import { Logger } from '@nestjs/common';
import { MessageHandler } from '@nestjs/microservices';
import { isCleanField, UNCLEAN } from '../common/client-text';
import { LogThrottle } from '../common/log-throttle';
import {
  RAW_NUMBERS,
  RawNumbers,
  SipsvcPattern,
  SipsvcReply,
  SipsvcRequest,
} from '../contracts/sipsvc-message';
import { ResultText, SipsvcResult } from '../contracts/sipsvc-result';
import { ReplyKind, SettlingConnection } from './handler-settlement';
import { rawTopLevelNumber } from './raw-number-token';
import { SipsvcCounters } from './sipsvc.counters';

/** an unknown `cmd` is echoed in the error text up to this length. */
const MAX_CMD_ECHO = 64;

/** The connection as the gate sees it. */
export interface GateConnection extends SettlingConnection {
  readonly connectionId: number;
  readonly authenticated: boolean;
  /** the token issued at auth, that every later message must carry. */
  readonly token: string;
  lastActivityAt: number;
  lastHeartbeatAt: number;
  totalRequests: number;
}

/** A business message ready for its handler, as it waits in the receive queue. */
export interface QueuedMessage<C extends GateConnection = GateConnection> {
  conn: C;
  req: SipsvcRequest;
  handler: MessageHandler | null;
  cmd: string;
}

/** What the gate hands messages to. */
export interface GateOutlets<C extends GateConnection> {
  /** lower-cased cmd → handler; null: a known cmd without a handler; undefined: unknown. */
  handlerFor(cmd: string): MessageHandler | null | undefined;
  /** auth and heartbeat are answered directly, not queued. */
  invoke(
    conn: C,
    req: SipsvcRequest,
    handler: MessageHandler | null,
    cmd: string,
    kind: ReplyKind,
  ): void;
  /** the bounded receive queue; false when full. */
  offer(m: QueuedMessage<C>): boolean;
  /** the transport's own answers (refusals), written at once. */
  reply(conn: C, req: SipsvcRequest | undefined, reply: SipsvcReply): void;
  now(): number;
}

/**
 * What happens to one framed message before any handler runs: parse, shape check, auth
 * gate (nothing but `auth` before it; the connection closes on anything else), cmd lookup,
 * token check, then auth/heartbeat straight to their handler and business messages through
 * the bounded receive queue (a full queue answers 18 `Server overloaded` at once).
 */
export class RequestGate<C extends GateConnection> {
  private readonly log = new Logger('SipsvcServer');
  /** per connection, created at its first refusal: one overload ERROR a second at most. */
  private readonly overloadLogs = new WeakMap<C, LogThrottle>();

  constructor(
    private readonly out: GateOutlets<C>,
    private readonly counters: SipsvcCounters,
  ) {}

  onFrame(conn: C, bytes: Buffer): void {
    if (conn.closing || conn.inputEnded) return;
    conn.lastActivityAt = this.out.now();
    conn.totalRequests++;
    const req = this.parse(conn, bytes);
    if (req === null) return;
    const cmd = req.cmd.toLowerCase();
    if (cmd === SipsvcPattern.AUTH) {
      this.counters.auth.attempts++;
      conn.awaitingReplies++;
      this.out.invoke(conn, req, this.out.handlerFor(cmd) ?? null, cmd, ReplyKind.AUTH);
      return;
    }
    if (!conn.authenticated) {
      this.out.reply(conn, req, {
        result: SipsvcResult.NOT_AUTHENTICATED,
        resultDesc: ResultText.NOT_AUTHENTICATED,
      });
      // An auth still being answered (a client pipelining behind it) gets its answer first:
      // no more input, and the connection closes once that answer is written.
      if (conn.awaitingReplies > 0) conn.inputEnded = true;
      else conn.endAfterWrite(conn.lastActivityAt);
      return;
    }
    const isHeartbeat = cmd === SipsvcPattern.HEARTBEAT;
    if (isHeartbeat) this.counters.heartbeat.attempts++;
    const handler = this.out.handlerFor(cmd);
    if (handler === undefined) {
      this.out.reply(conn, req, invalid(`Unknown cmd: ${req.cmd.slice(0, MAX_CMD_ECHO)}`));
      return;
    }
    if (req.token !== conn.token) {
      if (isHeartbeat) this.counters.heartbeat.failure++;
      this.out.reply(conn, req, {
        result: SipsvcResult.NOT_AUTHENTICATED,
        resultDesc: ResultText.INVALID_TOKEN,
      });
      return;
    }
    conn.awaitingReplies++;
    if (isHeartbeat) {
      conn.lastHeartbeatAt = conn.lastActivityAt;
      this.out.invoke(conn, req, handler, cmd, ReplyKind.HEARTBEAT);
    } else if (!this.out.offer({ conn, req, handler, cmd })) {
      conn.awaitingReplies--;
      this.refuseOverloaded(conn, req);
    }
  }

  /** the request object, or null when it was answered as invalid. */
  private parse(conn: C, bytes: Buffer): SipsvcRequest | null {
    let req: SipsvcRequest;
    const text = bytes.toString('utf8');
    try {
      req = JSON.parse(text) as SipsvcRequest;
    } catch {
      this.out.reply(conn, undefined, invalid(ResultText.MALFORMED_JSON));
      return null;
    }
    if (req === null || typeof req !== 'object' || Array.isArray(req)) {
      this.out.reply(conn, undefined, invalid('Request must be a JSON object'));
      return null;
    }
    if (typeof req.cmd !== 'string' || req.cmd === '') {
      this.out.reply(conn, req, invalid('Missing or invalid field: cmd'));
      return null;
    }
    if (isNonFinite(req.reqNo) || isNonFinite(req.seq)) {
      // 1e400 parses to Infinity, which JSON cannot echo: refused, and not echoed as null
      this.out.reply(
        conn,
        req,
        invalid('Invalid field: reqNo and seq must be finite numbers or strings'),
      );
      return null;
    }
    // reqNo and seq reach the logs (execute log, session timeouts): no control characters
    if (!isCleanField(req.reqNo)) {
      this.out.reply(conn, req, invalid(`Invalid field: reqNo ${UNCLEAN}`));
      return null;
    }
    if (!isCleanField(req.seq)) {
      this.out.reply(conn, req, invalid(`Invalid field: seq ${UNCLEAN}`));
      return null;
    }
    if (isInexact(req.reqNo) || isInexact(req.seq)) keepRawNumbers(req, text);
    return req;
  }

  private refuseOverloaded(conn: C, req: SipsvcRequest): void {
    this.counters.queueRejections++;
    let throttle = this.overloadLogs.get(conn);
    if (!throttle) {
      throttle = new LogThrottle();
      this.overloadLogs.set(conn, throttle);
    }
    const suffix = throttle.take(conn.lastActivityAt);
    if (suffix !== null) {
      this.log.error(
        `${conn.tag} ❌ SipsvcRecvQueue saturated - message dropped | ID: ${conn.connectionId}${suffix}`,
      );
    }
    this.out.reply(conn, req, {
      result: SipsvcResult.INTERNAL_ERROR,
      resultDesc: ResultText.RECV_QUEUE_FULL,
    });
  }
}

function invalid(text: string): SipsvcReply {
  return { result: SipsvcResult.INVALID_REQUEST, resultDesc: text };
}

function isNonFinite(v: unknown): boolean {
  return typeof v === 'number' && !Number.isFinite(v);
}

/** a number whose JSON text may differ from what the client wrote (cheap test first). */
function isInexact(v: unknown): boolean {
  return typeof v === 'number' && !Number.isSafeInteger(v);
}

function keepRawNumbers(req: SipsvcRequest, text: string): void {
  const raw: RawNumbers = {};
  if (isInexact(req.reqNo)) raw.reqNo = rawTopLevelNumber(text, 'reqNo');
  if (isInexact(req.seq)) raw.seq = rawTopLevelNumber(text, 'seq');
  req[RAW_NUMBERS] = raw;
}
