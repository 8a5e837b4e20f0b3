/**
 * A numeric reqNo beyond 2^53 through the whole execute path (issue 22 item 5): the answer,
 * read as raw bytes off the socket, carries the reqNo exactly as the client wrote it, and the
 * execute log names it so too.
 */
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { startSimulator, InsupcSimulator } from '../apps/insupc-simulator/src';
import { Gateway, startGateway } from '../src/bootstrap';
import { base64, TEST_CLIENT } from './support/sipsvc-test-client';
import { simulatorClients, waitRoutable } from './support/simulator-clients';
import { TempDir } from './support/real-processes';
import { testConfig } from './support/test-config';
import { waitFor } from './support/wait-for';

const BIG = '12345678901234567890';

/** A client on a bare socket: sends text, reads newline-delimited answers as text. */
class RawClient {
  private buffered = '';
  readonly lines: string[] = [];
  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        this.lines.push(this.buffered.slice(0, nl));
        this.buffered = this.buffered.slice(nl + 1);
      }
    });
  }
  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawClient(socket);
  }
  async send(text: string): Promise<string> {
    const seen = this.lines.length;
    this.socket.write(text);
    await waitFor(() => this.lines.length > seen, 5000, 'an answer');
    return this.lines[seen];
  }
  close(): void {
    this.socket.destroy();
  }
}

describe('numeric reqNo echoed as sent (e2e)', () => {
  const dir = new TempDir();
  let sim: InsupcSimulator;
  let gw: Gateway;
  let client: RawClient | undefined;

  beforeAll(async () => {
    sim = await startSimulator({ logger: false, instances: [{ name: 'INSUPC-1', port: 0 }] });
    gw = await startGateway(
      testConfig({
        insupc: { clients: simulatorClients(sim) },
        logging: { executeFile: dir.file('execute.log') },
      }),
    );
    await waitRoutable(gw);
  });
  afterAll(async () => {
    client?.close();
    await gw?.close();
    await sim?.stop();
    dir.remove();
  });

  it('an execute with reqNo 12345678901234567890 is answered with that reqNo, byte for byte', async () => {
    client = await RawClient.open(gw.sipsvcPort);
    const auth = JSON.parse(
      await client.send(
        JSON.stringify({
          cmd: 'auth',
          ipAddr: TEST_CLIENT.ipAddr,
          macAddr: TEST_CLIENT.macAddr,
          accessKey: base64(TEST_CLIENT.authKey),
          reqNo: 'A1',
        }),
      ),
    ) as { result: number; token: string };
    expect(auth.result).toBe(0);
    const answer = await client.send(
      `{"cmd":"execute","token":"${auth.token}","reqNo":${BIG},"seq":"001",` +
        '"service":"mcidGetProfile","reqBody":{"apiName":"mcidGetProfile","inputParams":["010"]}}',
    );
    expect(answer).toMatch(new RegExp(`^\\{"cmd":"execute","reqNo":${BIG},"seq":"001",`));
    expect(JSON.parse(answer)).toMatchObject({ result: 0 });
    await waitFor(
      () =>
        existsSync(dir.file('execute.log')) &&
        readFileSync(dir.file('execute.log'), 'utf8').includes(`reqId: ${BIG} |`),
      5000,
      'the execute-log line',
    );
  });
});
