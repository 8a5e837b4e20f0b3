/**
 * An INSUPC server that logs on and answers heartbeats properly, and answers each DB_QUERY
 * the way the spec tells it to: correctly, or with a wrong MSG_LEN, a huge parameter LENGTH,
 * an unknown MSG_CODE, an unknown TRANSACTION_ID, a storm of DB_STATUS pushes, or garbage.
 * For the INSUPC fuzz spec (issue 14).
 */
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import {
  encodeDbAccessResponse,
  encodeDbNettestResponse,
  encodeDbQueryResponse,
  encodeDbStatusRequest,
  encodeFrame,
  Frame,
  FrameDecoder,
  HEADER_SIZE,
  MsgCode,
  NodeType,
  Offset,
  ResultCode,
} from '../../libs/insupc-protocol/src';

export type HostileAnswer =
  | { kind: 'correct' }
  | { kind: 'msgLenShort'; by: number }
  | { kind: 'msgLenLong'; by: number }
  | { kind: 'msgLenHuge' }
  | { kind: 'paramLengthHuge' }
  | { kind: 'unknownMsgCode'; code: number; thenCorrect: boolean }
  | { kind: 'unknownTransactionId'; offset: number }
  | { kind: 'statusStorm'; pushes: number; thenCorrect: boolean }
  | { kind: 'resultByte'; result: number }
  | { kind: 'garbage'; bytes: Uint8Array };

export class HostileInsupc {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private pushTid = 1;
  /** how the next DB_QUERY is answered (then back to correct). */
  next: HostileAnswer = { kind: 'correct' };
  queries = 0;

  async start(): Promise<number> {
    this.server = createServer((s) => this.accept(s));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server?.close(r));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new FrameDecoder({ onFrame: (f) => this.onFrame(socket, f) });
    socket.on('data', (chunk: Buffer) => {
      if (decoder.push(chunk)) socket.destroy();
    });
  }

  private onFrame(socket: Socket, f: Frame): void {
    const h = { asId: f.asId, transactionId: f.transactionId, sessionId: f.sessionId };
    if (f.msgCode === MsgCode.DB_ACCESS_REQUEST) {
      socket.write(encodeDbAccessResponse(h, ResultCode.SUCCESS, 'MA'));
    } else if (f.msgCode === MsgCode.DB_NETTEST_REQUEST) {
      socket.write(encodeDbNettestResponse(h, 'MA'));
    } else if (f.msgCode === MsgCode.DB_QUERY_REQUEST) {
      this.queries++;
      const how = this.next;
      this.next = { kind: 'correct' };
      socket.write(answer(how, h, () => this.pushTid++));
    }
  }
}

type Header = { asId: number; transactionId: number; sessionId: string };

function correct(h: Header): Buffer {
  return encodeDbQueryResponse(h, ResultCode.SUCCESS, { sqlOutput: '{"ok":true}' });
}

function answer(how: HostileAnswer, h: Header, pushTid: () => number): Buffer {
  switch (how.kind) {
    case 'correct':
      return correct(h);
    case 'msgLenShort':
    case 'msgLenLong': {
      const b = correct(h);
      const delta = how.kind === 'msgLenShort' ? -how.by : how.by;
      b.writeUInt32LE(Math.max(0, b.length + delta), Offset.MSG_LEN);
      return b;
    }
    case 'msgLenHuge': {
      const b = correct(h);
      b.writeUInt32LE(0xfffffff0, Offset.MSG_LEN);
      return b;
    }
    case 'paramLengthHuge': {
      const b = correct(h);
      b.writeUInt16LE(0xffff, HEADER_SIZE + 2); // LENGTH of the first parameter
      return b;
    }
    case 'unknownMsgCode': {
      const odd = encodeFrame({
        msgCode: how.code,
        svca: NodeType.INSUPC,
        dvca: NodeType.AS,
        result: ResultCode.SUCCESS,
        svcId: '0001',
        ...h,
      });
      return how.thenCorrect ? Buffer.concat([odd, correct(h)]) : odd;
    }
    case 'unknownTransactionId':
      return correct({ ...h, transactionId: (h.transactionId + how.offset) >>> 0 });
    case 'statusStorm': {
      const pushes = Array.from({ length: how.pushes }, () =>
        encodeDbStatusRequest(
          { asId: h.asId, transactionId: pushTid(), sessionId: h.sessionId },
          'MA',
        ),
      );
      return Buffer.concat(how.thenCorrect ? [...pushes, correct(h)] : pushes);
    }
    case 'resultByte': {
      const b = correct(h);
      b[Offset.RESULT] = how.result;
      return b;
    }
    case 'garbage':
      return Buffer.from(how.bytes);
  }
}
