/**
 * SEGW admin surface of the whole gateway over HTTP, against a stand-in charon: a VICI
 * server on a unix socket built on libs/vici's wire format. It runs on every machine (no
 * root, no lab), so /segw, /segw/history, the actions, /health/ready, /stat, /metrics, the
 * admin token and the VICI reconnect are checked even where the strongSwan lab cannot run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodePacket,
  encodePacket,
  PacketType,
  ViciFrameDecoder,
  ViciInput,
  ViciSection,
} from '../libs/vici/src';
import { startGateway, Gateway } from '../src/bootstrap';
import { AppConfig } from '../src/config/config.schema';
import { http } from './support/http';
import { linesWithoutCode, segwLogLines } from './support/segw-log';
import { waitFor } from './support/wait-for';
import { testConfig } from './support/test-config';

const TOKEN = 'segw-admin-token';
const A = '192.0.2.101';
const B = '192.0.2.102';

/** Just enough of charon's VICI side: loads, initiates to `reachable` addresses, events. */
class FakeCharon {
  readonly reachable = new Set<string>();
  readonly loaded = new Map<string, string>();
  private readonly sockets = new Set<Socket>();
  private readonly subscribed = new Map<Socket, Set<string>>();
  private server?: Server;
  private saId = 0;

  constructor(readonly path: string) {}

  start(): Promise<void> {
    this.server = createServer((s) => this.serve(s));
    return new Promise((resolve) => this.server!.listen(this.path, resolve));
  }

  /** charon dies: the socket closes under the gateway. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server!.close(r));
  }

  /** the IKE SA of `conn` goes down (as DPD would report it). */
  down(conn: string): void {
    this.emit('ike-updown', { up: 'no', [conn]: this.sa(conn) });
  }

  private sa(conn: string): ViciInput {
    return { uniqueid: String(this.saId), 'remote-host': this.loaded.get(conn) ?? '' };
  }

  private emit(event: string, message: ViciInput): void {
    for (const [s, events] of this.subscribed) {
      if (events.has(event))
        s.write(encodePacket({ type: PacketType.EVENT, name: event, message }));
    }
  }

  private serve(s: Socket): void {
    this.sockets.add(s);
    this.subscribed.set(s, new Set());
    const decoder = new ViciFrameDecoder();
    s.on('close', () => {
      this.sockets.delete(s);
      this.subscribed.delete(s);
    });
    s.on('error', () => undefined);
    s.on('data', (chunk) => {
      for (const segment of decoder.push(chunk)) this.answer(s, decodePacket(segment));
    });
  }

  private answer(s: Socket, p: { type: PacketType; name?: string; message?: ViciSection }): void {
    const reply = (message: ViciInput) =>
      s.write(encodePacket({ type: PacketType.CMD_RESPONSE, message }));
    if (p.type === PacketType.EVENT_REGISTER || p.type === PacketType.EVENT_UNREGISTER) {
      const known = p.name === 'ike-updown' || p.name === 'child-updown';
      if (known && p.type === PacketType.EVENT_REGISTER) this.subscribed.get(s)!.add(p.name!);
      s.write(encodePacket({ type: known ? PacketType.EVENT_CONFIRM : PacketType.EVENT_UNKNOWN }));
      return;
    }
    const m = p.message ?? {};
    switch (p.name) {
      case 'version':
        return void reply({ daemon: 'charon', version: 'fake' });
      case 'load-conn':
        for (const [name, conn] of Object.entries(m)) {
          // like charon: a list key sent as a plain value is refused
          const c = conn as ViciSection;
          const children = Object.values((c.children ?? {}) as ViciSection) as ViciSection[];
          const plain = [
            ...['local_addrs', 'remote_addrs', 'proposals'].filter((k) => typeof c[k] === 'string'),
            ...children.flatMap((ch) =>
              ['local_ts', 'esp_proposals'].filter((k) => typeof ch[k] === 'string'),
            ),
          ];
          if (plain.length)
            return void reply({
              success: 'no',
              errmsg: `unknown option: ${plain[0]}, config discarded`,
            });
          this.loaded.set(name, (c.remote_addrs as string[])[0]);
        }
        return void reply({ success: 'yes' });
      case 'initiate': {
        const conn = String(m.ike);
        if (!this.reachable.has(this.loaded.get(conn) ?? '')) {
          return void reply({
            success: 'no',
            errmsg: `CHILD_SA not established after ${String(m.timeout)}ms`,
          });
        }
        this.saId++;
        this.emit('ike-updown', { up: 'yes', [conn]: this.sa(conn) });
        return void reply({ success: 'yes' });
      }
      case 'load-shared':
      case 'terminate':
      case 'unload-conn':
        return void reply({ success: 'yes' });
      default:
        s.write(encodePacket({ type: PacketType.CMD_UNKNOWN }));
    }
  }
}

