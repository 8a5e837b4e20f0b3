/**
 * Issue 11 item 1: "routable" is one predicate (READY, status routable, a connection under the
 * write-backlog limit) for the router, the connection picker and readiness. With two MA
 * servers and one that stops reading, every query goes to the healthy one: none is refused
 * NO_BACKEND (SIPSVC result 5), and readiness counts one routable server, not two.
 */
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { startSimulator, type InsupcSimulator } from '../apps/insupc-simulator/src';
import {
  encodeDbAccessResponse,
  FrameDecoder,
  MsgCode,
  ResultCode,
} from '../libs/insupc-protocol/src';
import { InsupcQueryError } from '../src/contracts/insupc-query.port';
import { startTransport, TransportHarness } from './insupc-gw-harness';
import { waitFor } from './support/wait-for';

/** Answers the logon with MA, then never reads again. */
function stuckServer(onPeer: (s: Socket) => void): Server {
  return createServer((socket) => {
    onPeer(socket);
    const decoder = new FrameDecoder({
      onFrame: (f) => {
        if (f.msgCode !== MsgCode.DB_ACCESS_REQUEST) return;
        const h = { asId: f.asId, transactionId: f.transactionId, sessionId: f.sessionId };
        socket.write(encodeDbAccessResponse(h, ResultCode.SUCCESS, 'MA'));
        socket.pause();
      },
    });
    socket.on('data', (chunk) => decoder.push(chunk));
    socket.on('error', () => undefined);
  });
}

describe('INSUPC routing past a server that stops reading (e2e)', () => {
  let stuck: Server;
  let peer: Socket | undefined;
  let sim: InsupcSimulator;
  let gw: TransportHarness | undefined;

  beforeAll(async () => {
    stuck = stuckServer((s) => (peer = s));
    await new Promise<void>((r) => stuck.listen(0, '127.0.0.1', r));
    sim = await startSimulator({ logger: false, instances: [{ name: 'HEALTHY', dbStatus: 'MA' }] });
  });

  afterAll(async () => {
    await gw?.close();
    peer?.destroy();
    await new Promise((r) => stuck.close(r));
    await sim.stop();
  });

  it('sends every query to the healthy MA server: zero NO_BACKEND, readiness counts one', async () => {
    const keepReady = { heartbeatInterval: 60_000, readTimeout: 60_000 };
    // round robin, so STUCK gets its share of the big queries until it is backlogged
    gw = await startTransport(
      [
        { name: 'STUCK', port: (stuck.address() as AddressInfo).port, overrides: keepReady },
        { name: 'HEALTHY', port: sim.instances[0].port, overrides: keepReady },
      ],
      {},
      { balancing: 'round-robin' },
    );
    await waitFor(() => gw!.state.routableServerCount() === 2, 5000, 'both servers logged on');

    // Fill STUCK's write backlog past the limit: big queries, round-robin over both servers;
    // worker.concurrency (per server) raised so STUCK takes more than 8 MiB of them
    gw.config.worker.concurrency = 1000;
    const param = 'x'.repeat(60_000);
    const refused: InsupcQueryError[] = [];
    const answered: Promise<unknown>[] = [];
    const send = (): void => {
      const p = gw!.query.query('bulk', [param]).catch((e: unknown) => {
        if (e instanceof InsupcQueryError && e.code === 'NO_BACKEND') refused.push(e);
        return e;
      });
      answered.push(p);
    };
    const backlogged = () => gw!.logs.has('INSUP_SESSION_001: ', 'warn');
    for (let i = 0; i < 2000 && !backlogged(); i++) {
      send();
      await new Promise((r) => setImmediate(r));
    }
    expect(backlogged()).toBe(true);

    // From now on STUCK is not routable: every query is served, and readiness says so.
    const healthyAnswers: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) healthyAnswers.push(gw.query.query('getX', ['1']));
    const results = await Promise.allSettled(healthyAnswers);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(
      results.map((r) => (r as PromiseFulfilledResult<{ server: string }>).value.server),
    ).toEqual(Array(50).fill('HEALTHY'));
    expect(refused).toEqual([]);
    expect(gw.state.routableServerCount()).toBe(1);
    expect(gw.state.describeServers().find((s) => s.name === 'STUCK')?.routable).toBe(false);
  });
});
