import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envOverrideKeys, parseConfig, resolveConfigPath, loadConfigFile } from './config.loader';
import { problemsOf } from './testing/config-problems';

const defaultYaml = readFileSync(join(__dirname, '../../config/insupclient.yaml'), 'utf8');
const minimal = `insupc:\n  clients:\n    - { name: A, host: 127.0.0.1, port: 19000 }\n`;

describe('config loader', () => {
  it('loads the shipped default file with the spec defaults', () => {
    const c = parseConfig(defaultYaml);
    expect(c.tcp.server.port).toBe(15021);
    expect(c.tcp.server.maxMessageBytes).toBe(65536);
    expect(c.tcp.server.framing).toBe('json-stream');
    expect(c.server.port).toBe(15020);
    expect(c.security.allowedClients[0]).toMatchObject({
      ip: '127.0.0.1',
      mac: '000000000001',
      authKey: 'TEST_AUTH_KEY_001',
    });
    expect(c.insupc.clients[0]).toMatchObject({
      name: 'INSUPC-1',
      port: 19000,
      heartbeatMaxMisses: 3,
      connectTimeout: 3000,
    });
    expect(c.application.stateServer.statFile).toBe('data/stats.json');
    expect(c.segw.policy).toMatchObject({ maxRetries: 5, failback: 'none', initiateTimeout: 5000 });
    expect(c.sipsvc.recvQueue).toEqual({ capacity: 5000, threadCount: 2 });
  });

  it('fills every omitted key with its default', () => {
    const c = parseConfig(minimal);
    expect(c.tps.maxTps).toBe(1000);
    expect(c.message.sessionTimeout).toBe(30000);
    expect(c.insupc.clients[0].retryInterval).toBe(1000);
    expect(c.oam.config.path).toBe('config/oam-conf.json');
  });

  it('UT_04_011: stops on an empty insupc.clients list (no INSUPC target, no start-up)', () => {
    const problems = problemsOf(() => parseConfig('insupc:\n  clients: []\n'));
    expect(problems.join('\n')).toContain('insupc.clients must list at least one INSUPC server');
  });

  it('stops on a file without insupc.clients', () => {
    expect(problemsOf(() => parseConfig('tps: { max-tps: 5 }\n')).join()).toContain(
      'insupc.clients',
    );
  });

  it('names the kebab-case key and the reason for a value out of range', () => {
    const problems = problemsOf(() =>
      parseConfig(minimal + 'tcp:\n  server:\n    max-connections: 0\n'),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^tcp\.server\.max-connections: must not be less than 1 \(got 0\)$/),
    ]);
  });

  it('names the key for a value of the wrong type', () => {
    const problems = problemsOf(() => parseConfig(minimal + 'tps:\n  max-tps: lots\n'));
    expect(problems).toContainEqual(
      expect.stringMatching(/^tps\.max-tps: must be an integer number/),
    );
  });

  it('names the array element for a bad client entry', () => {
    const problems = problemsOf(() =>
      parseConfig('insupc:\n  clients:\n    - { name: A, host: h, port: 99999 }\n'),
    );
    expect(problems[0]).toMatch(/^insupc\.clients\[0\]\.port: must not be greater than 65535/);
  });

  it('rejects two INSUPC servers with the same name', () => {
    const problems = problemsOf(() =>
      parseConfig(
        'insupc:\n  clients:\n    - { name: A, host: h, port: 1 }\n' +
          '    - { name: B, host: h, port: 2 }\n    - { name: A, host: h2, port: 3 }\n',
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^insupc\.clients: must have unique names \(A appears more than once\)/,
      ),
    ]);
  });

  it('rejects an unknown framing and an unknown key (typos are caught)', () => {
    const problems = problemsOf(() =>
      parseConfig(minimal + 'tcp:\n  server:\n    framing: xml\n    max-conections: 5\n'),
    );
    expect(problems.join('\n')).toMatch(
      /tcp\.server\.framing: must be one of the following values: json-stream, length-prefixed/,
    );
    expect(problems.join('\n')).toMatch(/tcp\.server\.max-conections: .*should not exist/);
  });

  it('accepts an http(s) statistics url, also without a TLD, or none', () => {
    for (const url of ['http://localhost:8080/stats', 'https://stats.example.com/x', '']) {
      expect(parseConfig(minimal, { INSUPCLIENT_APPLICATION_STATE_SERVER_URL: url })).toBeTruthy();
    }
  });

  it('rejects a statistics url that is not http(s)', () => {
    for (const url of ['localhost:1/x', 'ftp://h/x', 'http//h']) {
      const problems = problemsOf(() =>
        parseConfig(minimal + `application:\n  state-server:\n    url: "${url}"\n`),
      );
      expect(problems).toEqual([
        `application.state-server.url: must be an http:// or https:// URL, or "" for none (got "${url}")`,
      ]);
    }
  });

  it('reports YAML syntax errors', () => {
    expect(problemsOf(() => parseConfig('a: [1,\n')).join()).toMatch(/not valid YAML/);
  });

  it('keeps strongSwan connection keys verbatim', () => {
    const c = parseConfig(
      minimal +
        'segw:\n  connections:\n    insupc-tunnel:\n      remote_addrs: "a,b"\n      local-x: 1\n',
    );
    expect(c.segw.connections['insupc-tunnel']).toEqual({ remote_addrs: 'a,b', 'local-x': 1 });
  });

  describe('secrets in error messages', () => {
    const secretYaml =
      'security:\n  admin-token: 7\n  allowed-clients:\n' +
      '    - { ip: "", mac: "*", auth-key: KEY-ABC }\n' +
      'insupc:\n  logon: { password: [PW-XYZ] }\n  clients:\n    - { name: A, host: h, port: 1 }\n' +
      'segw:\n  secrets:\n    - { type: 7, secret: PSK-123 }\n';

    it('never prints a secret value, only that it was refused', () => {
      const text = problemsOf(() => parseConfig(secretYaml)).join('\n');
      expect(text).toMatch(/security\.admin-token: must be a string \(got <redacted>\)/);
      expect(text).toMatch(/insupc\.logon\.password: must be a string \(got <redacted>\)/);
      expect(text).toMatch(/segw\.secrets\[0\]\.type: must be a string \(got 7\)/);
      expect(text).toMatch(/security\.allowed-clients\[0\]\.ip: .*\(got ""\)/);
      for (const secret of ['PW-XYZ', 'KEY-ABC', 'PSK-123']) expect(text).not.toContain(secret);
    });

    it('redacts secrets inside a refused list or map', () => {
      const text = problemsOf(() =>
        parseConfig(minimal, {
          INSUPCLIENT_SECURITY_ALLOWED_CLIENTS: '{"ip":"*","mac":"*","auth-key":"KEY-ABC"}',
          INSUPCLIENT_SEGW_SECRETS: '[{"type":"ike","secret":"PSK-123"}, 5]',
        }),
      ).join('\n');
      expect(text).toContain('security.allowed-clients');
      expect(text).not.toContain('KEY-ABC');
      expect(text).not.toContain('PSK-123');
    });

    it('does not echo a secret from an unparsable override', () => {
      const text = problemsOf(() =>
        parseConfig(minimal, { INSUPCLIENT_SEGW_SECRETS: '[{"secret": "PSK-123"' }),
      ).join('\n');
      expect(text).toMatch(/^INSUPCLIENT_SEGW_SECRETS \(segw\.secrets\): not valid YAML\/JSON/);
      expect(text).not.toContain('PSK-123');
    });
  });

  describe('environment overrides', () => {
    it('overrides single keys by INSUPCLIENT_<PATH>', () => {
      const c = parseConfig(defaultYaml, {
        INSUPCLIENT_TCP_SERVER_PORT: '25021',
        INSUPCLIENT_TCP_SERVER_MAX_CONNECTIONS: '7',
        INSUPCLIENT_SECURITY_VERIFY_PEER_ADDRESS: 'true',
        INSUPCLIENT_LOGGING_LEVEL: 'debug',
      });
      expect(c.tcp.server.port).toBe(25021);
      expect(c.tcp.server.maxConnections).toBe(7);
      expect(c.security.verifyPeerAddress).toBe(true);
      expect(c.logging.level).toBe('debug');
    });

    it('takes lists as JSON, with kebab-case keys', () => {
      const c = parseConfig(defaultYaml, {
        INSUPCLIENT_INSUPC_CLIENTS:
          '[{"name":"X","host":"127.0.0.2","port":19500,"connection-pool-size":2}]',
      });
      expect(c.insupc.clients).toHaveLength(1);
      expect(c.insupc.clients[0]).toMatchObject({ name: 'X', port: 19500, connectionPoolSize: 2 });
    });

    it('validates overridden values like file values', () => {
      const problems = problemsOf(() =>
        parseConfig(defaultYaml, { INSUPCLIENT_TPS_MAX_TPS: '-1' }),
      );
      expect(problems[0]).toMatch(/tps\.max-tps\): must not be less than 1/);
    });

    it('takes string keys literally: digits stay text, leading zeros are kept', () => {
      const c = parseConfig(defaultYaml, {
        INSUPCLIENT_SECURITY_ADMIN_TOKEN: '123456',
        INSUPCLIENT_INSUPC_LOGON_PASSWORD: '0123',
        INSUPCLIENT_APPLICATION_SYSTEM_NAME: 'true',
      });
      expect(c.security.adminToken).toBe('123456');
      expect(c.insupc.logon.password).toBe('0123');
      expect(c.application.systemName).toBe('true');
    });

    it('turns optional string keys off with an empty value', () => {
      const c = parseConfig(defaultYaml, {
        INSUPCLIENT_APPLICATION_STATE_SERVER_STAT_FILE: '',
        INSUPCLIENT_APPLICATION_STATE_SERVER_URL: '',
        INSUPCLIENT_SECURITY_ADMIN_TOKEN: '',
      });
      expect(c.application.stateServer.statFile).toBe('');
      expect(c.application.stateServer.url).toBe('');
      expect(c.security.adminToken).toBe('');
    });

    it('names the variable when an overridden value is refused', () => {
      const problems = problemsOf(() =>
        parseConfig(defaultYaml, { INSUPCLIENT_TPS_MAX_TPS: '-1' }),
      );
      expect(problems[0]).toMatch(
        /^INSUPCLIENT_TPS_MAX_TPS \(tps\.max-tps\): must not be less than 1/,
      );
    });

    it('names the variable when a non-string value is empty or not YAML', () => {
      expect(problemsOf(() => parseConfig(defaultYaml, { INSUPCLIENT_TPS_MAX_TPS: '' }))).toEqual([
        expect.stringMatching(/^INSUPCLIENT_TPS_MAX_TPS \(tps\.max-tps\): empty value/),
      ]);
      expect(
        problemsOf(() => parseConfig(defaultYaml, { INSUPCLIENT_INSUPC_CLIENTS: '[{' })),
      ).toEqual([
        expect.stringMatching(
          /^INSUPCLIENT_INSUPC_CLIENTS \(insupc\.clients\): not valid YAML\/JSON/,
        ),
      ]);
    });

    it('names the variable for a problem inside an overridden list', () => {
      const problems = problemsOf(() =>
        parseConfig(defaultYaml, {
          INSUPCLIENT_INSUPC_CLIENTS: '[{"name":"X","host":"h","port":0}]',
        }),
      );
      expect(problems[0]).toMatch(
        /^INSUPCLIENT_INSUPC_CLIENTS \(insupc\.clients\[0\]\.port\): must not be less than 1/,
      );
    });

    it('has one unambiguous variable per key', () => {
      const names = envOverrideKeys().map((k) => k.name);
      expect(new Set(names).size).toBe(names.length);
      expect(names).toEqual(
        expect.arrayContaining([
          'INSUPCLIENT_TCP_SERVER_PORT',
          'INSUPCLIENT_APPLICATION_STATE_SERVER_STAT_FILE',
        ]),
      );
    });
  });

  describe('file choice', () => {
    it('prefers --config, then INSUPCLIENT_CONFIG, then the default', () => {
      expect(
        resolveConfigPath(['node', 'main', '--config', 'a.yaml'], { INSUPCLIENT_CONFIG: 'b.yaml' }),
      ).toBe('a.yaml');
      expect(resolveConfigPath(['node', 'main', '--config=c.yaml'], {})).toBe('c.yaml');
      expect(resolveConfigPath(['node', 'main'], { INSUPCLIENT_CONFIG: 'b.yaml' })).toBe('b.yaml');
      expect(resolveConfigPath(['node', 'main'], {})).toBe('config/insupclient.yaml');
    });

    it('reports a missing file by path', () => {
      expect(problemsOf(() => loadConfigFile('/nonexistent/x.yaml', {}))[0]).toMatch(
        /cannot read config file \/nonexistent\/x\.yaml/,
      );
    });
  });
});
