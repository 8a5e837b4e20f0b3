import { validateConfig } from '../../src/config/config.loader';
import { AppConfig } from '../../src/config/config.schema';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      b &&
      typeof b === 'object' &&
      !Array.isArray(b)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/**
 * A validated config for e2e specs: every listener on an ephemeral loopback port, quiet logs,
 * short timers; `overrides` in camelCase deep-merge over that.
 */
export function testConfig(overrides: DeepPartial<AppConfig> = {}): AppConfig {
  const base = {
    // No stat-file: specs must not restore or leave counters in data/stats.json.
    application: { stateServer: { statFile: '' } },
    server: { host: '127.0.0.1', port: 0 },
    tcp: { server: { host: '127.0.0.1', port: 0 } },
    logging: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
    security: {
      allowedClients: [{ ip: '127.0.0.1', mac: '000000000001', authKey: 'TEST_AUTH_KEY_001' }],
    },
    insupc: { clients: [{ name: 'INSUPC-1', host: '127.0.0.1', port: 1 }] },
  };
  return validateConfig(merge(base, overrides as Record<string, unknown>));
}
