import { Socket } from 'node:net';
import { frameEncoderFor } from '../../libs/sipsvc-protocol/src/frame-encoder';
import { SipsvcConnection } from './sipsvc-connection';

const connection = () =>
  new SipsvcConnection(
    1,
    new Socket(),
    '127.0.0.1',
    40001,
    frameEncoderFor('json-stream'),
    1 << 20,
    () => undefined,
    0,
  );

describe('SipsvcConnection close signal', () => {
  it('tells every subscriber once; a second close subscriber is also called', () => {
    const conn = connection();
    const calls: string[] = [];
    conn.onClose(() => calls.push('first'));
    conn.onClose(() => calls.push('second'));
    conn.markClosed(() => undefined);
    conn.markClosed(() => undefined);
    expect(calls).toEqual(['first', 'second']);
    expect(conn.closed).toBe(true);
  });

  it('a throwing subscriber is reported and the next one is still called', () => {
    const conn = connection();
    const errors: unknown[] = [];
    const calls: string[] = [];
    conn.onClose(() => {
      throw new Error('listener bug');
    });
    conn.onClose(() => calls.push('second'));
    conn.markClosed((e) => errors.push(e));
    expect(calls).toEqual(['second']);
    expect(errors).toHaveLength(1);
  });

  it('subscribing after the close calls the listener at once', () => {
    const conn = connection();
    conn.markClosed(() => undefined);
    let called = 0;
    conn.onClose(() => called++);
    expect(called).toBe(1);
  });
});

describe('SipsvcConnection output batching', () => {
  const fakeSocket = () => {
    const calls: string[] = [];
    const socket = {
      writableLength: 0,
      cork: () => calls.push('cork'),
      uncork: () => calls.push('uncork'),
      write: (bytes: Buffer | string) => calls.push(`write ${String(bytes).trim()}`) > 0,
    };
    const conn = new SipsvcConnection(
      1,
      socket as unknown as Socket,
      '127.0.0.1',
      40001,
      frameEncoderFor('json-stream'),
      1 << 20,
      () => undefined,
      0,
    );
    return { conn, calls };
  };
  const endOfTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

  it('writes the answer to the only outstanding message at once, without a cork', async () => {
    const { conn, calls } = fakeSocket();
    conn.awaitingReplies = 1;
    conn.writeJson('{"a":1}');
    expect(calls).toEqual(['write {"a":1}']);
    await endOfTick();
    expect(calls).toEqual(['write {"a":1}']);
  });

  it('corks answers to pipelined messages until the end of the tick (one writev)', async () => {
    const { conn, calls } = fakeSocket();
    conn.awaitingReplies = 2;
    conn.writeJson('{"a":1}');
    conn.awaitingReplies = 1;
    conn.writeJson('{"a":2}');
    expect(calls).toEqual(['cork', 'write {"a":1}', 'write {"a":2}']);
    await endOfTick();
    expect(calls).toEqual(['cork', 'write {"a":1}', 'write {"a":2}', 'uncork']);
  });

  it('corks the transport’s own refusals (not counted as outstanding)', async () => {
    const { conn, calls } = fakeSocket();
    conn.writeJson('{"r":1}');
    conn.writeJson('{"r":2}');
    await endOfTick();
    expect(calls).toEqual(['cork', 'write {"r":1}', 'write {"r":2}', 'uncork']);
  });
});
