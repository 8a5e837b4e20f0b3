import { DeferredReply } from '../contracts/deferred-reply';
import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { AppConfig } from '../config/config.schema';
import {
  InsupcAnswer,
  InsupcQueryError,
  InsupcQueryPort,
  InsupcRouteNote,
} from '../contracts/insupc-query.port';
import { ServiceStateService } from '../oam/service-state.service';
import { SipsvcConnectionContext, SipsvcReply } from '../contracts/sipsvc-message';
import { FakeScheduler } from '../common/testing/fake-scheduler';
import { ExecuteCounters } from './execute.counters';
import { ExecuteLatency } from './execute-latency';
import { ExecuteLogSink, ExecuteLogWriter } from './execute-log.writer';
import { ExecuteService, LOAD_MONITOR_JOB, SESSION_SWEEP_JOB } from './execute.service';

/** An INSUPC port whose queries the test answers by hand. */
class FakeInsupc implements InsupcQueryPort {
  readonly calls: {
    apiName: string;
    params: readonly string[];
    resolve: (a: InsupcAnswer) => void;
    reject: (e: unknown) => void;
  }[] = [];
  /** the server it reports as routed to (none: as when nothing is routable). */
  routeTo: string | null = null;
  /** the `exceptServer` of each query, in order. */
  readonly excepts: (string | undefined)[] = [];
  /** what routableExcept answers (another server for a retry). */
  otherServer = true;
  readonly timedOut: string[] = [];
  query(
    apiName: string,
    params: readonly string[],
    routed?: InsupcRouteNote,
    exceptServer?: string,
  ): Promise<InsupcAnswer> {
    if (routed && this.routeTo !== null) routed.server = this.routeTo;
    this.excepts.push(exceptServer);
    return new Promise((resolve, reject) => this.calls.push({ apiName, params, resolve, reject }));
  }
  routableExcept(): boolean {
    return this.otherServer;
  }
  queryTimedOut(server: string): void {
    this.timedOut.push(server);
  }
}

