import { InsupcAnswer, InsupcQueryError } from '../contracts/insupc-query.port';
import { PendingRequest, PendingRequests } from './pending-requests';

function request(sentAt = 0) {
  const outcome: { answer?: InsupcAnswer; error?: InsupcQueryError } = {};
  const r: PendingRequest = {
    sentAt,
    epoch: 0,
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

  it('never hands out an id whose slot an older request still holds, and grows when half full', () => {
    const p = new PendingRequests();
    const held = request().r;
    p.add(p.nextTransactionId(), held); // id 1, slot 1 of 64
    for (let i = 0; i < 63; i++) {
      const id = p.nextTransactionId();
      p.add(id, request().r);
      p.take(id);
    }
    // 2..64 went by; 65 shares slot 1 with the outstanding id 1
    expect(p.nextTransactionId()).toBe(66);
    for (let i = 0; i < 40; i++) p.add(p.nextTransactionId(), request().r);
    expect(p.size).toBe(41);
    expect(p.take(1)).toBe(held);
    expect(p.size).toBe(40);
    expect(p.failAll(new InsupcQueryError('CONNECTION_LOST', 'gone'))).toBe(40);
  });

  it('take() after growth still finds every outstanding request by its id', () => {
    const p = new PendingRequests();
    const byId = new Map<number, PendingRequest>();
    for (let i = 0; i < 500; i++) {
      const id = p.nextTransactionId();
      const r = request().r;
      p.add(id, r);
      byId.set(id, r);
    }
    expect(p.size).toBe(500);
    for (const [id, r] of byId) expect(p.take(id)).toBe(r);
    expect(p.size).toBe(0);
  });

  it('rejects expired and failed requests oldest first, across the id wrap', () => {
    const p = new PendingRequests();
    const order: number[] = [];
    const tagged = (tag: number, sentAt: number): PendingRequest => ({
      sentAt,
      epoch: 0,
      resolve: () => undefined,
      reject: () => order.push(tag),
    });
    (p as unknown as { lastId: number }).lastId = 0xfffffffd;
    for (let tag = 0; tag < 5; tag++) p.add(p.nextTransactionId(), tagged(tag, tag));
    expect(p.expire(2, new InsupcQueryError('TIMEOUT', 'late'))).toBe(2);
    expect(p.failAll(new InsupcQueryError('CONNECTION_LOST', 'gone'))).toBe(3);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });
});
