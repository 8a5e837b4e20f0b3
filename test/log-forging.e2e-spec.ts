/**
 * operations.md §8.5: client fields with control characters are refused (result 1), so nothing
 * a client sends starts a new line in a log: the execute log (`logging.execute-file`, plain
 * text) and the main log (`logging.file`, JSON lines).
 */
import { readFileSync } from 'node:fs';
import { Gateway, startGateway } from '../src/bootstrap';
import { TempDir } from './support/real-processes';
import { connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { testConfig } from './support/test-config';
import { pollFor } from './support/wait-for';

const FORGED = '2026-01-01T00:00:00.000Z SUCCESS | reqId: FORGED | apiName: x | server: y';
const EXECUTE_LINE = /^\S+Z (SUCCESS|TIMEOUT|DROPPED|ERROR\(\d+\)) \| reqId: .* \| elapsed: \d+ms$/;
const unclean = (field: string) =>
  `Invalid field: ${field} has a control character or invalid UTF-8`;

describe('client fields cannot forge log lines (operations.md §8.5, e2e)', () => {
  let gw: Gateway;
  let dir: TempDir;
  let client: SipsvcTestClient;
  const lines = (name: string) => readFileSync(dir.file(name), 'utf8').split('\n').slice(0, -1);

  beforeAll(async () => {
    dir = new TempDir();
    gw = await startGateway(
      testConfig({
        logging: { level: 'info', file: dir.file('main.log'), executeFile: dir.file('exec.log') },
      }),
    );
    client = await connectSipsvc(gw.sipsvcPort);
    await client.authOk();
  });
  afterAll(async () => {
    client?.destroy();
    await gw?.close();
    dir?.remove();
  });

  it('execute log: reqNo, seq and apiName with a newline, NUL or ESC are refused with result 1', async () => {
    const refused = [
      [{ reqNo: `R1\n${FORGED}` }, 'reqNo'],
      [{ reqNo: 'R2', seq: `001\r\n${FORGED}` }, 'seq'],
      [{ reqNo: 'R3\u0000' }, 'reqNo'],
      [{ reqNo: 'R4\u001b[2J' }, 'reqNo'],
    ] as const;
    for (const [fields, name] of refused) {
      const res = await client.request(client.executeMessage('mcidGetProfile', ['1'], fields));
      expect(res).toMatchObject({ result: 1, resultDesc: unclean(name) });
    }
    const api = await client.request(
      client.executeMessage(`mcid\n${FORGED}`, ['1'], { reqNo: 'R5' }),
    );
    expect(api).toMatchObject({ result: 1, resultDesc: unclean('apiName') });
    // a clean request after them, whose line shows the ones before are written
    await client.request(client.executeMessage('mcidGetProfile', ['1'], { reqNo: 'LAST' }));

    const written = await pollFor(
      'the execute log line of LAST',
      () => {
        const all = lines('exec.log');
        return all.some((l) => l.includes('reqId: LAST')) && all;
      },
      5000,
    );
    for (const line of written) expect(line).toMatch(EXECUTE_LINE);
    expect(written.join('\n')).not.toContain('FORGED');
    expect(written.find((l) => l.includes('reqId: R5'))).toContain(
      'ERROR(1) | reqId: R5 | apiName: - |',
    );
  });

  it('main log: auth fields with a newline or ESC are refused with result 1, every line stays one JSON object', async () => {
    const forgedJson = JSON.stringify({ level: 30, msg: 'FORGED' });
    for (const [fields, name] of [
      [{ ipAddr: `127.0.0.1\n${forgedJson}` }, 'ipAddr'],
      [{ macAddr: '000000000001\u001b[31m' }, 'macAddr'],
    ] as const) {
      const c = await connectSipsvc(gw.sipsvcPort);
      expect(await c.auth(fields)).toMatchObject({ result: 1, resultDesc: unclean(name) });
      await c.waitClosed(3000);
    }
    const logged = await pollFor(
      'both refusals in the main log',
      () => {
        const all = lines('main.log');
        return all.filter((l) => l.includes('has a control character')).length >= 2 && all;
      },
      5000,
    );
    for (const line of logged) {
      const entry = JSON.parse(line) as { msg?: string };
      expect(entry.msg).not.toBe('FORGED');
    }
    expect(logged.join('\n')).not.toContain('\u001b');
  });
});
