import {
  decodeBase64Strict,
  findAllowedClient,
  ipMatches,
  keyMatches,
  macMatches,
} from './allowed-client-matcher';

describe('allowed-client matcher', () => {
  it('matches IPs exactly, by wildcard and by CIDR (IPv4 and IPv6)', () => {
    expect(ipMatches('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(ipMatches('127.0.0.1', '127.0.0.2')).toBe(false);
    expect(ipMatches('*', '192.168.100.200')).toBe(true);
    expect(ipMatches('10.1.0.0/16', '10.1.255.3')).toBe(true);
    expect(ipMatches('10.1.0.0/16', '10.2.0.1')).toBe(false);
    expect(ipMatches('192.168.1.128/25', '192.168.1.200')).toBe(true);
    expect(ipMatches('192.168.1.128/25', '192.168.1.100')).toBe(false);
    expect(ipMatches('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(ipMatches('2001:db8::/32', '2001:db8:1::5')).toBe(true);
    expect(ipMatches('2001:db8::/32', '2001:db9::5')).toBe(false);
    expect(ipMatches('::1', '0:0:0:0:0:0:0:1')).toBe(true);
    expect(ipMatches('127.0.0.1', '::ffff:127.0.0.1')).toBe(true);
  });

  it('never matches malformed patterns or addresses', () => {
    expect(ipMatches('10.0.0.0/33', '10.0.0.1')).toBe(false);
    expect(ipMatches('10.0.0.0/x', '10.0.0.1')).toBe(false);
    expect(ipMatches('10.0.0.0/8', 'not-an-ip')).toBe(false);
    expect(ipMatches('10.0.0.0/8', '::1')).toBe(false);
    expect(ipMatches('localhost', 'localhost')).toBe(false);
  });

  it('matches MACs ignoring case, or by wildcard', () => {
    expect(macMatches('AABBCCDDEEFF', 'aabbccddeeff')).toBe(true);
    expect(macMatches('*', 'anything')).toBe(true);
    expect(macMatches('000000000001', 'FFFFFFFFFFFF')).toBe(false);
  });

  it('decodes only strict Base64', () => {
    expect(decodeBase64Strict('VEVTVF9BVVRIX0tFWV8wMDE=')?.toString()).toBe('TEST_AUTH_KEY_001');
    expect(decodeBase64Strict('TEST_AUTH_KEY_001')).toBeNull();
    expect(decodeBase64Strict('abc')).toBeNull();
    expect(decodeBase64Strict('')).toBeNull();
    expect(decodeBase64Strict(42)).toBeNull();
    expect(decodeBase64Strict(undefined)).toBeNull();
  });

  it('compares keys exactly (any length) or by wildcard', () => {
    expect(keyMatches('TEST_AUTH_KEY_001', Buffer.from('TEST_AUTH_KEY_001'))).toBe(true);
    expect(keyMatches('TEST_AUTH_KEY_001', Buffer.from('TEST_AUTH_KEY_00'))).toBe(false);
    expect(keyMatches('*', Buffer.from('whatever'))).toBe(true);
  });

  it('requires one entry to match IP, MAC and key together', () => {
    const entries = [
      { ip: '127.0.0.1', mac: '000000000001', authKey: 'K1' },
      { ip: '10.0.0.0/8', mac: '*', authKey: 'K2' },
    ];
    expect(findAllowedClient(entries, '127.0.0.1', '000000000001', Buffer.from('K1'))).toBe(
      entries[0],
    );
    expect(findAllowedClient(entries, '10.9.9.9', 'ABC', Buffer.from('K2'))).toBe(entries[1]);
    // IP of entry 1 with key of entry 2: no single entry allows it
    expect(findAllowedClient(entries, '127.0.0.1', '000000000001', Buffer.from('K2'))).toBe(
      undefined,
    );
  });

  it('an entry with cert-cn allows only a verified client certificate with that CN', () => {
    const entries = [{ ip: '*', mac: '*', authKey: 'K', certCn: 'client-a' }];
    const key = Buffer.from('K');
    expect(findAllowedClient(entries, '10.0.0.1', 'M', key, 'client-a')).toBe(entries[0]);
    expect(findAllowedClient(entries, '10.0.0.1', 'M', key, 'client-b')).toBe(undefined);
    expect(findAllowedClient(entries, '10.0.0.1', 'M', key, null)).toBe(undefined);
    expect(
      findAllowedClient([{ ip: '*', mac: '*', authKey: 'K' }], '1.2.3.4', 'M', key, 'x'),
    ).toEqual({ ip: '*', mac: '*', authKey: 'K' });
  });
});
