import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfigWithWarnings } from './config.loader';
import { AppConfig } from './config.schema';
import { runConfigCli } from './testing/config-cli-run';

const fixture = (name: string) => join(__dirname, '../../test/fixtures/original-config', name);
const minimalClients = 'insupc:\n  clients:\n    - { name: A, host: 127.0.0.1, port: 19000 }\n';

describe("the original service's application.yml (operations spec §6.5)", () => {
  it("UT_02's file: server.tcp-port and clients[].ip, one WARN each naming the key to use", () => {
    const { config, warnings } = loadConfig(fixture('ut-02-application.yml'), {});
    expect(config.tcp.server.port).toBe(8081);
    expect(config.server.port).toBe(8080);
    expect(config.insupc.clients[0]).toMatchObject({ name: 'INSUPC-1', host: '127.0.0.1' });
    expect(warnings).toEqual([
      "config key server.tcp-port is the original's name for tcp.server.port: use tcp.server.port",
      "config key insupc.clients[].ip is the original's name for insupc.clients[].host: use insupc.clients[].host",
      expect.stringMatching(
        /^insupc\.clients\[0\]\.read-timeout \(10000\) and .*heartbeat-interval \(10000\) are equal/,
      ),
    ]);
  });

  it("UT_02_007's client block: connection-timeout and retry-count ignored with a WARN each", () => {
    const { config, warnings } = loadConfig(fixture('ut-02-007-insupc-recv-queue.yml'), {});
    expect(config.insupc.recvQueue).toEqual({ capacity: 10000, threadCount: 4 });
    // the original connects within 3 s since v2.6, whatever connection-timeout says (30000 here)
    expect(config.insupc.clients[0]).toMatchObject({ connectTimeout: 3000, readTimeout: 10000 });
    expect(config.insupc.clients[0]).not.toHaveProperty('retryCount');
    expect(warnings).toEqual(
      expect.arrayContaining([
        'config key insupc.clients[].connection-timeout is ignored: the original stopped using it in v2.6 (a 30 s value made reconnects take 31 s) and connects within 3 s; connect-timeout keeps its default (3000)',
        'config key insupc.clients[].retry-count is ignored: reconnects never stop (every retry-interval)',
      ]),
    );
  });

  it("the test guide's application.yaml: session.max-connections, client.targets, heart-beat 30s, level INFO", () => {
    const { config, warnings } = loadConfig(fixture('test-guide-application.yaml'), {});
    expect(config.tcp.server.maxConnections).toBe(1000);
    expect(config.insupc.clients).toEqual([
      expect.objectContaining({
        name: '192.168.1.100:19000',
        host: '192.168.1.100',
        port: 19000,
        heartbeatInterval: 30000,
      }),
    ]);
    expect(config.logging).toMatchObject({ level: 'info', file: '/logs/insupclient.log' });
    expect(warnings).toEqual(
      expect.arrayContaining([
        "config key session.max-connections is the original's name for tcp.server.max-connections: use tcp.server.max-connections",
        "config key client.targets[] {ip, port} is the original's name for insupc.clients[] {name, host, port}: use insupc.clients[] {name, host, port} (state is ignored: the status comes from each server)",
        "config key client.heart-beat.interval is the original's name for insupc.clients[].heartbeat-interval: use insupc.clients[].heartbeat-interval",
      ]),
    );
  });

  it.each([
    'ut-02-application.yml',
    'ut-02-007-insupc-recv-queue.yml',
    'test-guide-application.yaml',
  ])(
    '%s: config migrate prints a file that config check accepts with no alias left, same config',
    (name) => {
      const migrated = runConfigCli('migrate', fixture(name));
      expect(migrated.code).toBe(0);
      expect(migrated.err).toMatch(/^WARN config key /);
      expect(migrated.out).not.toMatch(
        /tcp-port|session:|client:|targets|heart-beat|retry-count|\bip:|connection-timeout|max-session-count|queue-size|client-queue-size/,
      );
      const path = join(mkdtempSync(join(tmpdir(), 'insupclient-migrate-')), 'migrated.yaml');
      writeFileSync(path, migrated.out);
      const checked = runConfigCli('check', path);
      expect(checked).toEqual({
        code: 0,
        out: `${path}: OK`,
        err: expect.not.stringContaining('WARN config key'),
      });
      expect(loadConfig(path, {}).config).toEqual(loadConfig(fixture(name), {}).config);
    },
  );

  it.each([
    [
      'server:\n  tcp-port: 1\ntcp:\n  server:\n    port: 2\n',
      (c: AppConfig) => c.tcp.server.port,
      2,
      'tcp.server.port wins',
    ],
    [
      'session:\n  max-connections: 1\ntcp:\n  server:\n    max-connections: 2\n',
      (c: AppConfig) => c.tcp.server.maxConnections,
      2,
      'tcp.server.max-connections wins',
    ],
    [
      'max-session-count: 1\ntcp:\n  server:\n    max-connections: 2\n',
      (c: AppConfig) => c.tcp.server.maxConnections,
      2,
      'tcp.server.max-connections wins',
    ],
    [
      'queue-size: 1\nworker:\n  queue-capacity: 2\n',
      (c: AppConfig) => c.worker.queueCapacity,
      2,
      'worker.queue-capacity wins',
    ],
    [
      'client-queue-size: 1\nworker:\n  queue-capacity: 2\n',
      (c: AppConfig) => c.worker.queueCapacity,
      2,
      'worker.queue-capacity wins',
    ],
  ])('the new key wins when both are given (%#)', (extra, read, value, warning) => {
    const { config, warnings } = parseConfigWithWarnings(minimalClients + extra);
    expect(read(config)).toBe(value);
    expect(warnings).toEqual([expect.stringContaining(warning)]);
  });

  it('max-session-count caps authenticated connections (UT_03_001), not in-flight executes', () => {
    const { config, warnings } = parseConfigWithWarnings(
      `${minimalClients}max-session-count: 100\nqueue-size: 1000\n`,
    );
    expect(config.tcp.server.maxConnections).toBe(100);
    expect(config.message.maxSessions).toBe(new AppConfig().message.maxSessions);
    expect(config.worker.queueCapacity).toBe(1000);
    expect(warnings).toContain(
      "config key max-session-count is the original's name for tcp.server.max-connections: use tcp.server.max-connections",
    );
  });

  it('client-queue-size is accepted as worker.queue-capacity, like queue-size', () => {
    const { config, warnings } = parseConfigWithWarnings(
      `${minimalClients}client-queue-size: 1000\n`,
    );
    expect(config.worker.queueCapacity).toBe(1000);
    expect(warnings).toEqual([
      "config key client-queue-size is the original's name for worker.queue-capacity: use worker.queue-capacity",
    ]);
  });

  it('insupc.clients[].connection-timeout never sets the connect bound, even alone', () => {
    const { config, warnings } = parseConfigWithWarnings(
      'insupc:\n  clients:\n    - { name: A, host: h, port: 1, connection-timeout: 30000 }\n',
    );
    expect(config.insupc.clients[0].connectTimeout).toBe(3000);
    expect(warnings).toEqual([
      expect.stringMatching(/^config key insupc\.clients\[\]\.connection-timeout is ignored: /),
    ]);
  });

  it('client.heart-beat.interval fills only the clients without their own heartbeat-interval', () => {
    const { config } = parseConfigWithWarnings(
      'insupc:\n  clients:\n    - { name: A, host: h, port: 1, read-timeout: 90s }\n' +
        '    - { name: B, host: h, port: 2, heartbeat-interval: 2s }\nclient:\n  heart-beat:\n    interval: 30s\n',
    );
    expect(config.insupc.clients.map((c) => c.heartbeatInterval)).toEqual([30000, 2000]);
  });

  it('client.targets is ignored (WARN) when insupc.clients is given too', () => {
    const { config, warnings } = parseConfigWithWarnings(
      `${minimalClients}client:\n  targets:\n    - { ip: 10.0.0.1, port: 1 }\n`,
    );
    expect(config.insupc.clients.map((c) => c.name)).toEqual(['A']);
    expect(warnings).toEqual([
      expect.stringContaining('insupc.clients wins, client.targets is ignored'),
    ]);
  });

  it('a file with no alias gives no warning', () => {
    expect(parseConfigWithWarnings(minimalClients).warnings).toEqual([]);
  });

  it('config check lists every problem and exits 1; a bad subcommand prints the usage (2)', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'insupclient-check-')), 'bad.yaml');
    writeFileSync(path, `${minimalClients}tps: { max-tps: 0 }\nlogging: { level: loud }\n`);
    const checked = runConfigCli('check', path);
    expect(checked.code).toBe(1);
    expect(checked.err).toContain('tps.max-tps: must not be less than 1');
    expect(checked.err).toContain('logging.level: must be one of the following values');
    expect(runConfigCli('frobnicate').code).toBe(2);
    expect(runConfigCli('check', '--config', path).code).toBe(1);
  });

  it('config migrate keeps comments out but every value in', () => {
    const text = readFileSync(fixture('ut-02-007-insupc-recv-queue.yml'), 'utf8');
    expect(text).toContain('#');
    expect(runConfigCli('migrate', fixture('ut-02-007-insupc-recv-queue.yml')).out).toContain(
      'capacity: 10000',
    );
  });
});
