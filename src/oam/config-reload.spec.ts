import { validateConfig } from '../config/config.loader';
import { applyHotReload } from './config-reload';

const base = () => ({
  insupc: { clients: [{ name: 'INSUPC-1', host: '127.0.0.1', port: 19000 }] },
  security: { allowedClients: [{ ip: '127.0.0.1', mac: '*', authKey: 'K1' }] },
});

describe('applyHotReload', () => {
  it('applies the hot keys in place and lists restart-only differences', () => {
    const live = validateConfig(base());
    const securityBefore = live.security;
    const fresh = validateConfig({
      ...base(),
      security: { allowedClients: [{ ip: '10.0.0.1', mac: '*', authKey: 'K2' }] },
      tps: { maxTps: 5 },
      message: { maxSessions: 7, sessionTimeout: 1234 },
      tcp: { server: { maxConnections: 3, port: 1 } },
      server: { port: 2 },
    });
    const out = applyHotReload(live, fresh);
    expect(out.applied.sort()).toEqual(
      [
        'message.max-sessions',
        'message.session-timeout',
        'security.allowed-clients',
        'tcp.server.max-connections',
        'tps.max-tps',
      ].sort(),
    );
    expect(out.restartRequired.sort()).toEqual(['server.port', 'tcp.server.port']);
    expect(live.security).toBe(securityBefore);
    expect(live.security.allowedClients[0].authKey).toBe('K2');
    expect(live.tps.maxTps).toBe(5);
    expect(live.message.sessionTimeout).toBe(1234);
    expect(live.tcp.server.maxConnections).toBe(3);
    // restart-only keys are reported, not applied
    expect(live.server.port).toBe(15020);
    expect(live.tcp.server.port).toBe(15021);
  });

  it('logging.insupc-frames is hot, on the live logging object the INSUPC connections read', () => {
    const live = validateConfig(base());
    const logging = live.logging;
    const out = applyHotReload(
      live,
      validateConfig({ ...base(), logging: { insupcFrames: true } }),
    );
    expect(out).toEqual({ applied: ['logging.insupc-frames'], restartRequired: [] });
    expect(live.logging).toBe(logging);
    expect(logging.insupcFrames).toBe(true);
  });

  it('takes its hot keys from @Key({ hot: true }): logging.insupc-frames applies, level does not', () => {
    const live = validateConfig(base());
    const fresh = validateConfig({ ...base(), logging: { insupcFrames: true, level: 'debug' } });
    expect(applyHotReload(live, fresh)).toEqual({
      applied: ['logging.insupc-frames'],
      restartRequired: ['logging.level'],
    });
    expect(live.logging.insupcFrames).toBe(true);
    expect(live.logging.level).toBe('info');
  });

  it('the SIPSVC connection timeouts and verify-peer-address are hot (read per sweep / per auth)', () => {
    const live = validateConfig(base());
    const server = live.tcp.server;
    const fresh = validateConfig({
      ...base(),
      tcp: { server: { authTimeout: 100, idleTimeout: 200, connectionTimeout: 300 } },
      security: { ...base().security, verifyPeerAddress: true },
    });
    expect(applyHotReload(live, fresh)).toEqual({
      applied: [
        'tcp.server.auth-timeout',
        'tcp.server.idle-timeout',
        'tcp.server.connection-timeout',
        'security.verify-peer-address',
      ],
      restartRequired: [],
    });
    expect(live.tcp.server).toBe(server);
    expect(server).toMatchObject({ authTimeout: 100, idleTimeout: 200, connectionTimeout: 300 });
    expect(live.security.verifyPeerAddress).toBe(true);
  });

  it('reports nothing when the file did not change', () => {
    expect(applyHotReload(validateConfig(base()), validateConfig(base()))).toEqual({
      applied: [],
      restartRequired: [],
    });
  });
});
