import { Logger } from '@nestjs/common';
import type { Socket } from 'node:net';
import { encodeDbAccessResponse, MsgCode, ResultCode } from '../../libs/insupc-protocol/src';
import { FakeScheduler } from '../common/testing/fake-scheduler';
import { AppConfig, InsupcClientConfig } from '../config/config.schema';
import { InsupcCounters } from './insupc.counters';
import { InsupcQueryError } from '../contracts/insupc-query.port';
import { InsupcTransport, PENDING_BACKSTOP_JOB } from './insupc-transport.service';
import { FakeInsupcSocket } from './testing/fake-insupc-socket';

const flush = () => new Promise<void>((r) => setImmediate(r));

/** A transport over fake sockets and fake time; `logon(i)` plays server i's logon answer. */
function setup(servers = ['A', 'B'], sessionTimeout = 1000, maxMessageBytes = 65536) {
  const config = new AppConfig();
  config.tcp.server.maxMessageBytes = maxMessageBytes;
  config.message.sessionTimeout = sessionTimeout;
  config.insupc.clients = servers.map((name, i) =>
    Object.assign(new InsupcClientConfig(), { name, host: '127.0.0.1', port: 19000 + i }),
  );
  const scheduler = new FakeScheduler();
  const sockets = new Map<number, FakeInsupcSocket>();
  const transport = new InsupcTransport(
    config.application,
    config.insupc,
    config.logging,
    config.message,
    config.tcp,
    config.worker,
    new InsupcCounters(),
    scheduler,
    (_host, port) => {
      const s = new FakeInsupcSocket();
      sockets.set(port - 19000, s);
      return s as unknown as Socket;
    },
  );
  const logon = (i: number, status: 'MA' | 'MB' = 'MA') => {
    const s = sockets.get(i)!;
    s.accept();
    const req = s.last(MsgCode.DB_ACCESS_REQUEST);
    s.receive(
      encodeDbAccessResponse(
        { asId: req.asId, transactionId: req.transactionId, sessionId: req.sessionId },
        ResultCode.SUCCESS,
        status,
      ),
    );
  };
  return { transport, scheduler, sockets, logon, config };
}

describe('InsupcTransport', () => {
  beforeEach(() => {
    for (const level of ['log', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
    }
  });
  afterEach(() => jest.restoreAllMocks());

  it('onServerAvailability: told each change of a server’s logged-on connections, until unsubscribed', async () => {
    const { transport, scheduler, sockets, logon } = setup();
    const seen: [string, number][] = [];
    const unsubscribe = transport.onServerAvailability((server, n) => seen.push([server, n]));
    transport.onApplicationBootstrap();
    logon(0);
    logon(1);
    expect(seen).toEqual([
      ['A', 1],
      ['B', 1],
    ]);
    sockets.get(0)!.destroy();
    await flush();
    expect(seen).toEqual([
      ['A', 1],
      ['B', 1],
      ['A', 0],
    ]);
    // a throwing listener neither breaks the logon nor keeps the others from hearing of it
    const throwing = transport.onServerAvailability(() => {
      throw new Error('listener bug');
    });
    scheduler.advance(1000); // retry-interval: A reconnects
    logon(0);
    expect(seen[3]).toEqual(['A', 1]);
    expect(transport.routableServerCount()).toBe(2);
    throwing();
    unsubscribe();
    sockets.get(1)!.destroy();
    await flush();
    expect(seen).toHaveLength(4);
    await transport.release();
  });

  it('the pending backstop is a named job that fails requests unanswered for 2 × session-timeout', async () => {
    const { transport, scheduler, logon } = setup(['A'], 1000);
    transport.onApplicationBootstrap();
    expect(scheduler.jobNames()).toEqual([PENDING_BACKSTOP_JOB]);
    logon(0);
    const outcome = transport.query('api', []).catch((e: InsupcQueryError) => e.code);
    let settled = false;
    void outcome.then(() => (settled = true));
    scheduler.advance(1999);
    await flush();
    expect(settled).toBe(false);
    scheduler.advance(1001); // the first sweep (every 1000 ms) past the 2000 ms guard
    await flush();
    await expect(outcome).resolves.toBe('TIMEOUT');
    expect(transport.pendingRequests()).toBe(0);
    await transport.release();
    expect(scheduler.jobNames()).toEqual([]);
  });

  it('the backstop follows a hot-reloaded session-timeout (30 s → 100 ms)', async () => {
    const { transport, scheduler, logon, config } = setup(['A'], 30_000);
    transport.onApplicationBootstrap();
    expect(scheduler.periodOf(PENDING_BACKSTOP_JOB)).toBe(1000);
    logon(0);
    const outcome = transport.query('api', []).catch((e: InsupcQueryError) => e.code);
    config.message.sessionTimeout = 100; // what the reload action does to the live config
    scheduler.advance(1000); // the next sweep applies the 200 ms guard, then runs every 100 ms
    await expect(outcome).resolves.toBe('TIMEOUT');
    expect(scheduler.periodOf(PENDING_BACKSTOP_JOB)).toBe(100);
    await transport.release();
  });

  it('a server whose connections are all past the write backlog is not routable; the other serves', () => {
    const { transport, sockets, logon } = setup();
    transport.onApplicationBootstrap();
    logon(0);
    logon(1);
    expect(transport.routableServerCount()).toBe(2);
    sockets.get(0)!.writableLength = 9 * 1024 * 1024;
    expect(transport.routableServerCount()).toBe(1);
    const servers = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const routed = { server: '' };
      void transport.query('api', [], routed).catch(() => undefined);
      servers.add(routed.server);
    }
    expect([...servers]).toEqual(['B']);
    return transport.release();
  });

  it('warns at start-up when tcp.server.max-message-bytes allows executes over insupc.max-frame-bytes', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const quiet = setup(['A']);
    quiet.transport.onApplicationBootstrap();
    const line = /allows executes whose DB_QUERY_REQUEST exceeds insupc.max-frame-bytes 1048576/;
    expect(warn.mock.calls.some(([m]) => line.test(String(m)))).toBe(false);
    void quiet.transport.release();
    const loud = setup(['A'], 1000, 2 * 1024 * 1024);
    loud.transport.onApplicationBootstrap();
    expect(warn.mock.calls.some(([m]) => line.test(String(m)))).toBe(true);
    return loud.transport.release();
  });

  it('NO_BACKEND only when no server is routable', async () => {
    const { transport, logon } = setup(['A']);
    transport.onApplicationBootstrap();
    await expect(transport.query('api', [])).rejects.toMatchObject({ code: 'NO_BACKEND' });
    logon(0, 'MB');
    await expect(transport.query('api', [])).rejects.toMatchObject({ code: 'NO_BACKEND' });
    await transport.release();
  });
});

