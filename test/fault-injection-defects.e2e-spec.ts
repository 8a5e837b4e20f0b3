/**
 * Issue 14's defects 2, 4 and 5, each against a real gateway and INSUPC simulator on loopback
 * (defects 1 and 3 are covered with the INSUPC transport's own specs and by the fuzz specs).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startSimulator,
  type InsupcSimulator,
} from '../apps/insupc-simulator/src/insupc-simulator';
import { Gateway, startGateway } from '../src/bootstrap';
import { SESSION_STATE, SessionStateSource } from '../src/contracts/state-sources';
import { SipsvcConnectionRegistry } from '../src/sipsvc/sipsvc-connection-registry';
import { http } from './support/http';
import { connectSipsvc } from './support/sipsvc-test-client';
import { simulatorClients, waitRoutable } from './support/simulator-clients';
import { testConfig } from './support/test-config';
import { waitFor } from './support/wait-for';

/** DB_QUERY requests the simulator holds: received and not yet answered, over its instances. */
function outstandingAtServer(sim: InsupcSimulator): number {
  let n = 0;
  for (const s of Object.values(sim.stats().instances)) {
    n += (s.received.DB_QUERY_REQUEST ?? 0) - (s.sent.DB_QUERY_RESPONSE ?? 0);
  }
  return n;
}

function rawSocket(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, localAddress });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** resolves true when the gateway closes `s` within `ms`, false when it stays open. */
function closedWithin(s: Socket, ms: number): Promise<boolean> {
  if (s.destroyed || s.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
    s.on('error', () => undefined);
  });
}

