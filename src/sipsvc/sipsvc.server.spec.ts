import { validateConfig } from '../config/config.loader';
import { StatisticsService } from '../statistics/statistics.service';
import { SipsvcConnection } from './sipsvc-connection';
import { SipsvcConnectionRegistry } from './sipsvc-connection-registry';
import { SipsvcServer } from './sipsvc.server';

/** a connection stand-in that records what the server writes. */
function fakeConnection(authenticated: boolean): { conn: SipsvcConnection; written: string[] } {
  const written: string[] = [];
  const conn = {
    connectionId: 1,
    tag: '[SIPSVC|test]',
    authenticated,
    token: 'T',
    closed: false,
    closing: false,
    totalRequests: 0,
    lastActivityAt: 0,
    writeJson: (json: string) => written.push(json),
    endAfterWrite(this: { closing: boolean }) {
      this.closing = true;
    },
  } as unknown as SipsvcConnection;
  return { conn, written };
}

/** what the server does with one frame (the frame decoder's sink), framing cap bypassed. */
function onFrame(server: SipsvcServer, conn: SipsvcConnection, text: string): void {
  (server as unknown as { onFrame(c: SipsvcConnection, b: Buffer): void }).onFrame(
    conn,
    Buffer.from(text),
  );
}

const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);

describe('SipsvcServer replies', () => {
  const config = validateConfig({
    insupc: { clients: [{ name: 'INSUPC-1', host: '127.0.0.1', port: 19000 }] },
  });
  let server: SipsvcServer;
  beforeEach(() => {
    server = new SipsvcServer(config, new SipsvcConnectionRegistry(), new StatisticsService());
  });

  it.each([
    ['seq before auth', false, `{"cmd":"x","seq":${deep(6000)}}`],
    ['reqNo on an unknown cmd', true, `{"cmd":"x","token":"T","reqNo":${deep(30000)}}`],
    ['reqNo on a heartbeat with a wrong token', true, `{"cmd":"heartBeat","reqNo":${deep(20000)}}`],
    ['cmd', false, `{"cmd":${deep(30000)},"reqNo":"R"}`],
  ])('a deeply nested %s is answered, not echoed, and does not throw', (_what, auth, text) => {
    const { conn, written } = fakeConnection(auth);
    expect(() => onFrame(server, conn, text)).not.toThrow();
    expect(written).toHaveLength(1);
    const reply = JSON.parse(written[0]) as Record<string, unknown>;
    expect(typeof reply.result).toBe('number');
    expect(reply.result).not.toBe(0);
    for (const k of ['cmd', 'reqNo', 'seq']) {
      if (k in reply) expect(['string', 'number']).toContain(typeof reply[k]);
    }
  });

  it('echoes string and number reqNo/seq, and cmd as received', () => {
    const { conn, written } = fakeConnection(true);
    onFrame(server, conn, '{"cmd":"Nope","token":"T","reqNo":42,"seq":"007"}');
    expect(JSON.parse(written[0])).toEqual({
      cmd: 'Nope',
      reqNo: 42,
      seq: '007',
      result: 1,
      resultDesc: 'Unknown cmd: Nope',
    });
  });
});
