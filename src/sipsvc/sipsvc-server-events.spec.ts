import { Logger } from '@nestjs/common';
import { connect, Server as NetServer, Socket } from 'node:net';
import { FakeScheduler } from '../common/testing/fake-scheduler';
import { validateConfig } from '../config/config.loader';
import { AuthFailureThrottle } from './auth-failure-throttle';
import { SipsvcConnectionRegistry } from './sipsvc-connection-registry';
import { SipsvcServer, SipsvcServerStatus } from './sipsvc.server';
import { SipsvcCounters } from './sipsvc.counters';

/**
 * SipsvcServer as a Nest transport: `on()`, `status` and `unwrap()` behave like Nest's own
 * ServerTCP (a real listener on loopback).
 */
function server(port = 0): SipsvcServer {
  const config = validateConfig({
    tcp: { server: { host: '127.0.0.1', port } },
    insupc: { clients: [{ name: 'INSUPC-1', host: '127.0.0.1', port: 19000 }] },
  });
  return new SipsvcServer(
    config.tcp,
    config.sipsvc,
    new SipsvcConnectionRegistry(),
    new SipsvcCounters(),
    new FakeScheduler(),
    new AuthFailureThrottle(() => config.security.authFailure, new Logger('t')),
  );
}

const listen = (s: SipsvcServer) =>
  new Promise<unknown>((resolve) => s.listen((err?: unknown) => resolve(err)));

describe('SipsvcServer transport surface (like ServerTCP)', () => {
  const servers: SipsvcServer[] = [];
  const sockets: Socket[] = [];

  beforeEach(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  afterEach(async () => {
    sockets.splice(0).forEach((c) => c.destroy());
    await Promise.all(servers.splice(0).map((s) => s.close()));
    jest.restoreAllMocks();
  });

  function make(port = 0): SipsvcServer {
    const s = server(port);
    servers.push(s);
    return s;
  }

  it('status: connected once listening, disconnected once closed', async () => {
    const s = make();
    const seen: SipsvcServerStatus[] = [];
    s.status.subscribe((st) => seen.push(st));
    expect(await listen(s)).toBeUndefined();
    expect(seen).toEqual(['connected']);
    await s.close();
    expect(seen).toEqual(['connected', 'disconnected']);
  });

  it('on(): listeners given before listen() are attached to the listener, later ones at once', async () => {
    const s = make();
    const events: string[] = [];
    s.on('listening', () => events.push('listening'));
    s.on('connection', () => events.push('connection'));
    await listen(s);
    s.on('close', () => events.push('close'));
    const client = connect(s.port(), '127.0.0.1');
    sockets.push(client);
    await new Promise<void>((resolve) => s.on('connection', () => resolve()));
    client.destroy();
    await s.close();
    expect(events).toEqual(['listening', 'connection', 'close']);
  });

  it('unwrap(): an error before listen(), then the node:net Server', async () => {
    const s = make();
    expect(() => s.unwrap()).toThrow('not listening yet');
    await listen(s);
    const net = s.unwrap<NetServer>();
    expect(net).toBeInstanceOf(NetServer);
    expect(net.address()).toMatchObject({ port: s.port() });
  });

  it('a listener that cannot bind reports the error, status disconnected', async () => {
    const first = make();
    await listen(first);
    const second = make(first.port());
    const seen: SipsvcServerStatus[] = [];
    second.status.subscribe((st) => seen.push(st));
    expect(await listen(second)).toMatchObject({ code: 'EADDRINUSE' });
    expect(seen).toEqual(['disconnected']);
  });
});
