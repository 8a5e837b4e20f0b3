/** swanctl.conf semantics (libs/vici/src/swanctl-connection.ts) as the SEGW config uses them. */
import { parseList, SWANCTL_LIST_KEYS, toViciConnection } from '../../libs/vici/src';
import { segwConfigProblems } from '../config/config-rules';
import { parseConfig, validateConfig } from '../config/config.loader';

/** operations.md section 5's example connection, verbatim. */
const SPEC_EXAMPLE = {
  remote_addrs: '10.0.0.1,10.0.0.2',
  local_addrs: '%any',
  version: 2,
  proposals: ['aes128-sha256-modp2048'],
  local: { auth: 'psk', id: 'client@test.com' },
  remote: { auth: 'psk', id: 'segw@test.com' },
  children: {
    'insupc-child': {
      local_ts: ['10.1.0.0/24'],
      remote_ts: ['10.2.0.0/24'],
      esp_proposals: ['aes128-sha256-modp2048'],
    },
  },
};

describe('parseList', () => {
  it('splits on commas, trims, drops empty items; takes YAML lists item by item', () => {
    expect(parseList(' a, ,b ,')).toEqual(['a', 'b']);
    expect(parseList(['a ', ' b'])).toEqual(['a', 'b']);
    expect(parseList(7)).toEqual(['7']);
    expect(parseList({ a: 1 })).toBeUndefined();
    expect(parseList(['a', { b: 1 }])).toBeUndefined();
  });
});

describe('toViciConnection: every swanctl.conf list key goes as a VICI list', () => {
  it('connection level', () => {
    const conn = Object.fromEntries(SWANCTL_LIST_KEYS.connection.map((k) => [k, `${k}1, ${k}2`]));
    const out = toViciConnection({ ...conn, version: 2, dpd_delay: '10s' });
    for (const k of SWANCTL_LIST_KEYS.connection) expect(out[k]).toEqual([`${k}1`, `${k}2`]);
    expect(out).toMatchObject({ version: 2, dpd_delay: '10s' }); // plain keys untouched
  });

  it('local/remote level, suffixed rounds included', () => {
    const auth = Object.fromEntries(SWANCTL_LIST_KEYS.auth.map((k) => [k, `${k}.pem,x.pem`]));
    const out = toViciConnection({
      local: { auth: 'pubkey', ...auth },
      'remote-2': { auth: 'eap', groups: 'g1, g2' },
      remote: { auth: 'psk', id: 'a,b' },
    });
    for (const k of SWANCTL_LIST_KEYS.auth)
      expect((out.local as Record<string, unknown>)[k]).toEqual([`${k}.pem`, 'x.pem']);
    expect(out['remote-2']).toEqual({ auth: 'eap', groups: ['g1', 'g2'] });
    expect(out.remote).toEqual({ auth: 'psk', id: 'a,b' }); // id is not a list key
  });

  it('child level', () => {
    const child = Object.fromEntries(SWANCTL_LIST_KEYS.child.map((k) => [k, `${k}a,${k}b`]));
    const out = toViciConnection({ children: { c: { ...child, mode: 'tunnel' } } });
    const c = (out.children as Record<string, Record<string, unknown>>).c;
    for (const k of SWANCTL_LIST_KEYS.child) expect(c[k]).toEqual([`${k}a`, `${k}b`]);
    expect(c.mode).toBe('tunnel');
  });

  it('the spec\'s example: local_addrs "%any" becomes a list, the rest as written', () => {
    const out = toViciConnection(SPEC_EXAMPLE);
    expect(out).toMatchObject({
      remote_addrs: ['10.0.0.1', '10.0.0.2'],
      local_addrs: ['%any'],
      proposals: ['aes128-sha256-modp2048'],
      version: 2,
    });
  });
});

