/** Both SIPSVC framings, protocol violations and back-pressure, over real sockets. */
import { connect, Socket } from 'node:net';
import { Gateway, startGateway } from '../src/bootstrap';
import { SipsvcConnectionRegistry } from '../src/sipsvc/sipsvc-connection-registry';
import { base64, connectSipsvc, TEST_CLIENT } from './support/sipsvc-test-client';
import { waitFor } from './support/wait-for';
import { testConfig } from './support/test-config';

const AUTH = JSON.stringify({
  cmd: 'auth',
  ipAddr: TEST_CLIENT.ipAddr,
  macAddr: TEST_CLIENT.macAddr,
  accessKey: base64(TEST_CLIENT.authKey),
  reqNo: 'A',
});

/** a raw socket collecting every byte it receives. */
async function rawSocket(
  port: number,
): Promise<{ s: Socket; data: () => Buffer; closed: Promise<void> }> {
  const s = connect({ host: '127.0.0.1', port });
  await new Promise((r) => s.once('connect', r));
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  const closed = new Promise<void>((r) => s.once('close', () => r()));
  return { s, data: () => Buffer.concat(chunks), closed };
}

function lines(buf: Buffer): Record<string, unknown>[] {
  return buf
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('SIPSVC json-stream framing (e2e)', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway(testConfig({ tcp: { server: { maxMessageBytes: 1024 } } }));
  });
  afterAll(() => gw?.close());

  it('accepts concatenated objects split at every byte and answers one line each', async () => {
    const raw = await rawSocket(gw.sipsvcPort);
    raw.s.write(AUTH);
    await waitFor(() => lines(raw.data()).length === 1);
    const token = lines(raw.data())[0].token as string;
    const hb = (n: number): string => JSON.stringify({ cmd: 'heartBeat', token, reqNo: `H${n}` });
    const stream = Buffer.from(hb(1) + hb(2) + '\n  ' + hb(3) + '\r\n');
    for (let i = 0; i < stream.length; i++) raw.s.write(stream.subarray(i, i + 1));
    await waitFor(() => lines(raw.data()).length === 4);
    const text = raw.data().toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(lines(raw.data()).map((m) => [m.reqNo, m.result])).toEqual([
      ['A', 0],
      ['H1', 0],
      ['H2', 0],
      ['H3', 0],
    ]);
    raw.s.destroy();
  });

  it('answers pipelined requests, correlated by reqNo', async () => {
    const c = await connectSipsvc(gw.sipsvcPort);
    await c.authOk();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        c.request({ cmd: 'heartbeat', token: c.token, reqNo: `P${i}` }),
      ),
    );
    expect(answers.every((a, i) => a.reqNo === `P${i}` && a.result === 0)).toBe(true);
    await c.close();
  });

  it("answers a complete invalid object 'Malformed JSON' and keeps the connection", async () => {
    const c = await connectSipsvc(gw.sipsvcPort);
    await c.authOk();
    c.sendRaw('{"cmd":"heartBeat",,}');
    expect(await c.next()).toEqual({ result: 1, resultDesc: 'Malformed JSON' });
    c.sendRaw('{"reqNo":"N"}');
    expect(await c.next()).toMatchObject({
      reqNo: 'N',
      result: 1,
      resultDesc: 'Missing or invalid field: cmd',
    });
    expect(await c.heartbeat()).toMatchObject({ result: 0 });
    await c.close();
  });

  it('answers bytes that cannot start an object with result 1 and closes', async () => {
    const c = await connectSipsvc(gw.sipsvcPort);
    c.sendRaw('GET / HTTP/1.1\r\n\r\n');
    expect(await c.next()).toMatchObject({
      result: 1,
      resultDesc: expect.stringMatching(/must be a JSON object/),
    });
    await c.waitClosed(3000);
  });

  it('answers a message over max-message-bytes with result 1 and closes', async () => {
    const c = await connectSipsvc(gw.sipsvcPort);
    c.sendRaw(`{"cmd":"auth","pad":"${'x'.repeat(2000)}"}`);
    expect(await c.next()).toMatchObject({
      result: 1,
      resultDesc: expect.stringContaining('max-message-bytes (1024)'),
    });
    await c.waitClosed(3000);
  });

  it('stops reading a client that does not read its answers, and resumes on drain', async () => {
    const raw = await rawSocket(gw.sipsvcPort);
    raw.s.write(AUTH);
    await waitFor(() => lines(raw.data()).length === 1);
    const token = lines(raw.data())[0].token as string;
    raw.s.pause();
    const one = JSON.stringify({ cmd: 'heartBeat', token, reqNo: 'B' });
    const total = 150000;
    const burst = Buffer.from(one.repeat(1000));
    for (let i = 0; i < total / 1000; i++) raw.s.write(burst);
    const registry = gw.app.get(SipsvcConnectionRegistry);
    const conn = [...registry.all()].find((c) => c.clientPort === raw.s.localPort)!;
    await waitFor(() => conn.readingIsPaused, 10000);
    expect(conn.socket.writableLength).toBeLessThanOrEqual(4 * 1024 * 1024);
    raw.s.resume();
    await waitFor(() => countNewlines(raw.data()) === total + 1, 20000);
    expect(conn.closed).toBe(false);
    raw.s.destroy();
  });
});

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

describe('SIPSVC length-prefixed framing (e2e)', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway(
      testConfig({ tcp: { server: { framing: 'length-prefixed', maxMessageBytes: 1024 } } }),
    );
  });
  afterAll(() => gw?.close());

  it('authenticates and answers with 4-byte big-endian length prefixes', async () => {
    const c = await connectSipsvc(gw.sipsvcPort, { framing: 'length-prefixed' });
    await c.authOk();
    expect(await c.heartbeat()).toMatchObject({ result: 0 });
    await c.close();

    const raw = await rawSocket(gw.sipsvcPort);
    const body = Buffer.from(AUTH);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    raw.s.write(Buffer.concat([head, body]));
    await waitFor(
      () => raw.data().length >= 4 && raw.data().length === 4 + raw.data().readUInt32BE(0),
    );
    expect(JSON.parse(raw.data().subarray(4).toString())).toMatchObject({ cmd: 'auth', result: 0 });
    raw.s.destroy();
  });

  it('answers a frame length over max-message-bytes with result 1 and closes', async () => {
    const c = await connectSipsvc(gw.sipsvcPort, { framing: 'length-prefixed' });
    c.sendRaw(Buffer.from([0, 0, 0x10, 0]));
    expect(await c.next()).toMatchObject({
      result: 1,
      resultDesc: expect.stringContaining('max-message-bytes'),
    });
    await c.waitClosed(3000);
  });
});