class MemorySink implements ExecuteLogSink {
  lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** a SIPSVC connection as the handler sees it; `close()` is what the transport does. */
class FakeConnection implements SipsvcConnectionContext {
  readonly clientIp = '127.0.0.1';
  readonly authenticated = true;
  closed = false;
  private readonly listeners: (() => void)[] = [];
  constructor(readonly connectionId: number) {}
  get clientPort(): number {
    return 40000 + this.connectionId;
  }
  onClose(listener: () => void): void {
    this.listeners.push(listener);
  }
  close(): void {
    this.closed = true;
    this.listeners.splice(0).forEach((l) => l());
  }
}

const conn = (id = 1) => new FakeConnection(id);

const exec = (reqNo: string, apiName = 'mcidGetProfile', inputParams: unknown[] = ['010']) => ({
  cmd: 'execute',
  reqNo,
  seq: '001',
  service: apiName,
  reqBody: { apiName, inputParams },
});

/** Lets promise callbacks and the receive queue's setImmediate run. */
const settle = () => new Promise<void>((r) => setImmediate(() => setImmediate(r)));

async function setup(tune: (c: AppConfig) => void = () => undefined) {
  const config = new AppConfig();
  tune(config);
  const stats = new ExecuteCounters();
  const state = new ServiceStateService();
  const insupc = new FakeInsupc();
  const sink = new MemorySink();
  const log = ExecuteLogWriter.onSink(config.logging, sink);
  await log.onModuleInit();
  const scheduler = new FakeScheduler();
  scheduler.advance(1000);
  /** the scheduler's time, settable (advancing runs whatever is scheduled) */
  const clock = {
    get t(): number {
      return scheduler.now();
    },
    set t(to: number) {
      scheduler.advance(to - scheduler.now());
    },
  };
  const latencies: number[] = [];
  const latency = new ExecuteLatency();
  latency.subscribe({ observeExecute: (_s: number, result: number) => latencies.push(result) });
  const svc = new ExecuteService(
    config.insupc,
    config.worker,
    config.tps,
    config.message,
    stats,
    state,
    insupc,
    log,
    scheduler,
    latency,
  );
  return { config, stats, state, insupc, sink, clock, svc, scheduler, latencies };
}

describe('ExecuteService', () => {
  it('UT_07_001 path: query with apiName and params, reply with data, session removed', async () => {
    const { svc, insupc, stats, sink } = await setup();
    const pending = svc.handle(exec('R1'), conn()) as DeferredReply;
    expect(svc.messageMappingSize()).toBe(1);
    expect(insupc.calls[0]).toMatchObject({ apiName: 'mcidGetProfile', params: ['010'] });
    insupc.calls[0].resolve({ server: 'INSUPC-1', result: 0x01, sqlOutput: '{"msisdn":"010"}' });
    // data is the SQL_OUTPUT as it came (RawJson), serialised as the parsed value
    expect(JSON.parse(JSON.stringify(await pending))).toEqual({
      result: 0,
      resultCode: 0,
      resultDesc: 'Completed successfully',
      data: { msisdn: '010' },
    });
    expect(svc.messageMappingSize()).toBe(0);
    expect(stats.execute).toEqual({ attempts: 1, success: 1, failure: 0 });
    expect(sink.lines[0]).toMatch(
      / SUCCESS \| reqId: R1 \| apiName: mcidGetProfile \| server: INSUPC-1 \| elapsed: 0ms\n$/,
    );
  });

  it('UT_07_002 path: INSUPC 0x10 → result 7 with insupcResult', async () => {
    const { svc, insupc, stats, sink } = await setup();
    const pending = svc.handle(exec('R2', 'invalidOperationName'), conn());
    insupc.calls[0].resolve({ server: 'INSUPC-1', result: 0x10, errorText: 'Unknown API' });
    await expect(pending).resolves.toMatchObject({
      result: 7,
      resultCode: 7,
      resultDesc: 'Unknown API',
      insupcResult: '0x10',
    });
    expect(stats.execute.failure).toBe(1);
    expect(sink.lines[0]).toContain('ERROR(7) | reqId: R2');
  });

  it('refuses BLOCKED with 3 before anything else', async () => {
    const { svc, state, insupc } = await setup();
    state.set('BLOCKED');
    expect(svc.handle(exec('R'), conn())).toEqual({
      result: 3,
      resultCode: 3,
      resultDesc: 'Service blocked',
    });
    expect(insupc.calls).toHaveLength(0);
    expect(svc.messageMappingSize()).toBe(0);
  });

  it('UT_03_004: TPS 3 per 1000 ms, 15 requests at 5/s → 9 pass, 6 refused and counted', async () => {
    const { svc, clock, stats } = await setup((c) => {
      c.tps.maxTps = 3;
      c.tps.windowSize = 1000;
    });
    const results: unknown[] = [];
    for (let i = 0; i < 15; i++) {
      clock.t = 1000 + i * 200;
      results.push(svc.handle(exec(`T${i}`), conn()));
    }
    const refused = results.filter((r) => (r as SipsvcReply).result === 4);
    expect(refused).toHaveLength(6);
    expect(refused[0]).toEqual({ result: 4, resultCode: 4, resultDesc: 'TPS limit exceeded' });
    expect(svc.messageMappingSize()).toBe(9);
    expect(stats.tpsRejections).toBe(6);
    expect(svc.describeSessions().tpsRejections).toBe(6);
  });

  it('reads the TPS limit at use time (hot reload)', async () => {
    const { svc, config } = await setup((c) => (c.tps.maxTps = 1));
    svc.handle(exec('a'), conn());
    expect(svc.handle(exec('b'), conn())).toMatchObject({ result: 4 });
    config.tps.maxTps = 5;
    expect(svc.handle(exec('c'), conn())).toBeInstanceOf(DeferredReply);
  });

  it('answers a malformed body with 1 and creates no session', async () => {
    const { svc } = await setup();
    expect(svc.handle({ cmd: 'execute', reqNo: 'x' }, conn())).toMatchObject({
      result: 1,
      resultDesc: 'Missing field: reqBody.apiName (or service)',
    });
    expect(svc.messageMappingSize()).toBe(0);
  });

  it('UT_03_005: max-sessions 3 → the 4th is refused with 18, a freed slot is reusable', async () => {
    const { svc, insupc, stats, config } = await setup((c) => (c.message.maxSessions = 3));
    const first = svc.handle(exec('1'), conn());
    svc.handle(exec('2'), conn());
    svc.handle(exec('3'), conn());
    expect(svc.handle(exec('4'), conn())).toEqual({
      result: 18,
      resultCode: 18,
      resultDesc: 'Maximum concurrent sessions exceeded',
    });
    expect(stats.queueRejections).toBe(1);
    insupc.calls[0].resolve({ server: 'S', result: 1 });
    await expect(first).resolves.toMatchObject({ result: 0 });
    expect(svc.handle(exec('5'), conn())).toBeInstanceOf(DeferredReply);
    config.message.maxSessions = 10; // reload
    expect(svc.handle(exec('6'), conn())).toBeInstanceOf(DeferredReply);
  });

  it('UT_03_002: WorkerQueue full → the client is answered 18 WorkerQueue saturated (slots, bounded wait line)', async () => {
    const { svc, insupc, stats } = await setup((c) => {
      c.worker.concurrency = 1;
      c.worker.queueCapacity = 1;
    });
    const a = svc.handle(exec('a'), conn());
    const b = svc.handle(exec('b'), conn());
    const c = svc.handle(exec('c'), conn());
    await expect(c).resolves.toEqual({
      result: 18,
      resultCode: 18,
      resultDesc: 'WorkerQueue saturated - all worker queues are full',
    });
    expect(stats.queueRejections).toBe(1);
    expect(insupc.calls).toHaveLength(1);
    expect(svc.workerQueueSize()).toBe(1);
    insupc.calls[0].resolve({ server: 'S', result: 1 });
    await expect(a).resolves.toMatchObject({ result: 0 });
    expect(insupc.calls).toHaveLength(2); // b got the freed slot
    insupc.calls[1].resolve({ server: 'S', result: 2 });
    await expect(b).resolves.toMatchObject({ result: 8, resultDesc: 'No data' });
    expect(svc.messageMappingSize()).toBe(0);
  });

  describe('issue 20: retry of listed read-only APIs (operations spec section 7)', () => {
    const lost = (server: string) =>
      new InsupcQueryError('CONNECTION_LOST', `${server}: connection lost`, server);
    const listed = (c: AppConfig) => {
      c.insupc.retry.apiNames = ['readApi'];
      c.message.sessionTimeout = 1000;
    };

    it('a listed API lost with its connection goes once more, to another server: one answer', async () => {
      const { svc, insupc, stats } = await setup(listed);
      insupc.routeTo = 'A';
      const pending = svc.handle(exec('R1', 'readApi'), conn()) as DeferredReply;
      insupc.calls[0].reject(lost('A'));
      await settle();
      expect(insupc.calls).toHaveLength(2);
      expect(insupc.excepts).toEqual([undefined, 'A']);
      expect(svc.retries()).toBe(1);
      expect(svc.describeSessions().inFlightQueries).toBe(1); // the retry kept the slot
      insupc.calls[1].reject(lost('B')); // lost again: no second retry
      await expect(pending).resolves.toMatchObject({ result: 9 });
      expect(insupc.calls).toHaveLength(2);
      expect(stats.execute).toEqual({ attempts: 1, success: 0, failure: 1 });
      await settle();
      expect(svc.describeSessions().inFlightQueries).toBe(0);
    });

    it('the retry answers the client', async () => {
      const { svc, insupc } = await setup(listed);
      const pending = svc.handle(exec('R1', 'readApi'), conn()) as DeferredReply;
      insupc.calls[0].reject(lost('A'));
      await settle();
      insupc.calls[1].resolve({ server: 'B', result: 0x01, sqlOutput: '{"ok":1}' });
      expect(JSON.parse(JSON.stringify(await pending))).toMatchObject({
        result: 0,
        data: { ok: 1 },
      });
    });

    it('never: an unlisted API, another error, no other server, or no time left', async () => {
      const { svc, insupc, clock } = await setup(listed);
      const unlisted = svc.handle(exec('R1', 'writeApi'), conn());
      insupc.calls[0].reject(lost('A'));
      await expect(unlisted).resolves.toMatchObject({ result: 9 });
      const timeout = svc.handle(exec('R2', 'readApi'), conn());
      insupc.calls[1].reject(new InsupcQueryError('TIMEOUT', 'backstop', 'A'));
      await expect(timeout).resolves.toMatchObject({ result: 6 });
      insupc.otherServer = false;
      const nowhere = svc.handle(exec('R3', 'readApi'), conn());
      insupc.calls[2].reject(lost('A'));
      await expect(nowhere).resolves.toMatchObject({ result: 9 });
      insupc.otherServer = true;
      const late = svc.handle(exec('R4', 'readApi'), conn());
      clock.t += 1000;
      insupc.calls[3].reject(lost('A')); // the sweep has not run yet: the session is open
      await expect(late).resolves.toMatchObject({ result: 9 });
      expect(insupc.calls).toHaveLength(4);
      expect(svc.retries()).toBe(0);
    });
  });

  it('issue 20: a session timing out with its query in flight reports a timeout of that server', async () => {
    const { svc, insupc, clock } = await setup((c) => {
      c.worker.concurrency = 1;
      c.message.sessionTimeout = 1000;
    });
    insupc.routeTo = 'A';
    const a = svc.handle(exec('a'), conn());
    const b = svc.handle(exec('b'), conn()); // waits for the slot: never sent
    clock.t += 1000;
    svc.expireTimedOut();
    await expect(a).resolves.toMatchObject({ result: 6 });
    await expect(b).resolves.toMatchObject({ result: 6 });
    expect(insupc.timedOut).toEqual(['A']);
  });

  it('issue 14: a timed-out query keeps its worker slot until INSUPC lets go of it', async () => {
    const { svc, insupc, clock } = await setup((c) => {
      c.worker.concurrency = 1;
      c.message.sessionTimeout = 1000;
    });
    const a = svc.handle(exec('a'), conn());
    clock.t += 500;
    const b = svc.handle(exec('b'), conn());
    expect(insupc.calls).toHaveLength(1);
    clock.t += 500;
    svc.expireTimedOut();
    await expect(a).resolves.toMatchObject({ result: 6 });
    expect(insupc.calls).toHaveLength(1); // a's query is still at the server: b waits
    expect(svc.describeSessions().inFlightQueries).toBe(1);
    insupc.calls[0].resolve({ server: 'S', result: 1 }); // a's late answer frees the slot
    await settle();
    expect(insupc.calls).toHaveLength(2);
    insupc.calls[1].resolve({ server: 'S', result: 1 });
    await expect(b).resolves.toMatchObject({ result: 0 });
    await settle();
    expect(svc.describeSessions().inFlightQueries).toBe(0);
  });

  it('issue 14: a session that expired or lost its client while queued is never sent', async () => {
    const { svc, insupc, clock, sink } = await setup((c) => {
      c.worker.concurrency = 1;
      c.message.sessionTimeout = 1000;
    });
    const gone = conn(2);
    const a = svc.handle(exec('a'), conn());
    clock.t += 100;
    const late = svc.handle(exec('late'), conn());
    const left = svc.handle(exec('left'), gone);
    clock.t += 1000; // 'late' is at its timeout, but the sweep has not run yet
    gone.closed = true; // closed without the transport's notice reaching the pipeline yet
    const fresh = svc.handle(exec('fresh'), conn());
    insupc.calls[0].resolve({ server: 'S', result: 1 });
    await expect(late).resolves.toMatchObject({ result: 6 });
    await expect(left).resolves.toMatchObject({ result: 18 });
    await settle();
    expect(insupc.calls.map((c) => c.params)).toHaveLength(2); // a and fresh only
    insupc.calls[1].resolve({ server: 'S', result: 1 });
    await expect(a).resolves.toMatchObject({ result: 0 });
    await expect(fresh).resolves.toMatchObject({ result: 0 });
    expect(sink.lines.some((l) => l.includes('late') && l.includes('TIMEOUT'))).toBe(true);
    expect(svc.messageMappingSize()).toBe(0);
  });

  it('issue 14: an execute in flight across /stat/init counts where it was attempted', async () => {
    const { svc, insupc, stats } = await setup();
    const a = svc.handle(exec('a'), conn());
    stats.reset();
    insupc.calls[0].resolve({ server: 'S', result: 1 });
    await expect(a).resolves.toMatchObject({ result: 0 });
    const b = svc.handle(exec('b'), conn());
    insupc.calls[1].resolve({ server: 'S', result: 1 });
    await expect(b).resolves.toMatchObject({ result: 0 });
    expect(stats.execute).toMatchObject({ attempts: 1, success: 1, failure: 0 });
  });

  it('UT_03_006: the sweep answers 6 Session timeout; the late answer is dropped and counted', async () => {
    const { svc, insupc, clock, stats, sink, config } = await setup(
      (c) => (c.message.sessionTimeout = 5000),
    );
    insupc.routeTo = 'INSUPC-1';
    const pending = svc.handle(exec('UT_03_006_REQ_TIMEOUT'), conn());
    clock.t += 4999;
    svc.expireTimedOut();
    expect(svc.messageMappingSize()).toBe(1);
    clock.t += 1;
    svc.expireTimedOut();
    await expect(pending).resolves.toEqual({
      result: 6,
      resultCode: 6,
      resultDesc: 'Session timeout',
    });
    expect(svc.describeSessions().currentSessions).toBe(0);
    expect(stats.timeouts).toBe(1);
    // the server is known from the moment the query was routed, not only from its answer
    expect(sink.lines[0]).toContain(
      'TIMEOUT | reqId: UT_03_006_REQ_TIMEOUT | apiName: mcidGetProfile | server: INSUPC-1',
    );

    insupc.calls[0].resolve({ server: 'INSUPC-1', result: 1, sqlOutput: '{}' });
    await settle();
    expect(stats.droppedResponses).toBe(1);
    expect(sink.lines[1]).toContain('DROPPED | reqId: UT_03_006_REQ_TIMEOUT');
    expect(stats.execute).toEqual({ attempts: 1, success: 0, failure: 1 });
    expect(config.message.sessionTimeout).toBe(5000);
  });

  it('a storm of session timeouts (a hung server): the first lines verbatim, then one count line a second', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const { svc, clock, config, sink } = await setup((c) => {
        c.message.sessionTimeout = 100;
        c.message.maxSessions = 10_000;
        c.tps.maxTps = 100_000;
      });
      const timeouts = () =>
        warn.mock.calls.map((c) => String(c[0])).filter((m) => m.startsWith('Session timeout'));
      // ~950 a second for 3 s: one execute per ms, swept as the timeout passes
      const answers: Promise<unknown>[] = [];
      for (let i = 0; i < 2850; i++) {
        answers.push(Promise.resolve(svc.handle(exec(`T${i}`), conn())));
        clock.t += 1.05;
        if (i % 10 === 0) svc.expireTimedOut();
      }
      clock.t += config.message.sessionTimeout;
      svc.expireTimedOut();
      await Promise.all(answers);
      clock.t += 1000; // the last window's count line
      const lines = timeouts();
      expect(lines.slice(0, 10)).toEqual(
        Array.from({ length: 10 }, (_, i) => `Session timeout - request ID: T${i}`),
      );
      const counts = lines.slice(10);
      expect(counts.length).toBeLessThanOrEqual(5);
      for (const l of counts) {
        expect(l).toMatch(/^Session timeout - \d+ more request\(s\) timed out in the last \d+ ms$/);
      }
      const counted = counts.reduce((n, l) => n + Number(/- (\d+) more/.exec(l)![1]), 0);
      expect(10 + counted).toBe(2850);
      // the execute log still names every one
      expect(sink.lines.filter((l) => l.includes(' TIMEOUT | '))).toHaveLength(2850);
    } finally {
      warn.mockRestore();
    }
  });

