/**
 * Crash safety (issue 14): the gateway process is killed with SIGKILL over and over while
 * its service state flips (every flip rewrites the OAM file) and statistics snapshots are
 * written every 100 ms under execute load. After every kill the OAM file and the stat file
 * parse; after every start no temp file of an atomic write is left beside them.
 *
 * CI: 6 kills; CRASH_SAFETY_LONG=1: 100.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { startSimulator, InsupcSimulator } from '../apps/insupc-simulator/src';
import { http } from './support/http';
import {
  gatewayFrontYaml,
  gatewayPorts,
  GatewayPorts,
  RealProcess,
  startGatewayProcess,
  TempDir,
} from './support/real-processes';
import { SteadyLoad } from './support/steady-load';

const KILLS = process.env.CRASH_SAFETY_LONG === '1' ? 100 : 6;

describe('crash safety: kill -9 while state flips and snapshots are written (e2e)', () => {
  const dir = new TempDir();
  let sim: InsupcSimulator;
  let ports: GatewayPorts;
  let gw: RealProcess | undefined;
  let yaml: string;

  beforeAll(async () => {
    sim = await startSimulator({ logger: false, instances: [{ name: 'INSUPC-1', port: 0 }] });
    ports = await gatewayPorts();
    dir.write('oam-conf.json', '{"appStates":{"insupclient":"RUNNING"}}');
    yaml = `
application:
  state-server: { interval: 100, stat-file: ${dir.file('stats.json')} }
${gatewayFrontYaml(ports)}
insupc:
  clients:
    - { name: INSUPC-1, host: 127.0.0.1, port: ${sim.port('INSUPC-1')}, retry-interval: 50 }
oam: { config: { path: ${dir.file('oam-conf.json')} } }
tps: { max-tps: 100000 }
logging: { level: warn }
`;
  }, 30000);

  afterAll(async () => {
    await gw?.kill();
    await sim?.stop();
    dir.remove();
  });

  /** write-file-atomic's temps: `<file>.<decimal hash>` beside the OAM and stat files. */
  const temps = (): string[] =>
    readdirSync(dir.path).filter((n) => /^(oam-conf|stats)\.json\.\d+$/.test(n));
  /** of `before`, those still there (the running gateway's own may be mid-write: not those). */
  const survivors = (before: string[]): string[] => temps().filter((n) => before.includes(n));

  function parses(name: string): void {
    const path = dir.file(name);
    if (!existsSync(path)) return;
    const text = readFileSync(path, 'utf8');
    expect(() => JSON.parse(text)).not.toThrow();
  }

  it(
    `${KILLS} kills: the OAM and stat files always parse, no temp file survives a start`,
    async () => {
      let leftovers = 0;
      for (let i = 0; i < KILLS; i++) {
        // a kill mid-write is rare within a few iterations: leave one as a killed writer would
        dir.write(`stats.json.${1000000 + i}`, '{"systemNa');
        const before = temps();
        gw = await startGatewayProcess(dir, ports, yaml);
        expect(survivors(before)).toEqual([]); // removed at start, before the first write
        // the last kill may have left it BLOCKED (auth is refused then)
        expect((await http(ports.http, 'POST', '/state?state=RUNNING')).status).toBe(200);
        const load = await SteadyLoad.start(ports.sipsvc, 2, 200);
        // flip the state (an OAM write each) until the kill; snapshots run every 100 ms
        let flipping = true;
        const flips = (async () => {
          for (let n = 0; flipping; n++) {
            await http(ports.http, 'POST', `/state?state=${n % 2 ? 'RUNNING' : 'BLOCKED'}`).catch(
              () => undefined,
            );
          }
        })();
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));
        await gw.kill('SIGKILL');
        flipping = false;
        await flips;
        load.close();
        leftovers += temps().length;
        parses('oam-conf.json');
        parses('stats.json');
      }
      // the stat file was written all along (and so survived every kill in a parseable state)
      expect(existsSync(dir.file('stats.json'))).toBe(true);
      process.stdout.write(
        `\ncrash safety: ${KILLS} kill -9, ${leftovers} temp file(s) left by a kill (besides the one planted before each start), none survived the next start\n`,
      );
      const before = temps();
      gw = await startGatewayProcess(dir, ports, yaml);
      expect(survivors(before)).toEqual([]);
    },
    60000 + KILLS * 8000,
  );
});
