/**
 * A listening port already taken at start-up (issue 22 item 5): the gateway process exits 1
 * with one fatal line naming the port and its config key, for the SIPSVC port and the admin
 * port alike.
 */
import { createServer, Server } from 'node:net';
import { freePort, gatewayFrontYaml, spawnGateway, TempDir } from './support/real-processes';

/** JSON log lines of a process's output. */
const jsonLines = (output: string): { level: number; msg: string; port?: number }[] =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string; port?: number });

describe('a port already in use at start-up (e2e, real process)', () => {
  const dir = new TempDir();
  let squatter: Server;
  let taken: number;

  beforeAll(async () => {
    squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    taken = (squatter.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => squatter.close(r));
    dir.remove();
  });

  it.each([
    ['tcp.server.port', 'SIPSVC'],
    ['server.port', 'admin HTTP'],
  ])('%s taken: exit 1 and one fatal line naming the port', async (key, what) => {
    const other = await freePort();
    const ports =
      key === 'server.port' ? { http: taken, sipsvc: other } : { http: other, sipsvc: taken };
    const yaml = [
      gatewayFrontYaml(ports),
      `application: { state-server: { stat-file: "" } }`,
      `oam: { config: { path: ${JSON.stringify(dir.file('oam-conf.json'))} } }`,
      'insupc: { clients: [ { name: INSUPC-1, host: 127.0.0.1, port: 1 } ] }',
    ].join('\n');
    const gw = spawnGateway(dir.write(`${key}.yaml`, yaml));
    expect(await gw.exited).toBe(1);
    const fatal = jsonLines(gw.output()).filter((l) => l.level === 60);
    expect(fatal).toEqual([
      expect.objectContaining({
        port: taken,
        msg: `${what} port ${taken} (${key}) on 127.0.0.1 is already in use: insupclient cannot start`,
      }),
    ]);
  });
});
