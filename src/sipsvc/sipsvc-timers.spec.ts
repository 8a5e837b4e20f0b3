import { Logger } from '@nestjs/common';
import { Socket } from 'node:net';
import { SipsvcClient } from '../../libs/sipsvc-protocol/src/sipsvc-client';
import { FakeScheduler } from '../common/testing/fake-scheduler';
import { AppConfig } from '../config/config.schema';
import { validateConfig } from '../config/config.loader';
import { applyHotReload } from '../oam/config-reload';
import { AuthFailureThrottle } from './auth-failure-throttle';
import { SipsvcConnection } from './sipsvc-connection';
import { SipsvcConnectionRegistry } from './sipsvc-connection-registry';
import { SipsvcServer } from './sipsvc.server';
import { SipsvcCounters } from './sipsvc.counters';

/**
 * The SIPSVC connection timers (sipsvc-json-protocol.md section 4, UT_01_007..009) on fake
 * time: a real listener on loopback, the sweep driven by FakeScheduler.advance().
 */
const AUTH_TIMEOUT = 1500;
const IDLE_TIMEOUT = 3000;
const CONNECTION_TIMEOUT = 10_000;

const settle = () => new Promise<void>((r) => setImmediate(r));

const settings = (idleTimeout: number) => ({
  tcp: {
    server: {
      host: '127.0.0.1',
      port: 0,
      authTimeout: AUTH_TIMEOUT,
      idleTimeout,
      connectionTimeout: CONNECTION_TIMEOUT,
    },
  },
  insupc: { clients: [{ name: 'INSUPC-1', host: '127.0.0.1', port: 19000 }] },
});

describe('SIPSVC connection timers (fake time)', () => {
  let scheduler: FakeScheduler;
  let registry: SipsvcConnectionRegistry;
  let server: SipsvcServer;
  let port: number;
  let config: AppConfig;
  const clients: { destroy(): void }[] = [];

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    config = validateConfig(settings(IDLE_TIMEOUT));
    scheduler = new FakeScheduler();
    registry = new SipsvcConnectionRegistry();
    const throttle = new AuthFailureThrottle(() => config.security.authFailure, new Logger('t'));
    server = new SipsvcServer(
      config.tcp,
      config.sipsvc,
      registry,
      new SipsvcCounters(),
      scheduler,
      throttle,
    );
    server.addHandler('auth', (_req: unknown, conn: SipsvcConnection) => {
      registry.tryAuthenticate(conn, 10);
      return Promise.resolve({ result: 0, resultDesc: 'ok', token: conn.token });
    });
    server.addHandler('heartbeat', () => Promise.resolve({ result: 0, resultDesc: 'ok' }));
    await new Promise<void>((resolve, reject) =>
      server.listen((err) => (err ? reject(err as Error) : resolve())),
    );
    port = server.port();
  });

  afterEach(async () => {
    clients.splice(0).forEach((c) => c.destroy());
    await server.close();
    jest.restoreAllMocks();
  });

  async function connect(): Promise<{ client: SipsvcClient; conn: SipsvcConnection }> {
    const client = await SipsvcClient.connect({ host: '127.0.0.1', port });
    clients.push(client);
    while (registry.size === 0) await settle();
    return { client, conn: [...registry.all()][registry.size - 1] };
  }

  async function auth(client: SipsvcClient): Promise<string> {
    client.send({ cmd: 'auth', reqNo: 'A' });
    return (await client.next()).token as string;
  }

  it('UT_01_007: a connection that never authenticates is closed after auth-timeout, not before', async () => {
    const { client, conn } = await connect();
    scheduler.advance(AUTH_TIMEOUT - 1);
    expect(conn.socket.destroyed).toBe(false);
    scheduler.advance(1000); // the next sweep
    expect(conn.socket.destroyed).toBe(true);
    await client.closed;
  });

  it('UT_01_008: an authenticated connection with no traffic is closed after idle-timeout', async () => {
    const { client, conn } = await connect();
    await auth(client);
    scheduler.advance(IDLE_TIMEOUT - 1);
    expect(conn.socket.destroyed).toBe(false);
    scheduler.advance(1000);
    expect(conn.socket.destroyed).toBe(true);
    await client.closed;
  });

  it('a reloaded idle-timeout applies at the next sweep (hot: read per sweep)', async () => {
    const { client, conn } = await connect();
    await auth(client);
    scheduler.advance(1000);
    const out = applyHotReload(config, validateConfig(settings(500)));
    expect(out.applied).toEqual(['tcp.server.idle-timeout']);
    expect(conn.socket.destroyed).toBe(false);
    scheduler.advance(1000); // the next sweep: idle 2000 ms > the new 500
    expect(conn.socket.destroyed).toBe(true);
    await client.closed;
  });

  it('UT_01_009: heartbeats keep a connection open past twice the idle-timeout', async () => {
    const { client, conn } = await connect();
    const token = await auth(client);
    for (let i = 0; i < 9; i++) {
      scheduler.advance(IDLE_TIMEOUT / 3);
      client.send({ cmd: ['heartbeat', 'heartBeat', 'HeartBeat'][i % 3], token, reqNo: `H${i}` });
      expect(await client.next()).toMatchObject({ result: 0 });
    }
    expect(scheduler.now()).toBeGreaterThan(IDLE_TIMEOUT * 2);
    expect(conn.socket.destroyed).toBe(false);
  });

  it('closes an authenticated connection older than connection-timeout, even while active', async () => {
    const { client, conn } = await connect();
    const token = await auth(client);
    for (let t = 0; t < CONNECTION_TIMEOUT - 1000; t += 1000) {
      scheduler.advance(1000);
      client.send({ cmd: 'heartbeat', token, reqNo: `H${t}` });
      await client.next();
    }
    expect(conn.socket.destroyed).toBe(false);
    scheduler.advance(1000);
    expect(conn.socket.destroyed).toBe(true);
  });

  it('a closing connection whose client keeps its side open is destroyed after the grace', async () => {
    const raw = new Socket({ allowHalfOpen: true });
    clients.push(raw);
    await new Promise<void>((r) => raw.connect(port, '127.0.0.1', r));
    raw.resume();
    while (registry.size === 0) await settle();
    const conn = [...registry.all()][0];
    raw.write('{"cmd":"execute"}'); // before auth: answered 2, then the gateway ends its side
    while (!conn.closing) await settle();
    scheduler.advance(1000);
    expect(conn.socket.destroyed).toBe(false);
    scheduler.advance(2000);
    expect(conn.socket.destroyed).toBe(true);
  });

  it('the sweep is one named job, stopped on shutdown', async () => {
    expect(scheduler.jobNames()).toEqual(['sipsvc-connection-sweep']);
    await server.close();
    expect(scheduler.jobNames()).toEqual([]);
  });
});
