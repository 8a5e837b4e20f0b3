/**
 * Fuzzing the INSUPC wire (issue 14): a hostile INSUPC server answers the gateway's queries
 * with a wrong MSG_LEN, a huge parameter LENGTH, unknown MSG_CODEs, unknown TRANSACTION_IDs,
 * storms of DB_STATUS pushes, random RESULT bytes or garbage, in random order. Properties:
 * every execute is answered once, within the session timeout (plus the sweep period), the
 * gateway reconnects and serves again, and nothing is left behind.
 *
 * CI runs a bounded number of answers; FUZZ_LONG=1 runs many more.
 */
import fc from 'fast-check';
import { Gateway, startGateway } from '../src/bootstrap';
import { SESSION_STATE, SessionStateSource } from '../src/contracts/state-sources';
import { HostileAnswer, HostileInsupc } from './support/hostile-insupc';
import { connectSipsvc, SipsvcTestClient } from './support/sipsvc-test-client';
import { waitRoutable } from './support/simulator-clients';
import { testConfig } from './support/test-config';
import { waitFor } from './support/wait-for';

const LONG = process.env.FUZZ_LONG === '1';
const RUNS = LONG ? 2000 : 40;
const SESSION_TIMEOUT_MS = 500;

const hostileAnswer: fc.Arbitrary<HostileAnswer> = fc.oneof(
  fc.constant({ kind: 'correct' as const }),
  fc.record({ kind: fc.constant('msgLenShort' as const), by: fc.integer({ min: 1, max: 80 }) }),
  fc.record({ kind: fc.constant('msgLenLong' as const), by: fc.integer({ min: 1, max: 5000 }) }),
  fc.constant({ kind: 'msgLenHuge' as const }),
  fc.constant({ kind: 'paramLengthHuge' as const }),
  fc.record({
    kind: fc.constant('unknownMsgCode' as const),
    code: fc.oneof(fc.integer({ min: 0x0a, max: 0xff }), fc.constant(0)),
    thenCorrect: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('unknownTransactionId' as const),
    offset: fc.integer({ min: 1, max: 0xffffffff }),
  }),
  fc.record({
    kind: fc.constant('statusStorm' as const),
    pushes: fc.integer({ min: 1, max: LONG ? 20000 : 2000 }),
    thenCorrect: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('resultByte' as const), result: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
);

describe('INSUPC fuzzing: a hostile server (e2e)', () => {
  const insupc = new HostileInsupc();
  let gw: Gateway;
  let client: SipsvcTestClient;
  let sessions: SessionStateSource;

  beforeAll(async () => {
    const port = await insupc.start();
    gw = await startGateway(
      testConfig({
        insupc: {
          clients: [
            {
              name: 'HOSTILE',
              host: '127.0.0.1',
              port,
              retryInterval: 20,
              connectTimeout: 500,
              heartbeatInterval: 200,
              heartbeatTimeout: 150,
              heartbeatMaxMisses: 2,
              readTimeout: 2000,
            },
          ],
        },
        message: { sessionTimeout: SESSION_TIMEOUT_MS },
        tps: { maxTps: 1000000 },
      }),
    );
    await waitRoutable(gw);
    sessions = gw.app.get<SessionStateSource>(SESSION_STATE);
    client = await connectSipsvc(gw.sipsvcPort, { timeoutMs: SESSION_TIMEOUT_MS + 2000 });
    await client.authOk();
  });

  afterAll(async () => {
    await client?.close();
    await gw?.close();
    await insupc.stop();
  });

  it(
    'every execute is answered once, in time, whatever the server sends; the gateway recovers',
    async () => {
      const seen: Record<string, number> = {};
      await fc.assert(
        fc.asyncProperty(hostileAnswer, async (how) => {
          await waitRoutable(gw, 5000);
          insupc.next = how;
          const started = Date.now();
          const a = await client.execute('mcidGetProfile', ['01012345678']);
          const took = Date.now() - started;
          seen[String(a.result)] = (seen[String(a.result)] ?? 0) + 1;
          expect(typeof a.result).toBe('number');
          expect(took).toBeLessThan(SESSION_TIMEOUT_MS + 1000);
          await waitFor(() => sessions.messageMappingSize() === 0, 3000, 'the session gone');
        }),
        { numRuns: RUNS },
      );
      // serving again, and the client's connection survived it all. The last hostile answer
      // may still be in the stream (a MSG_LEN longer than what was sent swallows the next
      // frame, and the connection is re-made): that execute is answered too, and a later one
      // succeeds.
      const after: number[] = [];
      for (let attempt = 0; attempt < 3 && after.at(-1) !== 0; attempt++) {
        await waitRoutable(gw, 5000);
        insupc.next = { kind: 'correct' };
        const a = await client.execute('mcidGetProfile', ['01012345678']);
        after.push(a.result as number);
      }
      expect(after.at(-1)).toBe(0);
      expect(client.isClosed).toBe(false);
      expect(Object.keys(seen).length).toBeGreaterThan(1);
    },
    180000 + (LONG ? 3600000 : 0),
  );
});
