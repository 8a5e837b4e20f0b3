import { startSimulator, type InsupcSimulator } from './insupc-simulator';

describe('simulator control API: responseDelayMs', () => {
  let sim: InsupcSimulator;
  let base: string;

  beforeAll(async () => {
    sim = await startSimulator({
      instances: [{ name: 'INSUPC-1' }],
      http: { enabled: true, port: 0 },
      logger: false,
    });
    base = `http://127.0.0.1:${sim.httpPort}/api/simulator/config`;
  });
  afterAll(() => sim.stop());

  const post = async (body: unknown) => {
    const res = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it.each([2 ** 31, 1e300, -1, '5'])('refuses %p with 400 and keeps the delay', async (ms) => {
    const res = await post({ responseDelayMs: ms });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('responseDelayMs must be a number 0..2147483647');
    expect(sim.view().responseDelayMs).toBe(0);
  });

  it('accepts the largest delay a timer can hold', async () => {
    const res = await post({ responseDelayMs: 2 ** 31 - 1 });
    expect(res.status).toBe(200);
    expect(res.body.responseDelayMs).toBe(2 ** 31 - 1);
    expect(() => sim.setResponseDelay(2 ** 31)).toThrow(/0\.\.2147483647/);
  });
});
