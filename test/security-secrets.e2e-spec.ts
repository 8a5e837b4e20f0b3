/**
 * Issue 21 items 1, 2, 5 (operations spec §8.3) on the real process: a logon password longer
 * than its 16-byte field, a YAML syntax error at start-up, on reload, in `config check` and
 * `config migrate` — none of them prints a secret, asserted on the whole output and body —
 * and secrets read from `<key>-file` (trailing newline removed, re-read on reload).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { InsupcSimulator, startSimulator } from '../apps/insupc-simulator/src';
import { http } from './support/http';
import {
  GATEWAY_MAIN,
  gatewayPorts,
  GatewayPorts,
  RealProcess,
  spawnGateway,
  TempDir,
  waitGatewayReady,
} from './support/real-processes';
import { base64, connectSipsvc } from './support/sipsvc-test-client';
import { waitFor } from './support/wait-for';

const run = promisify(execFile);

const PASSWORD = 'Zq9-LEAK-CANARY-77x';
const SHORT_PASSWORD = 'pw-LEAK-CANARY-1';
const TOKEN = 'tok-LEAK-CANARY-42';
const ROTATED = 'tok-LEAK-CANARY-43';
const AUTH_KEY = 'key-LEAK-CANARY-9';
/** every secret of this spec has this in it: one assertion covers them all. */
const CANARY = 'LEAK-CANARY';

describe('secrets never printed; <key>-file secrets (e2e)', () => {
  const dir = new TempDir();
  let sim: InsupcSimulator;
  const procs: RealProcess[] = [];

  const yaml = (ports: GatewayPorts, security: string[], logon: string) =>
    [
      `application: { state-server: { stat-file: "" } }`,
      `server: { host: 127.0.0.1, port: ${ports.http} }`,
      `tcp: { server: { host: 127.0.0.1, port: ${ports.sipsvc} } }`,
      'security:',
      ...security.map((l) => `  ${l}`),
      'insupc:',
      `  logon: ${logon}`,
      '  clients:',
      `    - { name: INSUPC-1, host: 127.0.0.1, port: ${sim.port('INSUPC-1')} }`,
      `oam: { config: { path: ${dir.file('oam-conf.json')} } }`,
      '',
    ].join('\n');

  const inline = (ports: GatewayPorts, password = SHORT_PASSWORD) =>
    yaml(
      ports,
      [
        `admin-token: ${TOKEN}`,
        'allowed-clients:',
        `  - { ip: 127.0.0.1, mac: "000000000001", auth-key: ${AUTH_KEY} }`,
      ],
      `{ logon-id: gw, password: ${password} }`,
    );

  /** the config with one line broken the way an operator's edit breaks it. */
  const broken = (text: string) => text.replace('allowed-clients:', ' allowed-clients:');

  const spawn = (name: string, text: string) => {
    const gw = spawnGateway(dir.write(name, text));
    procs.push(gw);
    return gw;
  };

  beforeAll(async () => {
    sim = await startSimulator({ logger: false, instances: [{ name: 'INSUPC-1', port: 0 }] });
    dir.write('oam-conf.json', '{"appStates":{"insupclient":"RUNNING"}}');
  });
  afterAll(async () => {
    for (const p of procs) await p.kill();
    await sim?.stop();
    dir.remove();
  });

  it('item 1: a logon password over 16 bytes stops start-up naming the key, never the value', async () => {
    const gw = spawn('long-password.yaml', inline(await gatewayPorts(), PASSWORD));
    expect(await gw.exited).toBe(1);
    expect(gw.output()).toContain(
      'insupc.logon.password: must be at most 16 bytes (UTF-8): the DB_LOGON_INFO PASSWORD field (got <redacted>)',
    );
    expect(gw.output()).not.toContain(CANARY);
  });

  it('item 2: a YAML syntax error at start-up, in config check and config migrate: position and reason only', async () => {
    const file = dir.write('broken.yaml', broken(inline(await gatewayPorts())));
    const where = `${file}: not valid YAML at line 6, column 19: bad indentation of a mapping entry`;
    const gw = spawnGateway(file);
    procs.push(gw);
    expect(await gw.exited).toBe(1);
    expect(gw.output()).toContain(where);
    expect(gw.output()).not.toContain(CANARY);
    for (const sub of ['check', 'migrate']) {
      const r = await run(process.execPath, [GATEWAY_MAIN, 'config', sub, file]).catch(
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expect(r).toMatchObject({ code: 1 });
      expect(r.stderr).toContain(where);
      expect(r.stdout + r.stderr).not.toContain(CANARY);
    }
  });

  it('item 5: secrets from files (trailing newline removed), re-read on reload; a broken file on reload shows no text', async () => {
    const ports = await gatewayPorts();
    const tokenFile = dir.write('admin-token', `${TOKEN}\n`);
    const fromFiles = yaml(
      ports,
      [
        `admin-token-file: ${tokenFile}`,
        'allowed-clients:',
        `  - { ip: 127.0.0.1, mac: "000000000001", auth-key-file: ${dir.write('auth-key', `${AUTH_KEY}\n`)} }`,
      ],
      `{ logon-id: gw, password-file: ${dir.write('password', `${SHORT_PASSWORD}\n`)} }`,
    );
    const gw = spawn('files.yaml', fromFiles);
    await waitGatewayReady(gw, ports.http);

    // the admin token and the client's key are the files' contents without the newline
    expect((await http(ports.http, 'GET', '/stat')).status).toBe(401);
    expect((await http(ports.http, 'GET', '/stat', { token: TOKEN })).status).toBe(200);
    const withNewline = await connectSipsvc(ports.sipsvc);
    try {
      expect(await withNewline.auth({ accessKey: base64(`${AUTH_KEY}\n`) })).toMatchObject({
        result: -1,
      });
    } finally {
      await withNewline.close();
    }
    const client = await connectSipsvc(ports.sipsvc);
    try {
      await client.authOk({ accessKey: base64(AUTH_KEY) });
    } finally {
      await client.close();
    }
    await waitFor(() => sim.loggedOn('INSUPC-1') >= 1, 5000, 'logged on with the file password');

    // a broken file: 500 with the position and reason; nothing of the file in body or log
    writeFileSync(dir.file('files.yaml'), broken(inline(ports)));
    const refused = await http(ports.http, 'POST', '/insupclient/v1/config/actions/reload', {
      token: TOKEN,
    });
    expect(refused.status).toBe(500);
    expect(refused.body.message).toEqual([
      `${dir.file('files.yaml')}: not valid YAML at line 6, column 19: bad indentation of a mapping entry`,
    ]);
    expect(refused.text).not.toContain(CANARY);
    await waitFor(
      () => gw.output().includes('Configuration reload refused'),
      5000,
      'the refusal logged',
    );

    // the rotated Secret applies on reload
    writeFileSync(dir.file('files.yaml'), fromFiles);
    writeFileSync(tokenFile, `${ROTATED}\n`);
    const reloaded = await http(ports.http, 'POST', '/insupclient/v1/config/actions/reload', {
      token: TOKEN,
    });
    expect(reloaded.status).toBe(200);
    expect(reloaded.body.applied).toEqual(['security.admin-token']);
    expect((await http(ports.http, 'GET', '/stat', { token: TOKEN })).status).toBe(401);
    expect((await http(ports.http, 'GET', '/stat', { token: ROTATED })).status).toBe(200);
    expect(gw.output()).not.toContain(CANARY);
  });
});