  it('times out only the expired sessions, oldest first', async () => {
    const { svc, clock } = await setup((c) => (c.message.sessionTimeout = 100));
    const early = svc.handle(exec('early'), conn());
    clock.t += 50;
    svc.handle(exec('late'), conn());
    clock.t += 60;
    svc.expireTimedOut();
    await expect(early).resolves.toMatchObject({ result: 6 });
    expect(svc.messageMappingSize()).toBe(1);
  });

  it.each([
    ['NO_BACKEND', new InsupcQueryError('NO_BACKEND', 'none'), 5, 'No INSUPC server available'],
    [
      'CONNECTION_LOST',
      new InsupcQueryError('CONNECTION_LOST', 'gone', 'INSUPC-2'),
      9,
      'INSUPC connection lost',
    ],
    ['a plain Error', new Error('bug'), 18, 'Internal error'],
  ])('query rejected with %s → %d', async (_label, err, result, text) => {
    const { svc, insupc } = await setup();
    const pending = svc.handle(exec('E'), conn());
    insupc.calls[0].reject(err);
    await expect(pending).resolves.toMatchObject({ result, resultDesc: text });
    expect(svc.messageMappingSize()).toBe(0);
  });

  it('a port that throws synchronously still gets exactly one answer', async () => {
    const { svc, insupc } = await setup();
    insupc.query = () => {
      throw new InsupcQueryError('SHUTTING_DOWN', 'bye');
    };
    await expect(svc.handle(exec('S'), conn())).resolves.toMatchObject({
      result: 18,
      resultDesc: 'Server shutting down',
    });
    expect(svc.messageMappingSize()).toBe(0);
  });

