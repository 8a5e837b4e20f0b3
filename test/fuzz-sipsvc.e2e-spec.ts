/**
 * Fuzzing the SIPSVC wire (issue 14): random bytes, mutated valid frames and structurally
 * random requests after a valid auth, in both framings, against a running gateway backed by
 * the INSUPC simulator. Each input goes on a fresh connection followed by a half-close; the
 * properties: every answer is a well-formed frame of JSON with a numeric `result`, the
 * connection ends (nothing hangs), and afterwards no session or connection is left and a
 * fresh client is still served end to end.
 *
 * CI runs a bounded number of inputs; FUZZ_LONG=1 runs many more.
 */
import fc from 'fast-check';
import { connect } from 'node:net';
import {
  startSimulator,
  type InsupcSimulator,
} from '../apps/insupc-simulator/src/insupc-simulator';
import { createFrameDecoder } from '../libs/sipsvc-protocol/src/create-frame-decoder';
import { frameEncoderFor, SipsvcFraming } from '../libs/sipsvc-protocol/src/frame-encoder';
import { Gateway, startGateway } from '../src/bootstrap';
import { SESSION_STATE, SessionStateSource } from '../src/contracts/state-sources';
import { SipsvcConnectionRegistry } from '../src/sipsvc/sipsvc-connection-registry';
import { base64, connectSipsvc, expectedToken, TEST_CLIENT } from './support/sipsvc-test-client';
import { simulatorClients, waitRoutable } from './support/simulator-clients';
import { testConfig } from './support/test-config';
import { waitFor } from './support/wait-for';

const LONG = process.env.FUZZ_LONG === '1';
const RUNS = LONG ? 20000 : 300;
const MAX_MESSAGE_BYTES = 4096;

const AUTH = {
  cmd: 'auth',
  ipAddr: TEST_CLIENT.ipAddr,
  macAddr: TEST_CLIENT.macAddr,
  accessKey: base64(TEST_CLIENT.authKey),
  reqNo: 'AUTH-FUZZ',
};

interface Outcome {
  answers: Record<string, unknown>[];
  violations: string[];
}

/**
 * Sends `bytes` on a fresh connection, half-closes, and collects answers until the close.
 * With `first`, that frame goes alone and its answer is awaited before the rest (a client
 * waits for its auth answer before sending more).
 */
function exchange(
  port: number,
  framing: SipsvcFraming,
  bytes: Buffer[] | ((localPort: number) => Buffer[]),
  first?: Buffer,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const out: Outcome = { answers: [], violations: [] };
    const decoder = createFrameDecoder(framing, 16 * 1024 * 1024, {
      frame: (b) => {
        try {
          out.answers.push(JSON.parse(b.toString('utf8')) as Record<string, unknown>);
        } catch {
          out.violations.push(`answer is not JSON: ${b.toString('utf8').slice(0, 200)}`);
        }
      },
      violation: (reason) => out.violations.push(`answer framing: ${reason}`),
    });
    const s = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('the gateway neither answered nor closed within 10 s'));
    }, 10000);
    let sent = false;
    const sendRest = (): void => {
      sent = true;
      for (const b of typeof bytes === 'function' ? bytes(s.localPort!) : bytes) s.write(b);
      s.end();
    };
    s.on('data', (c: Buffer) => {
      decoder.push(c);
      if (!sent && out.answers.length > 0) sendRest();
    });
    s.on('error', () => undefined);
    s.once('connect', () => {
      if (first) s.write(first);
      else sendRest();
    });
    s.once('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

// ---- arbitraries ----------------------------------------------------------------------

const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', '\ud800', '\ufffd', '1e400', '', ' '.repeat(300)),
);
const field = fc.oneof(
  nasty,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);
const request = fc.record(
  {
    cmd: fc.oneof(fc.constantFrom('execute', 'EXECUTE', 'heartBeat', 'auth', 'bogus'), field),
    reqNo: field,
    seq: field,
    service: field,
    reqBody: fc.oneof(
      field,
      fc.record(
        {
          apiName: fc.oneof(fc.constantFrom('mcidGetProfile', 'noDataApi'), nasty, field),
          inputParams: fc.oneof(
            fc.array(fc.oneof(nasty, fc.double(), field), { maxLength: 5 }),
            field,
          ),
        },
        { requiredKeys: [] },
      ),
    ),
    withToken: fc.boolean(),
  },
  { requiredKeys: ['cmd', 'withToken'] },
);

type Mutation = { kind: 'flip' | 'insert' | 'delete' | 'truncate'; at: number; byte: number };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'insert', 'delete', 'truncate'),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(buf: Buffer, ms: Mutation[]): Buffer {
  let b = Buffer.from(buf);
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.kind === 'flip') b[at] ^= 1 << (m.byte % 8);
    else if (m.kind === 'insert')
      b = Buffer.concat([b.subarray(0, at), Buffer.from([m.byte]), b.subarray(at)]);
    else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
    else b = b.subarray(0, at);
  }
  return b;
}

