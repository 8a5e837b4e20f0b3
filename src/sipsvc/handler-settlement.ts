import { Logger } from '@nestjs/common';
import { MessageHandler } from '@nestjs/microservices';
import { isObservable, Observable } from 'rxjs';
import { errorText } from '../common/error-text';
import { DeferredReply, ReplySink } from '../contracts/deferred-reply';
import { SipsvcReply, SipsvcRequest } from '../contracts/sipsvc-message';
import { SipsvcResult } from '../contracts/sipsvc-result';
import { ReplyTarget, ReplyWriter } from './reply-writer';
import { SipsvcCounters } from './sipsvc.counters';

/** How the transport treats a reply: auth and heartbeat feed their counters here. */
export const enum ReplyKind {
  BUSINESS,
  AUTH,
  HEARTBEAT,
}

/** The connection as handler settlement sees it. */
export interface SettlingConnection extends ReplyTarget {
  inputEnded: boolean;
  /** messages handed to a handler (or queued for one) whose reply is not written yet. */
  awaitingReplies: number;
  /** answers the last message, then closes. */
  endAfterWrite(now: number): void;
}

/**
 * Calls a `@MessagePattern` handler with (request, connection) and turns whatever it
 * returns — a reply, a promise, Nest's Observable, a throw — into exactly one reply written
 * back; counts auth and heartbeat outcomes; ends the connection after a failed auth, or after
 * the last reply once the client half-closed.
 */
export class HandlerSettlement {
  private readonly log = new Logger('SipsvcServer');

  constructor(
    private readonly writer: ReplyWriter,
    private readonly counters: SipsvcCounters,
    private readonly now: () => number,
  ) {}

  invoke(
    conn: SettlingConnection,
    req: SipsvcRequest,
    handler: MessageHandler | null,
    cmd: string,
    kind: ReplyKind,
  ): void {
    if (handler === null) {
      this.finish(conn, req, kind, {
        result: SipsvcResult.INTERNAL_ERROR,
        resultDesc: `Service unavailable - no handler registered for cmd ${cmd}`,
      });
      return;
    }
    let out: unknown;
    try {
      out = handler(req, conn);
    } catch (e) {
      this.failed(conn, req, kind, cmd, e);
      return;
    }
    this.settle(conn, req, kind, cmd, out);
  }

  /**
   * A handler called directly returns the reply, a DeferredReply (execute) or a promise;
   * Nest's handler proxy resolves to the reply, or to an Observable (errors, interceptors).
   */
  settle(
    conn: SettlingConnection,
    req: SipsvcRequest,
    kind: ReplyKind,
    cmd: string,
    value: unknown,
  ): void {
    if (value instanceof DeferredReply) {
      value.deliverTo(new AwaitedReply(this, conn, req, kind, cmd));
    } else if (isObservable(value)) {
      this.settleObservable(conn, req, kind, cmd, value);
    } else if (isPromiseLike(value)) {
      value.then(
        (v) => this.settle(conn, req, kind, cmd, v),
        (e: unknown) => this.failed(conn, req, kind, cmd, e),
      );
    } else if (!isReply(value)) {
      this.failed(conn, req, kind, cmd, new Error('handler returned no reply'));
    } else {
      this.finish(conn, req, kind, value);
    }
  }

  private settleObservable(
    conn: SettlingConnection,
    req: SipsvcRequest,
    kind: ReplyKind,
    cmd: string,
    value: Observable<unknown>,
  ): void {
    let last: unknown;
    value.subscribe({
      next: (v) => (last = v),
      error: (e: unknown) => this.failed(conn, req, kind, cmd, e),
      complete: () => this.settle(conn, req, kind, cmd, last),
    });
  }

  private failed(
    conn: SettlingConnection,
    req: SipsvcRequest,
    kind: ReplyKind,
    cmd: string,
    e: unknown,
  ): void {
    this.log.error(`${conn.tag} handler for cmd ${cmd} failed: ${errorText(e)}`);
    this.finish(conn, req, kind, {
      result: SipsvcResult.INTERNAL_ERROR,
      resultDesc: `Internal error while handling cmd ${cmd}`,
    });
  }

  private finish(
    conn: SettlingConnection,
    req: SipsvcRequest,
    kind: ReplyKind,
    reply: SipsvcReply,
  ): void {
    const ok = reply.result === SipsvcResult.SUCCESS;
    const c = this.counters;
    if (kind === ReplyKind.AUTH) {
      if (ok) {
        c.auth.success++;
        c.connectionsAuthenticated++;
      } else {
        c.auth.failure++;
        c.connectionsRejected++;
      }
    } else if (kind === ReplyKind.HEARTBEAT) {
      if (ok) c.heartbeat.success++;
      else c.heartbeat.failure++;
    }
    this.writer.write(conn, req, reply);
    conn.awaitingReplies--;
    if ((kind === ReplyKind.AUTH && !ok) || (conn.inputEnded && conn.awaitingReplies === 0)) {
      conn.endAfterWrite(this.now());
    }
  }
}

/** A deferred reply's way back into the settlement: one object per execute, no promise. */
class AwaitedReply implements ReplySink {
  constructor(
    private readonly settlement: HandlerSettlement,
    private readonly conn: SettlingConnection,
    private readonly req: SipsvcRequest,
    private readonly kind: ReplyKind,
    private readonly cmd: string,
  ) {}

  deliverReply(reply: SipsvcReply): void {
    this.settlement.settle(this.conn, this.req, this.kind, this.cmd, reply);
  }
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return (
    typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function'
  );
}

function isReply(v: unknown): v is SipsvcReply {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as SipsvcReply).result === 'number' &&
    typeof (v as SipsvcReply).resultDesc === 'string'
  );
}