  it('client disconnected: its sessions go at once; the INSUPC answer is dropped and counted', async () => {
    const { svc, insupc, stats } = await setup();
    const c1 = conn(1);
    svc.handle(exec('mine'), c1);
    const other = svc.handle(exec('other'), conn(2));
    c1.close();
    expect(svc.messageMappingSize()).toBe(1);
    insupc.calls[0].resolve({ server: 'S', result: 1 });
    insupc.calls[1].resolve({ server: 'S', result: 1 });
    await expect(other).resolves.toMatchObject({ result: 0 });
    await settle();
    expect(stats.droppedResponses).toBe(1);
    expect(svc.messageMappingSize()).toBe(0);
  });

  it('a closed connection noticed only when the answer arrives is cleaned up too', async () => {
    const { svc, insupc, stats } = await setup();
    const c1 = conn(1);
    svc.handle(exec('x'), c1);
    c1.closed = true;
    insupc.calls[0].resolve({ server: 'S', result: 1 });
    await settle();
    expect(svc.messageMappingSize()).toBe(0);
    expect(stats.droppedResponses).toBe(1);
  });

  it('UT_03_003: receive queue full → mapping cleaned up, DROPPED, the client answered 18 at once', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const { svc, insupc, stats, clock, sink } = await setup((c) => {
        c.insupc.recvQueue.capacity = 1;
      });
      const a = svc.handle(exec('A'), conn());
      const b = svc.handle(exec('B'), conn());
      clock.t += 7;
      insupc.calls[0].resolve({ server: 'S', result: 1 });
      insupc.calls[1].resolve({ server: 'S', result: 1 });
      await Promise.resolve(); // both answers arrive before the queue drains
      await Promise.resolve();
      // B is answered before the queue drains: no session is left for a late 6
      expect(svc.messageMappingSize()).toBe(1);
      await expect(b).resolves.toEqual({
        result: 18,
        resultCode: 18,
        resultDesc: 'Server overloaded',
      });
      await expect(a).resolves.toMatchObject({ result: 0 });
      expect(svc.messageMappingSize()).toBe(0);
      expect(stats.droppedResponses).toBe(1);
      expect(stats.execute).toEqual({ attempts: 2, success: 1, failure: 1 });
      const bLines = sink.lines.filter((l) => l.includes('reqId: B '));
      expect(bLines).toHaveLength(1);
      expect(bLines[0]).toMatch(
        / DROPPED \| reqId: B \| apiName: mcidGetProfile \| server: S \| elapsed: 7ms\n$/,
      );
      expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([
        'Failed to forward response to WorkerQueue - cleaning up mapping to prevent garbage',
        'INSUPC response dropped due to WorkerQueue Full - requestId: B, session age: 7ms, status: DROPPED',
      ]);
    } finally {
      errors.mockRestore();
    }
  });

  it('UT_03_003 under overload: its ERROR lines once a second, the rest counted', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const { svc, insupc, stats, clock } = await setup((c) => {
        c.insupc.recvQueue.capacity = 1;
      });
      const burst = async (n: number): Promise<void> => {
        const first = insupc.calls.length;
        for (let i = 0; i < n; i++) void svc.handle(exec(`R${first + i}`), conn());
        for (let i = first; i < first + n; i++) insupc.calls[i].resolve({ server: 'S', result: 1 });
        await Promise.resolve();
        await Promise.resolve();
      };
      const lines = (): string[] =>
        errors.mock.calls
          .map((c) => String(c[0]))
          .filter((l) => l.startsWith('INSUPC response dropped due to WorkerQueue Full'));
      await burst(50);
      expect(stats.droppedResponses).toBe(49);
      expect(lines()).toEqual([
        'INSUPC response dropped due to WorkerQueue Full - requestId: R1, session age: 0ms, status: DROPPED',
      ]);
      await settle();
      clock.t += 1000;
      await burst(3);
      expect(lines()).toHaveLength(2);
      expect(lines()[1]).toBe(
        'INSUPC response dropped due to WorkerQueue Full - requestId: R51, session age: 0ms, status: DROPPED (+48 more since the previous line)',
      );
      expect(
        errors.mock.calls.filter((c) => String(c[0]).includes('cleaning up mapping')),
      ).toHaveLength(2);
      svc.onApplicationShutdown();
    } finally {
      errors.mockRestore();
    }
  });

  it('refuseNew → 18 Server shutting down; drained() waits for the last session', async () => {
    const { svc, insupc } = await setup();
    const pending = svc.handle(exec('in-flight'), conn());
    svc.refuseNew();
    expect(svc.handle(exec('new'), conn())).toMatchObject({
      result: 18,
      resultDesc: 'Server shutting down',
    });
    let drained = false;
    const d = svc.drained().then(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    insupc.calls[0].resolve({ server: 'S', result: 1 });
    await pending;
    await d;
    expect(drained).toBe(true);
    await expect(svc.drained()).resolves.toBeUndefined();
  });

  it('shutdown answers whatever is still open', async () => {
    const { svc } = await setup();
    const pending = svc.handle(exec('x'), conn());
    svc.onApplicationShutdown();
    await expect(pending).resolves.toMatchObject({ result: 18 });
    expect(svc.messageMappingSize()).toBe(0);
  });

  it('load level follows utilisation (sampled once a second)', async () => {
    const { svc, scheduler } = await setup((c) => {
      c.tps.maxTps = 10;
      c.message.maxSessions = 100;
    });
    svc.onModuleInit();
    for (let i = 0; i < 9; i++) svc.handle(exec(`${i}`), conn());
    scheduler.advance(999);
    expect(svc.describeSessions().loadLevel).toBe('Normal');
    scheduler.advance(1);
    expect(svc.describeSessions().loadLevel).toBe('Critical');
    scheduler.advance(1000);
    expect(svc.describeSessions().loadLevel).toBe('Normal');
    svc.onApplicationShutdown();
  });

  it('sessions time out on the scheduled sweep; a hot-reloaded session-timeout is followed', async () => {
    const { svc, scheduler, config } = await setup((c) => (c.message.sessionTimeout = 30_000));
    svc.onModuleInit();
    expect(scheduler.periodOf(SESSION_SWEEP_JOB)).toBe(250);
    config.message.sessionTimeout = 100; // what a reload does to the live config
    scheduler.advance(250); // the next sweep notices
    expect(scheduler.periodOf(SESSION_SWEEP_JOB)).toBe(10);
    const pending = svc.handle(exec('hot'), conn());
    scheduler.advance(99);
    expect(svc.messageMappingSize()).toBe(1);
    scheduler.advance(11);
    await expect(pending).resolves.toMatchObject({ result: 6, resultDesc: 'Session timeout' });
    svc.onApplicationShutdown();
  });

  it('every scheduled job stops on shutdown', async () => {
    const { svc, scheduler } = await setup();
    svc.onModuleInit();
    expect(scheduler.jobNames().sort()).toEqual([LOAD_MONITOR_JOB, SESSION_SWEEP_JOB].sort());
    svc.onApplicationShutdown();
    expect(scheduler.jobNames()).toEqual([]);
    expect(scheduler.pending()).toBe(0);
  });

  it('every execute is answered exactly once whatever the order of events', async () => {
    type Ev = 'answer' | 'nodata' | 'lost' | 'timeout' | 'disconnect';
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.nat(19),
            fc.constantFrom<Ev>('answer', 'nodata', 'lost', 'timeout', 'disconnect'),
          ),
          {
            maxLength: 60,
          },
        ),
        async (events) => {
          const { svc, insupc, clock, stats, latencies } = await setup((c) => {
            c.worker.concurrency = 3;
            c.message.sessionTimeout = 100;
          });
          const conns = [conn(1), conn(2)];
          const answers = new Array<number>(20).fill(0);
          for (let i = 0; i < 20; i++) {
            const r = svc.handle(exec(`R${i}`), conns[i % 2]);
            void Promise.resolve(r).then(() => answers[i]++);
          }
          // a promise settles once whatever happens: doubles show in what each ending records
          for (const [n, ev] of events) {
            const call = insupc.calls[n % Math.max(1, insupc.calls.length)];
            if (ev === 'answer') call?.resolve({ server: 'S', result: 1 });
            else if (ev === 'nodata') call?.resolve({ server: 'S', result: 2 });
            else if (ev === 'lost') call?.reject(new InsupcQueryError('CONNECTION_LOST', 'x'));
            else if (ev === 'timeout') {
              clock.t += 60;
              svc.expireTimedOut();
            } else {
              conns[n % 2].close();
            }
            await settle();
          }
          clock.t += 1000;
          svc.expireTimedOut(); // drains the wait line: everything left times out
          await settle();
          expect(answers).toEqual(new Array(20).fill(1));
          expect(svc.messageMappingSize()).toBe(0);
          expect(svc.workerQueueSize()).toBe(0);
          const e = stats.execute;
          expect(e.attempts).toBe(20);
          expect(e.success + e.failure).toBe(20);
          expect(latencies).toHaveLength(20);
        },
      ),
      { numRuns: 200 },
    );
  });
});
