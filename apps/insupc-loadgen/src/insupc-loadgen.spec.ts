import { startSimulator, type InsupcSimulator } from '../../insupc-simulator/src';
import { runInsupcLoad } from './insupc-load-generator';
import { parseInsupcLoadgenArgs } from './insupc-loadgen-options';

/** Smoke test of the binary load generator against the real simulator on loopback (untimed). */
describe('insupc-loadgen against the simulator', () => {
  let sim: InsupcSimulator;
  let ports: string;

  beforeEach(async () => {
    sim = await startSimulator({
      instances: [{ name: 'A' }, { name: 'B' }],
      scenarios: { refuse: { logon: 'deny' } },
      logger: false,
    });
    ports = `${sim.port('A')},${sim.port('B')}`;
  });
  afterEach(() => sim.stop());

  it('closed loop: every pipelined query answered exactly once, on both servers', async () => {
    const o = parseInsupcLoadgenArgs(['--port', ports, '--connections', '3', '--window', '16']);
    const report = await runInsupcLoad({ ...o, duration: 0, count: 600 });
    expect(report.exactlyOnce).toBe(true);
    expect(report.sent).toBeGreaterThanOrEqual(600);
    expect(report.results).toEqual({ 1: report.answered }); // RESULT 0x01 SUCCESS
    const stats = sim.stats().instances;
    expect(stats.A.connections).toBeGreaterThan(0);
    expect(stats.B.connections).toBeGreaterThan(0);
  });

  it('open loop: sends at the rate whatever the answers do, and reports it', async () => {
    const o = parseInsupcLoadgenArgs(['--port', ports, '--rate', '2000', '--count', '200']);
    const report = await runInsupcLoad(o);
    expect(report.mode).toBe('open loop, 2000/s');
    expect(report.exactlyOnce).toBe(true);
    expect(report.answered).toBe(report.sent);
  });

  it('a refused logon fails the run with the RESULT byte', async () => {
    sim.update({ scenario: 'refuse' });
    const o = parseInsupcLoadgenArgs(['--port', ports, '--count', '10']);
    await expect(runInsupcLoad(o)).rejects.toThrow('logon refused: result 0x20');
  });

  it('refuses bad arguments with a clear message', () => {
    expect(() => parseInsupcLoadgenArgs([])).toThrow('--port must be');
    expect(() => parseInsupcLoadgenArgs(['--port', '1', '--host', '10.0.0.1'])).toThrow('loopback');
    expect(() => parseInsupcLoadgenArgs(['--port', '1', '--bogus', '2'])).toThrow(
      'unknown flag --bogus',
    );
  });
});