interface SegwConn {
  name: string;
  addresses: string[];
  current: string;
  state: string;
  retries: number;
  lastChange: string;
}

describe('SEGW admin API and readiness (e2e, stand-in charon)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'insupclient-segw-admin-'));
  const charon = new FakeCharon(join(dir, 'charon.vici'));
  let gw: Gateway;
  let config: AppConfig;
  const logFile = join(dir, 'gateway.log');
  const get = (path: string) => http(gw.httpPort, 'GET', path, { token: TOKEN });
  const post = (path: string) => http(gw.httpPort, 'POST', path, { token: TOKEN });
  const tunnel = async (): Promise<SegwConn> => (await get('/segw')).body.connections[0];
  const upOn = (addr: string) => async () => {
    const c = await tunnel();
    return c.state === 'UP' && c.current === addr;
  };

  beforeAll(async () => {
    await charon.start();
    charon.reachable.add(A).add(B);
    config = testConfig({
      security: { adminToken: TOKEN },
      // info: the UP line is one of section 5.2's (the gateway's lines also reach stdout)
      logging: { level: 'info', file: logFile },
      segw: {
        enabled: true,
        viciSocket: charon.path,
        historyFile: join(dir, 'segw-history.json'),
        policy: { maxRetries: 1, backoffBase: 10, backoffMax: 60_000, initiateTimeout: 500 },
        connections: {
          'insupc-tunnel': {
            remote_addrs: ` ${A}, ,${B} `,
            local_addrs: '%any',
            local: { auth: 'psk', id: 'client@test' },
            remote: { auth: 'psk', id: 'segw@test' },
            children: { 'insupc-child': { local_ts: '10.1.0.0/24, 10.1.1.0/24' } },
          },
        },
        secrets: [{ type: 'ike', id: 'client@test', secret: 'psk' }],
      },
    });
    gw = await startGateway(config);
  });

  afterAll(async () => {
    await gw?.close();
    await charon.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /segw: parsed addresses, the one loaded into charon, UP', async () => {
    await waitFor(upOn(A), 5000, 'tunnel UP on the first address');
    const body = (await get('/segw')).body;
    expect(body).toMatchObject({ enabled: true, vici: 'connected' });
    expect(body.connections[0]).toMatchObject({
      name: 'insupc-tunnel',
      addresses: [A, B],
      current: A,
      retries: 0,
    });
    expect(Number.isNaN(Date.parse(body.connections[0].lastChange))).toBe(false);
    expect(charon.loaded.get('insupc-tunnel')).toBe(A);
  });

  it('/segw routes need the admin token', async () => {
    for (const [method, path] of [
      ['GET', '/segw'],
      ['GET', '/segw/history'],
      ['POST', '/segw/insupc-tunnel/actions/failover'],
      ['POST', '/segw/insupc-tunnel/actions/primary'],
    ] as const) {
      expect((await http(gw.httpPort, method, path)).status).toBe(401);
      expect((await http(gw.httpPort, method, path, { token: 'wrong' })).status).toBe(401);
    }
    expect((await tunnel()).current).toBe(A); // the refused POSTs changed nothing
  });

  it('/health/ready reports the SEGW state over HTTP', async () => {
    const ready = await http(gw.httpPort, 'GET', '/health/ready');
    // no INSUPC server in this spec: never ready as a whole; SEGW is in the details only
    expect(ready.body.details.segw).toMatchObject({
      status: 'up',
      allUp: true,
      vici: 'connected',
      connections: { 'insupc-tunnel': 'UP' },
    });
  });

  it('SA down: failover to the next address, history, /stat and /metrics count it', async () => {
    charon.down('insupc-tunnel');
    await waitFor(upOn(B), 5000, 'tunnel UP on the second address');
    expect(charon.loaded.get('insupc-tunnel')).toBe(B);
    const h = (await get('/segw/history?limit=1')).body.history;
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({
      connection: 'insupc-tunnel',
      from: A,
      to: B,
      reason: 'ike-down',
      code: 'ike-down',
      result: 'success',
    });
    expect(Number.isNaN(Date.parse(h[0].timestamp))).toBe(false);
    expect((await get('/stat')).body.segw.failovers).toBe(1);
    const metrics = (await http(gw.httpPort, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/insupclient_segw_failovers_total\{connection="insupc-tunnel"\} 1\b/);
    expect(metrics).toMatch(/insupclient_segw_connection_up\{connection="insupc-tunnel"\} 1\b/);
  });

  it('manual actions: failover (circular) and primary; 404 for an unknown name', async () => {
    const primary = await post('/segw/insupc-tunnel/actions/primary');
    expect(primary.status).toBe(202);
    await waitFor(upOn(A), 5000, 'back on the primary');
    const failover = await post('/segw/insupc-tunnel/actions/failover');
    expect(failover.status).toBe(202);
    expect(failover.body.current).toBe(B);
    await waitFor(upOn(B), 5000, 'on the second address');
    expect(
      (await get('/segw/history?limit=2')).body.history.map(
        (e: { reason: string; code: string }) => [e.reason, e.code],
      ),
    ).toEqual([
      ['manual', 'operator'],
      ['manual-primary', 'operator'],
    ]);
    for (const action of ['failover', 'primary']) {
      const res = await post(`/segw/nope/actions/${action}`);
      expect(res.status).toBe(404);
      expect(res.body.message).toMatch(/nope/);
    }
  });

  it('GET /segw/history validates limit', async () => {
    for (const bad of ['abc', '0', '-1', '1001', '1.5']) {
      expect((await get(`/segw/history?limit=${bad}`)).status).toBe(400);
    }
    expect((await get('/segw/history?limit=1000')).status).toBe(200);
  });

  it('both SEGWs dead: FAILED after max-retries, shown in the /health/ready details', async () => {
    charon.reachable.clear();
    charon.down('insupc-tunnel');
    await waitFor(async () => (await tunnel()).state === 'FAILED', 5000, 'FAILED');
    const ready = await http(gw.httpPort, 'GET', '/health/ready');
    expect(ready.status).toBe(503); // no INSUPC server in this spec; SEGW never gates readiness
    expect(ready.body.details.segw).toMatchObject({
      status: 'up',
      allUp: false,
      connections: { 'insupc-tunnel': 'FAILED' },
    });
    const [failed] = (await get('/segw/history?limit=1')).body.history;
    expect(failed).toMatchObject({
      connection: 'insupc-tunnel',
      reason: expect.stringMatching(/^initiate: /),
      code: 'max-retry-exceeded',
      result: 'failed: max-retries',
    });
    // operator action retries at once; the recovery is an entry of its own
    charon.reachable.add(A);
    expect((await post('/segw/insupc-tunnel/actions/primary')).status).toBe(202);
    await waitFor(upOn(A), 5000, 'UP again after the operator action');
    const h = (await get('/segw/history?limit=2')).body.history;
    expect(h.map((e: { reason: string; result: string }) => [e.reason, e.result])).toEqual([
      ['recovered-from-failed', 'success'],
      ['manual-primary', 'success'],
    ]);
  });

  it('the SEGW log lines of section 5.2 in the JSON log: exact texts, each with its code', async () => {
    const line = (msg: string | RegExp, code: string) =>
      expect.objectContaining({
        msg: typeof msg === 'string' ? msg : expect.stringMatching(msg),
        code,
      });
    const expected = [
      line(
        `Initiating failover: ${A} -> ${B} (connection insupc-tunnel, reason ike-down, retry 1/1)`,
        'ike-down',
      ),
      line(
        `Initiating failover: ${B} -> ${A} (connection insupc-tunnel, reason operator, retry 0/1)`,
        'operator',
      ),
      line(`SEGW connection insupc-tunnel UP via ${B}`, 'ok'),
      line(
        /^SEGW connection insupc-tunnel FAILED after 1 retries; .*\(code max-retry-exceeded\)$/,
        'max-retry-exceeded',
      ),
    ];
    // pino writes the file asynchronously: wait for the lines rather than read once
    const present = () => {
      try {
        expect(segwLogLines(logFile)).toEqual(expect.arrayContaining(expected));
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(present, 5000, 'the SEGW lines in the log file');
    const lines = segwLogLines(logFile);
    expect(lines).toEqual(expect.arrayContaining(expected));
    expect(linesWithoutCode(lines)).toEqual([]);
    expect(lines.filter((l) => l.level >= 40).length).toBeGreaterThanOrEqual(5);
  });

  it('restarted gateway: the history of the previous run is reloaded from segw.history-file', async () => {
    const before = (await get('/segw/history?limit=1000')).body.history;
    expect(before.length).toBeGreaterThanOrEqual(4);
    expect(existsSync(join(dir, 'segw-history.json'))).toBe(true);
    await gw.close();
    gw = await startGateway(config);
    const after = (await get('/segw/history?limit=1000')).body.history;
    // the same entries, the first of the new run (if it already switched) on top
    expect(after.slice(after.length - before.length)).toEqual(before);
    await waitFor(upOn(A), 5000, 'UP after the gateway restart');
  });

  it('charon restarted: reconnected within about a second, connection re-loaded and UP', async () => {
    await charon.stop();
    await waitFor(
      async () => (await get('/segw')).body.vici === 'disconnected',
      5000,
      'VICI loss seen',
    );
    charon.loaded.clear();
    await charon.start();
    const t0 = Date.now();
    await waitFor(upOn(A), 3000, 'UP after the restart');
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(charon.loaded.get('insupc-tunnel')).toBe(A);
    expect((await http(gw.httpPort, 'GET', '/health/ready')).body.details.segw.allUp).toBe(true);
  });

  it('a bad connection definition stops the gateway process at start-up, naming the key', () => {
    const main = join(__dirname, '..', 'dist', 'src', 'main.js');
    const yaml = join(dir, 'bad-segw.yaml');
    writeFileSync(
      yaml,
      [
        'insupc: { clients: [{ name: INSUPC-1, host: 127.0.0.1, port: 1, segw-connection: nope }] }',
        'segw:',
        '  enabled: true',
        '  connections:',
        '    insupc-tunnel:',
        '      remote_addrs: " , "',
        '      local: { auth: psk }',
        '      remote: { auth: psk }',
        '      children: { insupc-child: { local_ts: 10.1.0.0/24 } }',
      ].join('\n'),
    );
    const r = spawnSync(process.execPath, [main, '--config', yaml], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, INSUPCLIENT_CONFIG: '' },
    });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain(
      'segw.connections.insupc-tunnel.remote_addrs: no address',
    );
    expect(r.stdout + r.stderr).toContain(
      "insupc.clients[0].segw-connection: 'nope' is not a key of segw.connections",
    );
  });
});
