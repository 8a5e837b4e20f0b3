/**
 * Issue 21 item 7 (operations spec §8.5): the admin port cannot starve the data path. Its
 * connections are capped (`server.max-connections`), GET /state lists at most `?limit=`
 * connections with exact counts, and a process whose open-files limit is below what the
 * caps may open says so at start-up.
 */
import { spawn } from 'node:child_process';
import { Server } from 'node:http';
import { connect, Socket } from 'node:net';
import { InsupcSimulator, startSimulator } from '../apps/insupc-simulator/src';
import { Gateway, startGateway } from '../src/bootstrap';
import { http } from './support/http';
import {
  GATEWAY_MAIN,
  gatewayFrontYaml,
  gatewayPorts,
  RealProcess,
  TempDir,
} from './support/real-processes';
import { connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { testConfig } from './support/test-config';
import { waitFor } from './support/wait-for';

const MAX_ADMIN = 4;

describe('the admin port cannot starve the data path (e2e)', () => {
  let sim: InsupcSimulator;
  let gw: Gateway;
  const clients: SipsvcTestClient[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ logger: false, instances: [{ name: 'INSUPC-1', port: 0 }] });
    gw = await startGateway(
      testConfig({
        server: { maxConnections: MAX_ADMIN },
        insupc: { clients: [{ name: 'INSUPC-1', host: '127.0.0.1', port: sim.port('INSUPC-1') }] },
      }),
    );
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await gw?.close();
    await sim?.stop();
  });

  const openAdminSocket = () =>
    new Promise<Socket>((resolve, reject) => {
      const s = connect(gw.httpPort, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });

  it('caps admin connections; SIPSVC keeps serving while the admin port is full', async () => {
    const server = gw.app.getHttpServer() as Server;
    expect(server).toMatchObject({ headersTimeout: 10_000, keepAliveTimeout: 5_000 });
    const idle: Socket[] = [];
    try {
      for (let i = 0; i < MAX_ADMIN; i++) idle.push(await openAdminSocket());
      const held = () => new Promise<number>((r) => server.getConnections((_, n) => r(n)));
      await waitFor(async () => (await held()) === MAX_ADMIN, 5000, 'idle sockets accepted');

      const extra = await openAdminSocket();
      await new Promise((r) => extra.once('close', r));
      await expect(http(gw.httpPort, 'GET', '/health/live')).rejects.toThrow();

      const client = await connectSipsvc(gw.sipsvcPort);
      clients.push(client);
      await client.authOk();
      expect(await client.heartbeat()).toMatchObject({ result: 0 });
    } finally {
      for (const s of idle) s.destroy();
    }
    await waitFor(
      async () =>
        (await http(gw.httpPort, 'GET', '/health/live').catch(() => undefined))?.status === 200,
      5000,
      'admin port serving again',
    );
  });

  it('GET /state?limit=N lists at most N connections; the counts stay exact', async () => {
    while (clients.length < 3) {
      const c = await connectSipsvc(gw.sipsvcPort);
      clients.push(c);
      await c.authOk();
    }
    const two = await http(gw.httpPort, 'GET', '/state?limit=2');
    expect(two.status).toBe(200);
    expect(two.contentType).toMatch(/^application\/json/);
    expect(two.body.sipsvcConnections).toMatchObject({ total: 3, authenticated: 3 });
    expect(two.body.sipsvcConnections.connections).toHaveLength(2);
    const all = await http(gw.httpPort, 'GET', '/state');
    expect(all.body.sipsvcConnections.connections).toHaveLength(3);
    expect((await http(gw.httpPort, 'GET', '/state?limit=-1')).status).toBe(400);
    expect((await http(gw.httpPort, 'GET', '/state?limit=x')).status).toBe(400);
  });
});

describe('open-files limit against the connection caps (e2e)', () => {
  const dir = new TempDir();
  let gw: RealProcess | undefined;
  afterAll(async () => {
    await gw?.kill();
    dir.remove();
  });

  it('warns at start-up with the numbers when the caps do not fit the limit', async () => {
    const ports = await gatewayPorts();
    const file = dir.write(
      'gateway.yaml',
      `${gatewayFrontYaml(ports)}\napplication: { state-server: { stat-file: "" } }\n` +
        `oam: { config: { path: ${dir.file('oam.json')} } }\n` +
        'insupc: { clients: [{ name: INSUPC-1, host: 127.0.0.1, port: 1 }] }\n',
    );
    gw = new RealProcess(
      spawn('prlimit', ['--nofile=1024:1024', process.execPath, GATEWAY_MAIN, '--config', file], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, INSUPCLIENT_CONFIG: '' },
      }),
    );
    const line =
      'Open files limit 1024 is below what the connection caps may open: 1421 = tcp.server.max-connections 100 + tcp.server.max-pending-connections 1000 + server.max-connections 256 + INSUPC pools 1 + 64 for the process';
    await waitFor(
      () => {
        if (!gw!.alive) throw new Error(`gateway exited:\n${gw!.output()}`);
        return gw!.output().includes(line);
      },
      15000,
      'the open-files WARN',
    );
  });
});