describe('segwConfigProblems (start-up validation)', () => {
  const check = (conn: unknown, enabled = true) =>
    segwConfigProblems({
      segw: { enabled, connections: { 'insupc-tunnel': conn } },
    });

  it("accepts the spec's example verbatim", () => {
    expect(check(SPEC_EXAMPLE)).toEqual([]);
  });

  it('names the key of each problem', () => {
    expect(check({ ...SPEC_EXAMPLE, remote_addrs: ' , ' })).toEqual([
      'segw.connections.insupc-tunnel.remote_addrs: no address',
    ]);
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { local, children, ...rest } = SPEC_EXAMPLE;
    expect(check({ ...rest, remote: { id: 'x' }, proposals: [{}] })).toEqual([
      'segw.connections.insupc-tunnel.proposals: must be a comma-separated string or a list of strings',
      'segw.connections.insupc-tunnel.local: missing (a section with auth)',
      'segw.connections.insupc-tunnel.remote.auth: missing',
      'segw.connections.insupc-tunnel.children: no child (at least one CHILD_SA is needed)',
    ]);
    expect(check('nope')).toEqual([
      'segw.connections.insupc-tunnel: must be a map (a swanctl.conf connection)',
    ]);
  });

  it('enabled with no connection is an error; disabled connections are not checked', () => {
    expect(segwConfigProblems({ segw: { enabled: true, connections: {} } })).toEqual([
      'segw.connections: segw.enabled is true but no connection is defined',
    ]);
    expect(check({}, false)).toEqual([]);
  });

  it('config validation stops start-up on them, like every other key', () => {
    const base = { insupc: { clients: [{ name: 'I', host: 'h', port: 1 }] } };
    expect(() =>
      validateConfig({
        ...base,
        segw: {
          enabled: true,
          connections: { 'insupc-tunnel': { ...SPEC_EXAMPLE, remote_addrs: '' } },
        },
      }),
    ).toThrow('segw.connections.insupc-tunnel.remote_addrs: no address');
    expect(() => validateConfig({ ...base, segw: { enabled: true } })).toThrow(
      'segw.enabled is true but no connection is defined',
    );
    expect(() =>
      validateConfig({
        insupc: { clients: [{ name: 'I', host: 'h', port: 1, segwConnection: 'nope' }] },
      }),
    ).toThrow("insupc.clients[0].segw-connection: 'nope' is not a key of segw.connections");
  });

  it("the spec's YAML block, verbatim, loads and converts", () => {
    const yaml = `
insupc:
  clients:
    - { name: INSUPC-1, host: 10.2.0.1, port: 19000, segw-connection: insupc-tunnel }
segw:
  enabled: true
  vici-socket: /var/run/charon.vici
  policy:
    max-retries: 5
    backoff-base: 1000
    backoff-multiplier: 2
    backoff-max: 30000
    failback: none
    initiate-timeout: 5000
    probe-timeout: 1500
    insupc-loss-probe: true
  connections:
    insupc-tunnel:
      remote_addrs: "10.0.0.1,10.0.0.2"
      local_addrs: "%any"
      version: 2
      proposals: [aes128-sha256-modp2048]
      local:  { auth: psk, id: client@test.com }
      remote: { auth: psk, id: segw@test.com }
      children:
        insupc-child: { local_ts: [10.1.0.0/24], remote_ts: [10.2.0.0/24], esp_proposals: [aes128-sha256-modp2048] }
  secrets:
    - { type: ike, id: client@test.com, secret: test-psk-secret }
`;
    const c = parseConfig(yaml);
    expect(c.insupc.clients[0].segwConnection).toBe('insupc-tunnel');
    expect(c.segw.policy).toMatchObject({ probeTimeout: 1500, insupcLossProbe: true });
    expect(c.segw.historyFile).toBe('data/segw-history.json');
    expect(toViciConnection(c.segw.connections['insupc-tunnel'])).toEqual({
      ...SPEC_EXAMPLE,
      remote_addrs: ['10.0.0.1', '10.0.0.2'],
      local_addrs: ['%any'],
    });
  });
});
