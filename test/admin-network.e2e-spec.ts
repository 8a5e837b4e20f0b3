/**
 * Issue 21 item 3 (operations spec §8.2), from a peer that is not loopback: a network
 * namespace with a veth pair (test/support/peer-netns.ts). Without `security.admin-token` the
 * peer gets 403 on every route but the probes and the scrape, loopback is served, start-up
 * WARNs; with a token (from a file, applied by reload) the peer is served with the Bearer
 * token. Every state-changing request leaves an audit line with the peer and the outcome.
 */
import { writeFileSync } from 'node:fs';
import { InsupcSimulator, startSimulator } from '../apps/insupc-simulator/src';
import { http } from './support/http';
import { describeIfNetnsRuns, PeerNamespace } from './support/peer-netns';
import {
  gatewayPorts,
  GatewayPorts,
  RealProcess,
  spawnGateway,
  TempDir,
  waitGatewayReady,
} from './support/real-processes';
import { waitFor } from './support/wait-for';

const TOKEN = 'adm-LEAK-CANARY-5';
const REFUSED = 'admin token required for non-loopback clients';

describeIfNetnsRuns('the admin API from a non-loopback peer')(
  'admin API from a non-loopback peer (e2e)',
  () => {
    const dir = new TempDir();
    const ns = new PeerNamespace();
    let sim: InsupcSimulator;
    let gw: RealProcess;
    let ports: GatewayPorts;
    let configFile: string;

    const yaml = (security: string) =>
      [
        'application: { state-server: { stat-file: "" } }',
        `server: { host: 0.0.0.0, port: ${ports.http} }`,
        `tcp: { server: { host: 127.0.0.1, port: ${ports.sipsvc} } }`,
        `security: { ${security} }`,
        `insupc: { clients: [{ name: INSUPC-1, host: 127.0.0.1, port: ${sim.port('INSUPC-1')} }] }`,
        `oam: { config: { path: ${dir.file('oam-conf.json')} } }`,
        '',
      ].join('\n');

    const audit = (line: string) =>
      waitFor(() => gw.output().includes(line), 5000, `audit line "${line}"`);

    beforeAll(async () => {
      ns.up();
      sim = await startSimulator({ logger: false, instances: [{ name: 'INSUPC-1', port: 0 }] });
      dir.write('oam-conf.json', '{"appStates":{"insupclient":"RUNNING"}}');
      ports = await gatewayPorts();
      configFile = dir.write('gateway.yaml', yaml('admin-token: ""'));
      gw = spawnGateway(configFile);
      await waitGatewayReady(gw, ports.http);
    });
    afterAll(async () => {
      await gw?.kill();
      await sim?.stop();
      ns.down();
      dir.remove();
    });

    it('without a token: one WARN at start-up', () => {
      const warns = gw
        .output()
        .split('\n')
        .filter((l) => l.includes('without security.admin-token'));
      expect(warns).toHaveLength(1);
      expect(warns[0]).toContain(
        `Admin API listens on 0.0.0.0:${ports.http} without security.admin-token`,
      );
    });

    it.each([
      ['GET', '/state'],
      ['GET', '/stat'],
      ['GET', '/insupclient/v1/status'],
      ['POST', '/state?state=BLOCKED'],
      ['POST', '/stat/init'],
      ['POST', '/insupclient/v1/config/actions/reload'],
      ['GET', '/docs-json'],
    ])('without a token: %s %s from the peer → 403', async (method, path) => {
      const res = await ns.request(ports.http, method, path);
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text)).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: REFUSED,
      });
    });

    it('without a token: the refused change changed nothing and is audited', async () => {
      await audit(`ADMIN POST /state?state=BLOCKED from ${ns.peerAddress}: 403`);
      expect((await http(ports.http, 'GET', '/state')).body.state).toBe('RUNNING');
    });

    it('without a token: the probes and the scrape are served to the peer, loopback to everything', async () => {
      for (const path of ['/health/live', '/health/ready', '/metrics']) {
        expect((await ns.request(ports.http, 'GET', path)).status).toBe(200);
      }
      expect((await http(ports.http, 'GET', '/state')).status).toBe(200);
      expect((await http(ports.http, 'POST', '/stat/init')).status).toBe(200);
      await audit('ADMIN POST /stat/init from 127.0.0.1: 200');
    });

    it('with a token (from a file, applied by reload): the peer is served with Bearer, audited without it', async () => {
      const tokenFile = dir.write('admin-token', `${TOKEN}\n`);
      writeFileSync(configFile, yaml(`admin-token-file: ${tokenFile}`));
      const reload = await http(ports.http, 'POST', '/insupclient/v1/config/actions/reload');
      expect(reload.status).toBe(200);

      expect((await ns.request(ports.http, 'GET', '/state')).status).toBe(401);
      expect((await ns.request(ports.http, 'GET', '/state', 'wrong')).status).toBe(401);
      expect((await http(ports.http, 'GET', '/state')).status).toBe(401);
      const state = await ns.request(ports.http, 'GET', '/state', TOKEN);
      expect(state.status).toBe(200);
      expect(JSON.parse(state.text).state).toBe('RUNNING');

      const blocked = await ns.request(ports.http, 'POST', '/state?state=BLOCKED', TOKEN);
      expect(blocked.status).toBe(200);
      expect(JSON.parse(blocked.text)).toMatchObject({ result: 'success', state: 'BLOCKED' });
      await audit(`ADMIN POST /state?state=BLOCKED from ${ns.peerAddress}: 200`);
      const running = await ns.request(ports.http, 'POST', '/state?state=RUNNING', 'wrong');
      expect(running.status).toBe(401);
      await audit(`ADMIN POST /state?state=RUNNING from ${ns.peerAddress}: 401`);
      expect((await ns.request(ports.http, 'GET', '/metrics')).status).toBe(200);
      expect(gw.output()).not.toContain('LEAK-CANARY');
    });
  },
);
