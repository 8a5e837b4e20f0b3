/**
 * The operator console (operations spec section 9) in a real browser: Debian's chromium,
 * headless, driven by puppeteer-core, against the gateway as a real process (built dist/)
 * with an admin token, and the INSUPC simulator. The page is read the way an operator reads
 * it: what it shows after its own 2 s refresh, what its buttons do to the gateway.
 */
import { existsSync } from 'node:fs';
import puppeteer, { Browser, Dialog, Page } from 'puppeteer-core';
import { InsupcSimulator, startSimulator } from '../apps/insupc-simulator/src';
import { MsgCode } from '../libs/insupc-protocol/src';
import { http } from './support/http';
import {
  gatewayFrontYaml,
  GatewayPorts,
  gatewayPorts,
  RealProcess,
  startGatewayProcess,
  TempDir,
} from './support/real-processes';
import { connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { waitFor } from './support/wait-for';

/** Debian's package (.ci/run installs it); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TOKEN = 'console-e2e-admin-token';
/** the page's refresh period; "within one refresh" allows one more for the fetches. */
const REFRESH_MS = 2000;
const ONE_REFRESH = 2 * REFRESH_MS;

describe('operator console in chromium (e2e)', () => {
  const dir = new TempDir();
  let sim: InsupcSimulator;
  let ports: GatewayPorts;
  let gateway: RealProcess;
  let browser: Browser;
  let page: Page;
  let client: SipsvcTestClient;
  /** what the next confirm() is answered; every dialog's text is kept. */
  let confirmAnswer = true;
  const dialogs: string[] = [];
  const requested: string[] = [];
  /** uncaught errors in the page and what its Content-Security-Policy blocked */
  const pageErrors: string[] = [];

  const api = (method: 'GET' | 'POST', path: string) =>
    http(ports.http, method, path, { token: TOKEN });
  const text = (selector: string) =>
    page.$eval(selector, (e) => (e.textContent ?? '').trim()).catch(() => undefined);
  /** resolves once the page's `selector` reads `expected` (it refreshes by itself). */
  const pageShows = (selector: string, expected: string, timeout = ONE_REFRESH) =>
    page.waitForFunction(
      `document.querySelector(${JSON.stringify(selector)})?.textContent?.trim() === ${JSON.stringify(expected)}`,
      { timeout, polling: 50 },
    );

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} missing: apt-get install chromium (or set CHROMIUM_PATH)`);
    }
    sim = await startSimulator({
      logger: false,
      instances: [
        { name: 'INSUPC-1', port: 0 },
        { name: 'INSUPC-2', port: 0 },
      ],
    });
    ports = await gatewayPorts();
    dir.write('oam-conf.json', '{"appStates":{"insupclient":"RUNNING"}}');
    const clients = sim.instances
      .map((i) => `    - { name: ${i.name}, host: 127.0.0.1, port: ${i.port}, retry-interval: 50 }`)
      .join('\n');
    const yaml = `${gatewayFrontYaml(ports)}
  admin-token: ${TOKEN}
application: { state-server: { stat-file: "" } }
insupc:
  clients:
${clients}
oam: { config: { path: ${dir.file('oam-conf.json')} } }
logging: { level: warn }
`;
    // assigned as soon as it runs, so that afterAll closes it whatever fails next
    const launching = puppeteer
      .launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-dev-shm-usage'],
      })
      .then((b) => (browser = b));
    gateway = await startGatewayProcess(dir, ports, yaml);
    await launching;
    await waitFor(
      async () =>
        (await api('GET', '/state')).body.insupcConnections.every(
          (s: { isAvailable: boolean }) => s.isAvailable,
        ),
      10000,
      'both INSUPC servers routable',
    );
    client = await connectSipsvc(ports.sipsvc);
    await client.authOk();
    expect(await client.execute('mcidGetProfile', ['01012345678'])).toMatchObject({ result: 0 });

    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
    });
    page.on('dialog', (d: Dialog) => {
      dialogs.push(d.message());
      void (confirmAnswer ? d.accept() : d.dismiss());
    });
  }, 30000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await browser?.close();
    await gateway?.kill();
    await sim?.stop();
    dir.remove();
  });

  it('is served under the admin guard, asks for the token, then shows the state and every server', async () => {
    const noToken = await http(ports.http, 'GET', '/console');
    expect(noToken.status).toBe(401); // as /state: the page is the refusal's body
    expect(noToken.contentType).toContain('text/html');
    expect((await api('GET', '/console')).status).toBe(200);
    const root = await fetch(`http://127.0.0.1:${ports.http}/`, {
      redirect: 'manual',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(root.status).toBe(302);
    expect(new URL(root.headers.get('location')!, root.url).pathname).toBe('/console');

    await page.goto(`http://127.0.0.1:${ports.http}/`);
    expect(new URL(page.url()).pathname).toBe('/console');
    await page.waitForSelector('#auth', { visible: true, timeout: ONE_REFRESH });
    await page.type('#token', TOKEN);
    await page.click('#auth button[type=submit]');

    await pageShows('#state', 'RUNNING');
    await page.waitForSelector('#auth', { hidden: true });
    for (const name of ['INSUPC-1', 'INSUPC-2']) {
      expect(await text(`tr[data-server="${name}"] td[data-field="routable"]`)).toBe('yes');
      expect(await text(`tr[data-server="${name}"] td:nth-child(3)`)).toBe('MA');
    }
    expect(await text('#load')).toBe('Normal');
    // GET /state's connection list may be up to 1 s old (operations spec §8.5)
    await page.waitForFunction(
      `document.querySelector('#sipsvc tbody').textContent.includes('127.0.0.1:')`,
      { timeout: ONE_REFRESH, polling: 50 },
    );
    // /state times (epoch ms, or ISO strings from older gateways) read as the local time
    expect(await text('#sipsvc tbody tr td:nth-child(3)')).toMatch(/^\d\d:\d\d:\d\d$/);
    // the execute above, counted from /metrics once the page has two samples
    await pageShows('#results tr[data-code="0"] td:nth-child(2)', 'success');
    // the token is the tab's: sessionStorage, never a cookie or localStorage
    expect(await page.evaluate('Object.values(sessionStorage)')).toEqual([TOKEN]);
    expect(await page.evaluate('localStorage.length + document.cookie.length')).toBe(0);
    // nothing is loaded from anywhere but the gateway
    const origin = `http://127.0.0.1:${ports.http}/`;
    expect(requested.filter((u) => !u.startsWith(origin))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('follows a BLOCKED state set through the API within one refresh', async () => {
    expect((await api('POST', '/state?state=BLOCKED')).status).toBe(200);
    await pageShows('#state', 'BLOCKED');
    expect(await page.$eval('#state', (e) => e.classList.contains('bad'))).toBe(true);
    expect((await api('POST', '/state?state=RUNNING')).status).toBe(200);
    await pageShows('#state', 'RUNNING');
    expect(await page.$eval('#state', (e) => e.classList.contains('bad'))).toBe(false);
  });

  it('BLOCK asks for a confirmation, then blocks the service; RUN undoes it', async () => {
    dialogs.length = 0;
    confirmAnswer = false;
    await page.click('#block');
    expect(dialogs).toHaveLength(1);
    expect(dialogs[0]).toContain('BLOCK');
    expect(await text('#actionlog')).toBe(''); // declined: no request was made
    expect((await api('GET', '/state')).body.state).toBe('RUNNING');

    confirmAnswer = true;
    await page.click('#block');
    await pageShows('#state', 'BLOCKED', REFRESH_MS);
    expect((await api('GET', '/state')).body.state).toBe('BLOCKED');
    expect(await text('#actionlog')).toMatch(/BLOCK: 200$/);
    // refused executes appear as their own result code
    expect(await client.execute('mcidGetProfile', ['01012345678'])).toMatchObject({ result: 3 });
    await pageShows('#results tr[data-code="3"] td:nth-child(2)', 'service blocked');

    await page.click('#run');
    await pageShows('#state', 'RUNNING', REFRESH_MS);
    expect((await api('GET', '/state')).body.state).toBe('RUNNING');
    expect(dialogs).toHaveLength(3);
  });

  it('Drain asks for a confirmation, then the server gets no new query; Enable undoes it', async () => {
    const queries = (name: string) => sim.received(name, MsgCode.DB_QUERY_REQUEST);
    const executes = async (n: number) => {
      for (let i = 0; i < n; i++) {
        expect(await client.execute('mcidGetProfile', ['01012345678'])).toMatchObject({
          result: 0,
        });
      }
    };
    dialogs.length = 0;
    confirmAnswer = true;
    await page.click('tr[data-server="INSUPC-2"] button[data-action="drain"]');
    expect(dialogs).toEqual([expect.stringContaining('Drain INSUPC-2')]);
    await pageShows('tr[data-server="INSUPC-2"] td[data-field="drained"]', 'DRAINED', REFRESH_MS);
    expect(await text('#actionlog')).toMatch(/drain INSUPC-2: 200$/);
    // held back on purpose: amber, not the red of a server that fails
    expect(await page.$eval('tr[data-server="INSUPC-2"]', (e) => e.className)).toBe('warn-row');
    expect((await api('GET', '/state')).body.insupcConnections).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'INSUPC-2', drained: true })]),
    );

    const [one, two] = [queries('INSUPC-1'), queries('INSUPC-2')];
    await executes(6);
    expect(queries('INSUPC-1')).toBe(one + 6);
    expect(queries('INSUPC-2')).toBe(two);

    await page.click('tr[data-server="INSUPC-2"] button[data-action="enable"]');
    await pageShows('tr[data-server="INSUPC-2"] td[data-field="drained"]', 'no', REFRESH_MS);
    await executes(6);
    expect(queries('INSUPC-2')).toBeGreaterThan(two);
  });

  it('marks its data stale when the gateway stops answering', async () => {
    expect(await (await page.$('#stale'))!.isVisible()).toBe(false);
    await gateway.kill('SIGKILL');
    await page.waitForSelector('#stale', { visible: true, timeout: ONE_REFRESH });
    expect(await text('#updated')).toMatch(/^last answer \d\d:\d\d:\d\d/);
    expect(pageErrors).toEqual([]);
  });
});
