import { InsupcAnswer, InsupcQueryError } from '../contracts/insupc-query.port';
import { PendingRequest, PendingRequests } from './pending-requests';

function request(sentAt = 0) {
  const outcome: { answer?: InsupcAnswer; error?: InsupcQueryError } = {};
  const r: PendingRequest = {
    sentAt,
    resolve: (a) => (outcome.answer = a),
    reject: (e) => (outcome.error = e),
  };
  return { r, outcome };
}

describe('PendingRequests', () => {
  it('hands out increasing TRANSACTION_IDs starting at 1', () => {
    const p = new PendingRequests();
    expect([p.nextTransactionId(), p.nextTransactionId(), p.nextTransactionId()]).toEqual([
      1, 2, 3,
    ]);
  });

  it('wraps after 0xFFFFFFFF to 1 and skips ids still outstanding', () => {
    const p = new PendingRequests();
    p.add(1, request().r);
    (p as unknown as { lastId: number }).lastId = 0xfffffffe;
    expect(p.nextTransactionId()).toBe(0xffffffff);
    expect(p.nextTransactionId()).toBe(2);
  });

  it('take() returns the matching request once, undefined for an unknown id', () => {
    const p = new PendingRequests();
    const { r } = request();
    p.add(7, r);
    expect(p.take(8)).toBeUndefined();
    expect(p.take(7)).toBe(r);
    expect(p.take(7)).toBeUndefined();
    expect(p.size).toBe(0);
  });

  it('failAll() rejects every outstanding request at once', () => {
    const p = new PendingRequests();
    const a = request();
    const b = request();
    p.add(1, a.r);
    p.add(2, b.r);
    const err = new InsupcQueryError('CONNECTION_LOST', 'gone', 'INSUPC-1');
    expect(p.failAll(err)).toBe(2);
    expect(a.outcome.error).toBe(err);
    expect(b.outcome.error).toBe(err);
    expect(p.size).toBe(0);
    expect(p.failAll(err)).toBe(0);
  });

  it('expire() rejects only the requests sent before the cut-off', () => {
    const p = new PendingRequests();
    const old = request(100);
    const fresh = request(500);
    p.add(1, old.r);
    p.add(2, fresh.r);
    const err = new InsupcQueryError('TIMEOUT', 'no answer');
    expect(p.expire(300, err)).toBe(1);
    expect(old.outcome.error).toBe(err);
    expect(fresh.outcome.error).toBeUndefined();
    expect(p.size).toBe(1);
  });
});
