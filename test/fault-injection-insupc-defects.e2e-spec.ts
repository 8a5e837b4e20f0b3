/**
 * Issue 14's INSUPC-side defects (1 and 3, fixed in src/insupc), proven from the outside
 * against the gateway as a real process: one client's oversized execute must not fail the
 * other clients' requests, and a hostile server must not flood the logs.
 */
import { startSimulator, InsupcSimulator } from '../apps/insupc-simulator/src';
import { HostileInsupc } from './support/hostile-insupc';
import {
  gatewayPorts,
  GatewayPorts,
  RealProcess,
  startGatewayProcess,
  TempDir,
} from './support/real-processes';
import { connectSipsvc } from './support/sipsvc-test-client';

function yaml(ports: GatewayPorts, insupcPort: number, extra = ''): string {
  return `
application: { state-server: { stat-file: "" } }
server: { host: 127.0.0.1, port: ${ports.http} }
tcp: { server: { host: 127.0.0.1, port: ${ports.sipsvc}, max-message-bytes: 4194304 } }
security:
  allowed-clients:
    - { ip: 127.0.0.1, mac: "000000000001", auth-key: TEST_AUTH_KEY_001 }
insupc:
  clients:
    - { name: INSUPC-1, host: 127.0.0.1, port: ${insupcPort}, retry-interval: 50 }
tps: { max-tps: 100000 }
logging: { level: info }
${extra}`;
}

describe('issue 14 INSUPC-side defects, from outside (e2e, real process)', () => {
  const dir = new TempDir();
  let gw: RealProcess | undefined;
  let ports: GatewayPorts;

  beforeEach(async () => {
    ports = await gatewayPorts();
  });
  afterEach(async () => {
    await gw?.kill();
    gw = undefined;
  });
  afterAll(() => dir.remove());

  it("defect 1: one client's execute too large for an INSUPC frame is refused with 1; the others' requests are unharmed", async () => {
    const sim: InsupcSimulator = await startSimulator({
      logger: false,
      instances: [{ name: 'INSUPC-1', port: 0 }],
    });
    try {
      gw = await startGatewayProcess(dir, ports, yaml(ports, sim.port('INSUPC-1')));
      sim.setResponseDelay(300);
      const others = await connectSipsvc(ports.sipsvc, { timeoutMs: 10000 });
      const big = await connectSipsvc(ports.sipsvc, { timeoutMs: 10000 });
      await others.authOk();
      await big.authOk();
      const inFlight = Array.from({ length: 20 }, () =>
        others.execute('mcidGetProfile', ['01012345678']),
      );
      // 30 × 60,000 bytes: each parameter fits its uint16 LENGTH, the frame exceeds 1 MiB
      const huge = big.execute(
        'mcidGetProfile',
        Array.from({ length: 30 }, () => 'x'.repeat(60000)),
      );
      expect(await huge).toMatchObject({ result: 1 });
      const answers = await Promise.all(inFlight);
      expect(answers.map((a) => a.result)).toEqual(answers.map(() => 0));
      await others.close();
      await big.close();
    } finally {
      await sim.stop();
    }
  }, 30000);

  it('defect 3: a storm of unchanged DB_STATUS pushes and unknown message codes does not flood the logs', async () => {
    const hostile = new HostileInsupc();
    const port = await hostile.start();
    try {
      gw = await startGatewayProcess(dir, ports, yaml(ports, port));
      const c = await connectSipsvc(ports.sipsvc, { timeoutMs: 10000 });
      await c.authOk();
      const before = gw.output().split('\n').length;
      hostile.next = { kind: 'statusStorm', pushes: 5000, thenCorrect: true };
      expect(await c.execute('mcidGetProfile', ['010'])).toMatchObject({ result: 0 });
      for (let i = 0; i < 20; i++) {
        hostile.next = { kind: 'unknownMsgCode', code: 0x42 + i, thenCorrect: true };
        expect(await c.execute('mcidGetProfile', ['010'])).toMatchObject({ result: 0 });
      }
      await c.close();
      const lines = gw.output().split('\n').length - before;
      // 5,000 pushes and 20 unknown codes: a few throttled lines, not one (or three) per frame
      expect(lines).toBeLessThan(60);
    } finally {
      await hostile.stop();
    }
  }, 30000);
});
