import { parseConfig, parseConfigWithWarnings } from './config.loader';
import { toMillis } from './duration';
import { problemsOf } from './testing/config-problems';

const client = (extra: string) =>
  `insupc:\n  clients:\n    - { name: A, host: 127.0.0.1, port: 19000${extra} }\n`;

describe('duration strings for millisecond keys', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30000],
    ['1.5s', 1500],
    ['5m', 300000],
    ['1h', 3600000],
    ['7d', 604800000],
    ['30000', 30000],
    [250, 250],
  ])('%p is %p ms', (text, ms) => expect(toMillis(text)).toBe(ms));

  it('every millisecond key takes one, in the file and in an environment override', () => {
    const c = parseConfig(
      client(', read-timeout: 90s, heartbeat-interval: 30s') +
        'tcp: { server: { idle-timeout: 5m } }\nsegw: { policy: { probe-timeout: 1500ms } }\n',
      { INSUPCLIENT_MESSAGE_SESSION_TIMEOUT: '2s' },
    );
    expect(c.insupc.clients[0]).toMatchObject({ readTimeout: 90000, heartbeatInterval: 30000 });
    expect(c.tcp.server.idleTimeout).toBe(300000);
    expect(c.segw.policy.probeTimeout).toBe(1500);
    expect(c.message.sessionTimeout).toBe(2000);
  });

  it('a bad duration names the key and the accepted forms; a count key takes none', () => {
    expect(
      problemsOf(() => parseConfig(client('') + 'message: { session-timeout: 30x }\n')),
    ).toContainEqual(
      'message.session-timeout: must be a whole number of milliseconds or a duration such as 500ms, 30s, 2m, 1h (got "30x")',
    );
    expect(problemsOf(() => parseConfig(client('') + 'tps: { max-tps: 30s }\n'))).toContainEqual(
      'tps.max-tps: must be an integer number (got "30s")',
    );
  });
});

describe('logging.level', () => {
  it.each(['INFO', 'Info', 'info', 'DEBUG'])('%s is accepted in any case', (level) => {
    expect(parseConfig(client('') + `logging: { level: ${level} }\n`).logging.level).toBe(
      level.toLowerCase(),
    );
  });
});

describe('cross-field rules', () => {
  it('read-timeout below heartbeat-interval stops start-up naming both keys', () => {
    expect(
      problemsOf(() => parseConfig(client(', read-timeout: 5s, heartbeat-interval: 10s'))),
    ).toEqual([
      expect.stringMatching(
        /^insupc\.clients\[0\]\.read-timeout \(5000\) and insupc\.clients\[0\]\.heartbeat-interval \(10000\): read-timeout must be greater/,
      ),
    ]);
  });

  it('read-timeout equal to heartbeat-interval is a start-up warning', () => {
    const { warnings } = parseConfigWithWarnings(client(', read-timeout: 10s'));
    expect(warnings).toEqual([expect.stringContaining('are equal')]);
  });

  it('segw-connection must name a key of segw.connections', () => {
    expect(problemsOf(() => parseConfig(client(', segw-connection: tunnel')))).toEqual([
      "insupc.clients[0].segw-connection: 'tunnel' is not a key of segw.connections (none defined)",
    ]);
    const ok = parseConfig(
      client(', segw-connection: tunnel') + 'segw:\n  connections:\n    tunnel: {}\n',
    );
    expect(ok.insupc.clients[0].segwConnection).toBe('tunnel');
  });
  it('a limit that makes another pointless is a warning naming both', () => {
    const { warnings } = parseConfigWithWarnings(
      client('') +
        'tcp: { server: { max-pending-connections: 10, max-pending-per-ip: 20 } }\n' +
        'segw: { policy: { backoff-base: 1m, backoff-max: 30s } }\n',
    );
    expect(warnings).toEqual([
      expect.stringMatching(
        /^tcp\.server\.max-pending-per-ip \(20\) is above tcp\.server\.max-pending-connections \(10\)/,
      ),
      expect.stringMatching(
        /^segw\.policy\.backoff-base \(60000\) is above segw\.policy\.backoff-max \(30000\)/,
      ),
    ]);
  });
});

describe('TLS rules (operations spec §8.1)', () => {
  it('a TLS listener needs its files; a required client certificate needs a CA', () => {
    expect(
      problemsOf(() =>
        parseConfig(
          client('') +
            'tcp: { server: { tls: { enabled: true, cert-file: "", require-client-cert: true } } }\n',
        ),
      ),
    ).toEqual([
      'tcp.server.tls.cert-file and tcp.server.tls.key-file must be set when tcp.server.tls.enabled',
      'tcp.server.tls.require-client-cert needs tcp.server.tls.ca-file (the CA to check against)',
    ]);
  });

  it('cert-cn without verified client certificates is a warning', () => {
    const { warnings } = parseConfigWithWarnings(
      client('') +
        'security: { allowed-clients: [{ ip: "*", mac: "*", auth-key: K, cert-cn: client-a }] }\n',
    );
    expect(warnings).toEqual([
      expect.stringMatching(/^security\.allowed-clients\[0\]\.cert-cn needs verified client/),
    ]);
  });
});

describe('keys declared for the features that use them', () => {
  it('have the spec defaults', () => {
    const c = parseConfig(client(''));
    expect(c.logging.insupcFrames).toBe(false);
    expect(c.segw.historyFile).toBe('data/segw-history.json');
    expect(c.segw.policy).toMatchObject({ probeTimeout: 1500, insupcLossProbe: true });
    expect(c.tcp.server).toMatchObject({ maxPendingConnections: 1000, maxPendingPerIp: 100 });
    expect(c.insupc.clients[0].segwConnection).toBeUndefined();
  });

  it('segw.connections stays free-form: swanctl keys and values untouched', () => {
    const c = parseConfig(
      client('') +
        'segw:\n  connections:\n    my-tunnel:\n      remote_addrs: "10.0.0.1,10.0.0.2"\n      dpd_delay: 10s\n      children: { net-1: { local_ts: [10.1.0.0/24] } }\n',
    );
    expect(c.segw.connections).toEqual({
      'my-tunnel': {
        remote_addrs: '10.0.0.1,10.0.0.2',
        dpd_delay: '10s',
        children: { 'net-1': { local_ts: ['10.1.0.0/24'] } },
      },
    });
  });
});
