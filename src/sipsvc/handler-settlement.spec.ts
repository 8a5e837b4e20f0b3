import { Logger } from '@nestjs/common';
import { MessageHandler } from '@nestjs/microservices';
import { of, throwError } from 'rxjs';
import { DeferredReply } from '../contracts/deferred-reply';
import { HandlerSettlement, ReplyKind, SettlingConnection } from './handler-settlement';
import { ReplyWriter } from './reply-writer';
import { SipsvcCounters } from './sipsvc.counters';

class FakeConnection implements SettlingConnection {
  readonly tag = '[SIPSVC|test]';
  closed = false;
  closing = false;
  inputEnded = false;
  awaitingReplies = 1;
  readonly written: Record<string, unknown>[] = [];
  writeJson(json: string): void {
    this.written.push(JSON.parse(json) as Record<string, unknown>);
  }
  endAfterWrite(): void {
    this.closing = true;
  }
}

const ok = { result: 0, resultDesc: 'ok' } as const;
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('HandlerSettlement', () => {
  let counters: SipsvcCounters;
  let settlement: HandlerSettlement;
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    counters = new SipsvcCounters();
    settlement = new HandlerSettlement(new ReplyWriter(), counters, () => 0);
  });
  afterEach(() => jest.restoreAllMocks());

  async function run(handler: MessageHandler | null, kind = ReplyKind.BUSINESS) {
    const conn = new FakeConnection();
    settlement.invoke(conn, { cmd: 'execute', reqNo: 'R' }, handler, 'execute', kind);
    await settle();
    return conn;
  }

  it.each([
    ['a reply', () => ok],
    ['a promise of a reply', () => Promise.resolve(ok)],
    ['an Observable of a reply', () => of(ok)],
    ['a promise of an Observable', () => Promise.resolve(of(ok))],
  ])('turns %s into exactly one reply', async (_what, fn) => {
    const conn = await run(fn as unknown as MessageHandler);
    expect(conn.written).toEqual([{ cmd: 'execute', reqNo: 'R', resultCode: 0, ...ok }]);
    expect(conn.awaitingReplies).toBe(0);
  });

  it('writes a deferred reply once, whether it is resolved before or after it is returned', async () => {
    const early = new DeferredReply();
    early.resolve(ok);
    const conn = await run((() => early) as unknown as MessageHandler);
    expect(conn.written).toEqual([{ cmd: 'execute', reqNo: 'R', resultCode: 0, ...ok }]);

    const later = new DeferredReply();
    const waiting = await run((() => later) as unknown as MessageHandler);
    expect(waiting.written).toEqual([]);
    expect(waiting.awaitingReplies).toBe(1);
    later.resolve(ok);
    later.resolve({ result: 6, resultDesc: 'again' } as const);
    expect(waiting.written).toEqual([{ cmd: 'execute', reqNo: 'R', resultCode: 0, ...ok }]);
    expect(waiting.awaitingReplies).toBe(0);
    // and it is a thenable for whatever awaits it (Nest's RPC proxy)
    await expect(later).resolves.toEqual(ok);
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('boom');
      },
    ],
    ['rejects', () => Promise.reject(new Error('boom'))],
    ['errors its Observable', () => throwError(() => new Error('boom'))],
    ['returns no reply', () => Promise.resolve({ nope: true })],
  ])('a handler that %s is answered 18, once', async (_what, fn) => {
    const conn = await run(fn as unknown as MessageHandler);
    expect(conn.written).toHaveLength(1);
    expect(conn.written[0]).toMatchObject({
      result: 18,
      resultDesc: 'Internal error while handling cmd execute',
    });
  });

  it('a known cmd without a handler is answered 18 Service unavailable', async () => {
    const conn = await run(null);
    expect(conn.written[0]).toMatchObject({
      result: 18,
      resultDesc: expect.stringContaining('Service unavailable'),
    });
  });

  it('a failed auth is counted and ends the connection; a good one is counted', async () => {
    const bad = await run(() => Promise.resolve({ result: -1, resultDesc: 'no' }), ReplyKind.AUTH);
    expect(bad.closing).toBe(true);
    const good = await run(() => Promise.resolve(ok), ReplyKind.AUTH);
    expect(good.closing).toBe(false);
    expect(counters.auth).toEqual({ attempts: 0, success: 1, failure: 1 });
    expect(counters.connectionsRejected).toBe(1);
    expect(counters.connectionsAuthenticated).toBe(1);
  });

  it('after the client half-closed, the last reply ends the connection', async () => {
    const conn = new FakeConnection();
    conn.inputEnded = true;
    conn.awaitingReplies = 2;
    settlement.invoke(
      conn,
      { cmd: 'execute' },
      () => Promise.resolve(ok),
      'execute',
      ReplyKind.BUSINESS,
    );
    await settle();
    expect(conn.closing).toBe(false);
    settlement.invoke(
      conn,
      { cmd: 'execute' },
      () => Promise.resolve(ok),
      'execute',
      ReplyKind.BUSINESS,
    );
    await settle();
    expect(conn.closing).toBe(true);
  });
});