describe('InsupcTransport outlier detection (operations spec section 7, fake time)', () => {
  let warns: string[];
  let infos: string[];
  beforeEach(() => {
    warns = [];
    infos = [];
    jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation((m: unknown) => void warns.push(String(m)));
    jest
      .spyOn(Logger.prototype, 'log')
      .mockImplementation((m: unknown) => void infos.push(String(m)));
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  function started(servers: string[]) {
    const rig = setup(servers);
    Object.assign(rig.config.insupc.outlierDetection, {
      consecutiveFailures: 2,
      baseEjectionTime: 1000,
      maxEjectionTime: 1500,
    });
    rig.transport.onApplicationBootstrap();
    servers.forEach((_, i) => rig.logon(i));
    return rig;
  }
  const state = (t: InsupcTransport, name: string) =>
    t.describeServers().find((s) => s.name === name)!;

  it('ejects after consecutive failures for base x n, capped; back in rotation at the end', () => {
    const { transport, scheduler } = started(['A', 'B']);
    transport.queryTimedOut('A');
    expect(state(transport, 'A')).toMatchObject({ ejected: false, consecutiveFailures: 1 });
    transport.queryTimedOut('A');
    expect(warns).toContain(
      '[INSUPC|A] ejected for 1000 ms after 2 consecutive query failures (1-th ejection)',
    );
    expect(state(transport, 'A')).toMatchObject({ ejected: true, isAvailable: false });
    expect(transport.routableServerCount()).toBe(1);
    expect(transport.hasQuerySlot()).toBe(true);
    scheduler.advance(1000); // the backstop sweep notices the end
    expect(infos).toContain('[INSUPC|A] back in rotation after ejection');
    expect(transport.routableServerCount()).toBe(2);
    transport.queryTimedOut('A');
    transport.queryTimedOut('A');
    expect(warns).toContain(
      '[INSUPC|A] ejected for 1500 ms after 2 consecutive query failures (2-th ejection)',
    );
    expect(transport.ejections()).toContainEqual({ server: 'A', ejected: true, ejections: 2 });
  });

  it('never the last routable server; at most max-ejection-percent beyond the first', () => {
    const { transport } = started(['A', 'B', 'C', 'D']);
    for (const name of ['A', 'B', 'C', 'D']) {
      transport.queryTimedOut(name);
      transport.queryTimedOut(name);
    }
    // 50 % of 4: A and B ejected, C refused (it would make 75 %)
    expect(transport.describeServers().map((s) => s.ejected)).toEqual([true, true, false, false]);
    expect(warns.filter((w) => w.includes('ejected for'))).toHaveLength(2);
  });

  it('the last routable server stays in rotation however often it fails', async () => {
    const { transport, sockets } = started(['A', 'B']);
    sockets.get(1)!.destroy(); // B logged off: A is the last routable server
    await flush();
    for (let i = 0; i < 10; i++) transport.queryTimedOut('A');
    expect(state(transport, 'A')).toMatchObject({ ejected: false, consecutiveFailures: 10 });
    expect(transport.routableServerCount()).toBe(1);
    expect(warns.some((w) => w.includes('ejected for'))).toBe(false);
  });

  it('a query on a server at worker.concurrency waits: hasQuerySlot false until one answers', async () => {
    const { transport, config, sockets } = started(['A', 'B']);
    config.worker.concurrency = 1;
    const ended = [transport.query('x', []), transport.query('y', [])].map((p) =>
      p.catch((e: unknown) => e),
    );
    expect(state(transport, 'A').inFlight + state(transport, 'B').inFlight).toBe(2);
    expect(transport.hasQuerySlot()).toBe(false);
    sockets.get(0)!.destroy(); // A's query is lost with its connection: its slot is free
    await flush();
    expect(await ended[0]).toMatchObject({ code: 'CONNECTION_LOST' });
    expect(state(transport, 'A').inFlight).toBe(0);
    expect(state(transport, 'A').consecutiveFailures).toBe(1);
    expect(transport.hasQuerySlot()).toBe(false); // A is down, B still full
    sockets.get(1)!.destroy();
    await flush();
    expect(await ended[1]).toMatchObject({ code: 'CONNECTION_LOST' });
    expect(transport.hasQuerySlot()).toBe(true); // nothing routable: fail at once, never wait
  });
});
