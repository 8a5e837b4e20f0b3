import { Logger } from '@nestjs/common';
import type { Socket } from 'node:net';
import {
  encodeDbAccessResponse,
  encodeFrame,
  MessageHeader,
  MsgCode,
  ResultCode,
} from '../../../libs/insupc-protocol/src';
import { FakeScheduler } from '../../common/testing/fake-scheduler';
import { InsupcClientConfig } from '../../config/config.schema';
import { newInsupcServerCounters } from '../insupc.counters';
import { InsupcConnection } from '../insupc-connection';
import { InsupcAnswer } from '../../contracts/insupc-query.port';
import { InsupcServerPool } from '../insupc-server-pool';
import { FakeInsupcSocket as FakeSocket } from './fake-insupc-socket';

/** One InsupcConnection over fake sockets and fake time, for the connection unit specs. */

export const SESSION = 'INSUP_SESSION_001';

export function setup(
  overrides: Partial<InsupcClientConfig> = {},
  logonInfo = { systemName: 'AMAS-SES1', logonId: 'insupclient', password: 'pw' },
) {
  const cfg = Object.assign(new InsupcClientConfig(), {
    name: 'INSUPC-1',
    host: '127.0.0.1',
    port: 19000,
    connectTimeout: 300,
    readTimeout: 1000,
    retryInterval: 100,
    heartbeatInterval: 200,
    heartbeatTimeout: 100,
    heartbeatMaxMisses: 3,
    ...overrides,
  });
  const counters = newInsupcServerCounters();
  const availability: [string, number][] = [];
  const scheduler = new FakeScheduler();
  const pool = new InsupcServerPool(cfg, counters, scheduler, (name, n) =>
    availability.push([name, n]),
  );
  const sockets: FakeSocket[] = [];
  const logging = { insupcFrames: false };
  const conn = new InsupcConnection(
    pool,
    {
      sessionId: SESSION,
      asId: 100,
      logon: logonInfo,
      maxFrameBytes: 4096,
    },
    {
      connector: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s as unknown as Socket;
      },
      scheduler,
      logging,
    },
  );
  pool.add(conn);
  const socket = () => sockets[sockets.length - 1];
  const h = (transactionId: number) => ({ asId: 100, transactionId, sessionId: SESSION });
  /** connects and logs on with `status`. */
  const logon = (status: 'MA' | 'MB' | 'DA' = 'MA') => {
    conn.start();
    socket().accept();
    const req = socket().last(MsgCode.DB_ACCESS_REQUEST);
    socket().receive(encodeDbAccessResponse(h(req.transactionId), ResultCode.SUCCESS, status));
  };
  /** fake time forward, then the socket's close events (process.nextTick) and promises. */
  const advance = async (ms: number) => {
    scheduler.advance(ms);
    await flush();
  };
  return {
    conn,
    pool,
    counters,
    sockets,
    socket,
    h,
    logon,
    scheduler,
    advance,
    availability,
    logging,
  };
}

/** a frame with any MSG_CODE, as a broken server might send. */
export function encodeFrameWithCode(msgCode: number, h: Omit<MessageHeader, 'svcId'>): Buffer {
  return encodeFrame({ ...h, msgCode, svca: 0xa2, dvca: 0x11, result: 0, svcId: '0001' });
}

/** lets process.nextTick / promise callbacks run. */
export const flush = () => new Promise<void>((r) => setImmediate(r));

/** a query through the connection, as the transport sends it. */
export function query(
  conn: InsupcConnection,
  api: string,
  params: string[],
): Promise<InsupcAnswer> {
  return new Promise((resolve, reject) =>
    conn.send(api, params, { resolve, reject, sentAt: 0, epoch: 0 }),
  );
}

/** Every Nest log line's text, in order (Logger spied for the current test). */
export function captureLogs(): string[] {
  const logs: string[] = [];
  for (const level of ['log', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
      logs.push(String(args[0]));
    });
  }
  return logs;
}