/** messages framed back to back, as one buffer. */
function framed(framing: SipsvcFraming, msgs: Record<string, unknown>[]): Buffer {
  const enc = frameEncoderFor(framing);
  return Buffer.concat(
    msgs.map((m) => {
      const f = enc(JSON.stringify(m));
      return typeof f === 'string' ? Buffer.from(f, 'utf8') : f;
    }),
  );
}

describe.each(['json-stream', 'length-prefixed'] as const)(
  'SIPSVC fuzzing, %s (e2e)',
  (framing) => {
    let sim: InsupcSimulator;
    let gw: Gateway;
    let sessions: SessionStateSource;
    let registry: SipsvcConnectionRegistry;

    beforeAll(async () => {
      sim = await startSimulator({ logger: false, instances: [{ name: 'INSUPC-1' }] });
      gw = await startGateway(
        testConfig({
          tcp: { server: { framing, maxMessageBytes: MAX_MESSAGE_BYTES, authTimeout: 2000 } },
          insupc: { clients: simulatorClients(sim) },
          message: { sessionTimeout: 2000 },
          tps: { maxTps: 1000000 },
        }),
      );
      await waitRoutable(gw);
      sessions = gw.app.get<SessionStateSource>(SESSION_STATE);
      registry = gw.app.get(SipsvcConnectionRegistry);
    });

    afterAll(async () => {
      await gw?.close();
      await sim?.stop();
    });

    /** nothing left behind, and a fresh client is still served end to end. */
    async function stillServing(): Promise<void> {
      await waitFor(() => sessions.messageMappingSize() === 0, 5000, 'no session left');
      await waitFor(() => registry.size === 0, 5000, 'no connection left');
      const c = await connectSipsvc(gw.sipsvcPort, { framing });
      try {
        await c.authOk();
        expect(await c.execute('mcidGetProfile', ['01012345678'])).toMatchObject({ result: 0 });
      } finally {
        await c.close();
      }
    }

    function check(o: Outcome): void {
      expect(o.violations).toEqual([]);
      for (const a of o.answers) expect(typeof a.result).toBe('number');
    }

    it(
      'random bytes',
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.uint8Array({ maxLength: 2 * MAX_MESSAGE_BYTES }), async (bytes) => {
            check(await exchange(gw.sipsvcPort, framing, [Buffer.from(bytes)]));
          }),
          { numRuns: RUNS },
        );
        await stillServing();
      },
      120000 + (LONG ? 1800000 : 0),
    );

    it(
      'mutated valid frames (auth, executes, heartbeats)',
      async () => {
        const token = base64('127.0.0.1:0'); // wrong on purpose unless mutated into the real one
        const valid = framed(framing, [
          AUTH,
          {
            cmd: 'execute',
            token,
            reqNo: 'R1',
            seq: '001',
            reqBody: { apiName: 'mcidGetProfile', inputParams: ['010'] },
          },
          { cmd: 'heartBeat', token, reqNo: 'H1' },
        ]);
        // a number JSON.stringify cannot write: parses to Infinity
        const huge = frameEncoderFor(framing)(
          `{"cmd":"execute","token":"${token}","reqNo":1e400,"seq":1e999,"reqBody":{"apiName":"a"}}`,
        );
        const seeds = [valid, Buffer.concat([valid, Buffer.from(huge)])];
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...seeds),
            fc.array(mutation, { minLength: 0, maxLength: 8 }),
            async (seed, ms) => {
              const o = await exchange(gw.sipsvcPort, framing, [mutate(seed, ms)]);
              check(o);
              for (const a of o.answers) if ('reqNo' in a) expect(a.reqNo).not.toBeNull();
            },
          ),
          { numRuns: RUNS },
        );
        await stillServing();
      },
      120000 + (LONG ? 1800000 : 0),
    );

    it(
      'random requests after a valid auth, with the real token',
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 6 }), async (reqs) => {
            const o = await exchange(
              gw.sipsvcPort,
              framing,
              (localPort) => {
                const token = expectedToken('127.0.0.1', localPort);
                const msgs = reqs.map(({ withToken, ...r }) => (withToken ? { ...r, token } : r));
                return [framed(framing, msgs)];
              },
              framed(framing, [AUTH]),
            );
            check(o);
            // answers may come in any order (sipsvc-json-protocol.md §1)
            expect(o.answers).toContainEqual(
              expect.objectContaining({ cmd: 'auth', reqNo: AUTH.reqNo, result: 0 }),
            );
            expect(o.answers.length).toBeLessThanOrEqual(reqs.length + 1);
            for (const a of o.answers) if ('reqNo' in a) expect(a.reqNo).not.toBeNull();
          }),
          { numRuns: RUNS },
        );
        await stillServing();
      },
      120000 + (LONG ? 1800000 : 0),
    );
  },
);