describe('issue 14 defects (e2e)', () => {
  let sim: InsupcSimulator;
  const gateways: Gateway[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ logger: false, instances: [{ name: 'INSUPC-1' }] });
  });
  afterEach(async () => {
    sim.setResponseDelay(0);
    while (gateways.length) await gateways.pop()!.close();
  });
  afterAll(async () => sim?.stop());

  async function gateway(overrides: Parameters<typeof testConfig>[0] = {}): Promise<Gateway> {
    const gw = await startGateway(
      testConfig({ insupc: { clients: simulatorClients(sim) }, ...overrides }),
    );
    gateways.push(gw);
    await waitRoutable(gw);
    return gw;
  }

  it('defect 2: a backend slower than the session timeout never holds more than worker.concurrency queries', async () => {
    const gw = await gateway({
      worker: { concurrency: 4, queueCapacity: 1000 },
      message: { sessionTimeout: 300 },
      tps: { maxTps: 100000 },
    });
    sim.setResponseDelay(450); // slower than the session timeout, inside the 600 ms backstop
    sim.resetStats();
    const c = await connectSipsvc(gw.sipsvcPort, { timeoutMs: 10000 });
    await c.authOk();
    let peak = 0;
    const probe = setInterval(() => (peak = Math.max(peak, outstandingAtServer(sim))), 5);
    try {
      const answers = await Promise.all(
        Array.from({ length: 60 }, () => c.execute('mcidGetProfile', ['01012345678'])),
      );
      expect(answers.every((a) => a.result === 6)).toBe(true);
      await waitFor(() => outstandingAtServer(sim) === 0, 5000, 'the server drained');
    } finally {
      clearInterval(probe);
      await c.close();
    }
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(4);
    // the queued sessions expired in the queue and were never sent
    expect(sim.stats().instances['INSUPC-1'].received.DB_QUERY_REQUEST).toBeLessThan(60);
  });

  it('defect 4: unauthenticated connections are capped per address and in all; a good client still gets in', async () => {
    const gw = await gateway({
      tcp: { server: { maxPendingConnections: 6, maxPendingPerIp: 3, authTimeout: 30000 } },
    });
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) sockets.push(await rawSocket(gw.sipsvcPort, '127.0.0.2'));
      const overPerIp = await rawSocket(gw.sipsvcPort, '127.0.0.2');
      expect(await closedWithin(overPerIp, 2000)).toBe(true);
      for (let i = 0; i < 3; i++) sockets.push(await rawSocket(gw.sipsvcPort, '127.0.0.3'));
      const overTotal = await rawSocket(gw.sipsvcPort, '127.0.0.4');
      expect(await closedWithin(overTotal, 2000)).toBe(true);
      // the ones within the caps stay open
      expect(await closedWithin(sockets[0], 200)).toBe(false);
      // one pending connection goes: there is room again, and an auth frees its place too
      sockets.pop()!.destroy();
      const registry = gw.app.get(SipsvcConnectionRegistry);
      await waitFor(() => registry.size === 5, 5000, 'the closed connection gone');
      const good = await connectSipsvc(gw.sipsvcPort);
      await good.authOk();
      const next = await rawSocket(gw.sipsvcPort, '127.0.0.5');
      expect(await closedWithin(next, 200)).toBe(false);
      sockets.push(next);
      expect(await good.execute('mcidGetProfile', ['01012345678'])).toMatchObject({ result: 0 });
      await good.close();
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  it('defect 5: reqNo 1e400 is refused with 1 and never echoed as null', async () => {
    const gw = await gateway();
    const c = await connectSipsvc(gw.sipsvcPort);
    const token = await c.authOk();
    c.client.sendRaw(
      `{"cmd":"execute","token":"${token}","reqNo":1e400,"seq":"001","reqBody":{"apiName":"mcidGetProfile"}}`,
    );
    const answer = await c.client.next();
    expect(answer).toMatchObject({ cmd: 'execute', result: 1 });
    expect('reqNo' in answer).toBe(false);
    await c.close();
  });

  it('defect 5: control characters and invalid UTF-8 are refused with 1 and never reach INSUPC', async () => {
    const gw = await gateway();
    const c = await connectSipsvc(gw.sipsvcPort);
    const token = await c.authOk();
    sim.resetStats();
    expect(await c.execute('mcid\u0000GetProfile', ['010'])).toMatchObject({ result: 1 });
    expect(await c.execute('mcidGetProfile', ['010\u0000; DROP'])).toMatchObject({ result: 1 });
    const invalidUtf8 = Buffer.concat([
      Buffer.from(`{"cmd":"execute","token":"${token}","reqNo":"U8","reqBody":{"apiName":"mcid`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}}'),
    ]);
    c.client.sendRaw(invalidUtf8);
    expect(await c.client.next()).toMatchObject({ reqNo: 'U8', result: 1 });
    expect(sim.stats().instances['INSUPC-1'].received.DB_QUERY_REQUEST ?? 0).toBe(0);
    await c.close();
  });

  it('defect 5: /stat/init under load never leaves success > attempts', async () => {
    const gw = await gateway({ tps: { maxTps: 100000 } });
    sim.setResponseDelay(20);
    const c = await connectSipsvc(gw.sipsvcPort, { timeoutMs: 10000 });
    await c.authOk();
    const load = Promise.all(
      Array.from({ length: 300 }, () => c.execute('mcidGetProfile', ['01012345678'])),
    );
    for (let i = 0; i < 5; i++) {
      await http(gw.httpPort, 'POST', '/stat/init');
      await new Promise((r) => setImmediate(r));
    }
    await load;
    const sessions = gw.app.get<SessionStateSource>(SESSION_STATE);
    await waitFor(() => sessions.messageMappingSize() === 0);
    const stat = await http(gw.httpPort, 'GET', '/stat');
    const exec = (stat.body as { server: { commands: { execute: Record<string, number> } } }).server
      .commands.execute;
    expect(exec.success + exec.failure).toBeLessThanOrEqual(exec.attempts);
    await c.close();
  });

  it('defect 5: temp files a kill -9 left beside the OAM and stat files are removed at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'insupclient-leftovers-'));
    try {
      const oam = join(dir, 'oam-conf.json');
      const stat = join(dir, 'stats.json');
      // write-file-atomic's temp names: <file>.<decimal hash>
      writeFileSync(join(dir, 'oam-conf.json.3170471946'), '{"applicat');
      writeFileSync(join(dir, 'stats.json.887766'), '');
      await gateway({
        oam: { config: { path: oam } },
        application: { stateServer: { statFile: stat } },
      });
      expect(existsSync(join(dir, 'oam-conf.json.3170471946'))).toBe(false);
      expect(existsSync(join(dir, 'stats.json.887766'))).toBe(false);
    } finally {
      // closed first: its final snapshot would otherwise recreate the directory
      while (gateways.length) await gateways.pop()!.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
