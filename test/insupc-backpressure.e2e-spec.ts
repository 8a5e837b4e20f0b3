/**
 * A server that logs on and then stops reading must not make the gateway buffer queries
 * without bound: past the write backlog limit the connection takes no new queries, and the
 * caller is answered NO_BACKEND at once instead.
 */
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import {
  encodeDbAccessResponse,
  FrameDecoder,
  MsgCode,
  ResultCode,
} from '../libs/insupc-protocol/src';
import { InsupcQueryError } from '../src/contracts/insupc-query.port';
import { MAX_WRITE_BACKLOG_BYTES } from '../src/insupc/query-channel';
import { startTransport, TransportHarness } from './insupc-gw-harness';
import { waitFor } from './support/wait-for';

describe('INSUPC write back-pressure (e2e)', () => {
  let server: Server;
  let peer: Socket | undefined;
  let gw: TransportHarness | undefined;

  beforeAll(async () => {
    // Answers the LOGON, then never reads again (its receive buffer fills, then ours).
    server = createServer((socket) => {
      peer = socket;
      const decoder = new FrameDecoder({
        onFrame: (f) => {
          if (f.msgCode !== MsgCode.DB_ACCESS_REQUEST) return;
          socket.write(
            encodeDbAccessResponse(
              { asId: f.asId, transactionId: f.transactionId, sessionId: f.sessionId },
              ResultCode.SUCCESS,
              'MA',
            ),
          );
          socket.pause();
        },
      });
      socket.on('data', (chunk) => decoder.push(chunk));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });

  afterAll(async () => {
    await gw?.close();
    peer?.destroy();
    await new Promise((r) => server.close(r));
  });

  it('stops routing to a connection whose server does not read, instead of buffering', async () => {
    const port = (server.address() as AddressInfo).port;
    gw = await startTransport([
      {
        name: 'STUCK',
        port,
        // the stuck server answers no heartbeat: keep it READY for the length of the test
        overrides: { heartbeatInterval: 60_000, readTimeout: 60_000 },
      },
    ]);
    await waitFor(() => gw!.server('STUCK').availableConnections === 1, 5000, 'logged on');

    const param = 'x'.repeat(60_000);
    const pending: Promise<unknown>[] = [];
    let refused: InsupcQueryError | undefined;
    // ~60 MB at most; the kernel's buffers take a few MB, then our backlog passes the limit.
    for (let i = 0; i < 1000 && !refused; i++) {
      pending.push(gw.query.query('bulk', [param]).catch((e: unknown) => e));
      // let the socket flush what the kernel will take, as real traffic would
      await new Promise((r) => setImmediate(r));
      const last = await Promise.race([pending[pending.length - 1], Promise.resolve('pending')]);
      if (last instanceof InsupcQueryError && last.code === 'NO_BACKEND') refused = last;
    }
    expect(refused?.code).toBe('NO_BACKEND');
    const conn = gw.logs.lines.find((l) => l.message.includes('no new queries on this connection'));
    expect(conn?.level).toBe('warn');
    // bounded: the limit plus the one query that crossed it
    const sent = pending.length - 1;
    expect(sent * 60_000).toBeLessThan(MAX_WRITE_BACKLOG_BYTES + 16 * 1024 * 1024);
  });
});
