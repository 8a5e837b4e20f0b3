import { join } from 'node:path';
import { ResultCode } from '../../../libs/insupc-protocol/src';
import {
  SimulatorConfigError,
  buildSimulatorConfig,
  loadSimulatorConfigFile,
} from './simulator-config';

describe('simulator config', () => {
  it('loads the shipped YAML: two instances on 19000/19100, control API on 19080', () => {
    const cfg = loadSimulatorConfigFile(join(__dirname, '../config/simulator.yaml'));
    expect(cfg.instances.map((i) => [i.name, i.port, i.dbStatus])).toEqual([
      ['INSUPC-1', 19000, 'MA'],
      ['INSUPC-2', 19100, 'MA'],
    ]);
    expect(cfg.http).toEqual({ enabled: true, host: '127.0.0.1', port: 19080 });
    expect(cfg.apis.known).toContain('mcidGetProfile');
    for (const name of [
      'default',
      'logon_failure',
      'no_response',
      'query_no_response',
      'query_error',
    ]) {
      expect(cfg.scenarios[name]).toBeDefined();
    }
    expect(cfg.scenarios.ut_04_002_logon_failure).toMatchObject({
      logon: 'deny',
      logonResult: ResultCode.LOGIN_DENIED,
    });
  });

  it('defaults suit in-process tests: loopback, ephemeral ports, no HTTP', () => {
    const cfg = buildSimulatorConfig();
    expect(cfg.instances.map((i) => [i.name, i.host, i.port])).toEqual([
      ['INSUPC-1', '127.0.0.1', 0],
      ['INSUPC-2', '127.0.0.1', 0],
    ]);
    expect(cfg.http.enabled).toBe(false);
    expect(cfg.scenarios.default).toEqual({
      description: expect.any(String),
      logon: 'accept',
      logonResult: ResultCode.LOGIN_DENIED,
      heartbeat: 'answer',
      query: 'answer',
      delayMs: 0,
    });
  });

  it.each([
    [{ activeScenario: 'nope' }, /activeScenario: unknown scenario nope/],
    [{ instances: [{ name: 'A', dbStatus: 'XX' as never }] }, /instances\[0\]\.dbStatus XX/],
    [{ instances: [{ name: 'A' }, { name: 'A' }] }, /duplicate name A/],
    [{ instances: [{ name: 'A', port: 70000 }] }, /instances\[0\]\.port/],
    [{ instances: [] }, /at least one/],
    [{ scenarios: { x: { query: 'maybe' as never } } }, /scenario x: query must be one of/],
    [{ responseDelayMs: -1 }, /responseDelayMs/],
    [{ responseDelayMs: 2 ** 31 }, /responseDelayMs must be a number 0\.\.2147483647/],
    [
      { scenarios: { x: { delayMs: 2 ** 31 } } },
      /scenario x: delayMs must be a number 0\.\.2147483647/,
    ],
  ])('rejects %j naming the key', (input, message) => {
    expect(() => buildSimulatorConfig(input)).toThrow(SimulatorConfigError);
    expect(() => buildSimulatorConfig(input)).toThrow(message);
  });

  it('reports an unreadable file as a SimulatorConfigError', () => {
    expect(() => loadSimulatorConfigFile('/nonexistent/simulator.yaml')).toThrow(
      SimulatorConfigError,
    );
  });
});
