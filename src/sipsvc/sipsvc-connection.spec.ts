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
