/**
 * Test helper for SIPSVC e2e specs: connect to the gateway's SIPSVC port, authenticate, send
 * heartbeats and executes, await responses by reqNo or in arrival order, await the close.
 *
 *   const c = await connectSipsvc(gw.sipsvcPort);
 *   const token = await c.authOk();
 *   const res = await c.execute('mcidGetProfile', ['01012345678']);
 *   await c.close();
 */
import { SipsvcClient, SipsvcMessage } from '../../libs/sipsvc-protocol/src/sipsvc-client';
import { ConnectionOptions } from 'node:tls';
import { SipsvcFraming } from '../../libs/sipsvc-protocol/src/frame-encoder';

export type { SipsvcMessage };

/** The default test client of config/insupclient.yaml and test/support/test-config.ts. */
export const TEST_CLIENT = {
  ipAddr: '127.0.0.1',
  macAddr: '000000000001',
  authKey: 'TEST_AUTH_KEY_001',
} as const;

export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Base64(`ip:port`): the token the gateway issues for a connection from that address. */
export function expectedToken(ip: string, port: number): string {
  return base64(`${ip}:${port}`);
}

export interface ConnectOptions {
  host?: string;
  framing?: SipsvcFraming;
  /** how long request()/next() wait (default 5 s). */
  timeoutMs?: number;
  /** speak TLS with these options (ca, cert, key, ...). */
  tls?: ConnectionOptions;
  /** connect from this source address (127.0.0.2: another client address on loopback). */
  localAddress?: string;
}

export async function connectSipsvc(
  port: number,
  options: ConnectOptions = {},
): Promise<SipsvcTestClient> {
  const client = await SipsvcClient.connect({
    host: options.host ?? '127.0.0.1',
    port,
    framing: options.framing ?? 'json-stream',
    requestTimeoutMs: options.timeoutMs ?? 5000,
    tls: options.tls,
    localAddress: options.localAddress,
  });
  return new SipsvcTestClient(client);
}

export class SipsvcTestClient {
  /** the token from the last successful auth on this connection. */
  token: string | undefined;

  constructor(readonly client: SipsvcClient) {}

  get localPort(): number {
    return this.client.localPort;
  }

  get isClosed(): boolean {
    return this.client.closedNow;
  }

  /** sends an auth (default test credentials, any field overridable) and returns the answer. */
  async auth(overrides: Partial<Record<string, unknown>> = {}): Promise<SipsvcMessage> {
    const res = await this.client.request({
      cmd: 'auth',
      ipAddr: TEST_CLIENT.ipAddr,
      macAddr: TEST_CLIENT.macAddr,
      accessKey: base64(TEST_CLIENT.authKey),
      ...overrides,
    });
    if (res.result === 0 && typeof res.token === 'string') this.token = res.token;
    return res;
  }

  /** auth that must succeed; returns the token. */
  async authOk(overrides: Partial<Record<string, unknown>> = {}): Promise<string> {
    const res = await this.auth(overrides);
    if (res.result !== 0 || typeof res.token !== 'string') {
      throw new Error(`auth failed: ${JSON.stringify(res)}`);
    }
    return res.token;
  }

  heartbeat(token = this.token, cmd = 'heartBeat'): Promise<SipsvcMessage> {
    return this.client.request({ cmd, token });
  }

  /** an execute with `reqBody.apiName` / `inputParams`; `extra` overrides any field. */
  execute(
    apiName: string,
    inputParams: unknown[] = [],
    extra: Record<string, unknown> = {},
  ): Promise<SipsvcMessage> {
    return this.client.request(this.executeMessage(apiName, inputParams, extra));
  }

  executeMessage(
    apiName: string,
    inputParams: unknown[] = [],
    extra: Record<string, unknown> = {},
  ): SipsvcMessage {
    return {
      cmd: 'execute',
      token: this.token,
      reqNo: this.client.newReqNo(),
      seq: '001',
      service: apiName,
      reqBody: { apiName, inputParams },
      ...extra,
    };
  }

  /** sends and resolves with the response carrying the same reqNo (added when missing). */
  request(msg: SipsvcMessage, timeoutMs?: number): Promise<SipsvcMessage> {
    return this.client.request(msg, timeoutMs);
  }

  /** sends without waiting. */
  send(msg: SipsvcMessage): void {
    this.client.send(msg);
  }

  /** writes bytes as given (no framing). */
  sendRaw(bytes: Buffer | string): void {
    this.client.sendRaw(bytes);
  }

  /** the next response not claimed by a pending request, in arrival order. */
  next(timeoutMs?: number): Promise<SipsvcMessage> {
    return this.client.next(timeoutMs);
  }

  /** resolves when the gateway (or we) closed the connection; rejects after `timeoutMs`. */
  waitClosed(timeoutMs = 5000): Promise<void> {
    return withTimeout(this.client.closed, timeoutMs, 'connection close');
  }

  close(): Promise<void> {
    return this.client.close();
  }

  destroy(): void {
    this.client.destroy();
  }
}

export function withTimeout<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]);
}
