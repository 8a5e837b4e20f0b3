import { validateConfig } from '../config/config.loader';
import {
  isLoopback,
  isOpenPath,
  peerAddress,
  tokenMatches,
  warnIfAdminOpen,
} from './admin-token.middleware';

describe('tokenMatches', () => {
  it('accepts only the exact token, whatever the lengths', () => {
    expect(tokenMatches('s3cret', 's3cret')).toBe(true);
    expect(tokenMatches('s3cre', 's3cret')).toBe(false);
    expect(tokenMatches('s3cretX', 's3cret')).toBe(false);
    expect(tokenMatches('', 's3cret')).toBe(false);
  });
});

describe('isOpenPath', () => {
  it('opens only probes and the scrape', () => {
    expect(isOpenPath('/health/live')).toBe(true);
    expect(isOpenPath('/health/ready')).toBe(true);
    expect(isOpenPath('/metrics')).toBe(true);
    expect(isOpenPath('/state')).toBe(false);
    expect(isOpenPath('/metrics/../state')).toBe(false);
    expect(isOpenPath('/segw')).toBe(false);
  });
});

describe('loopback peers (operations spec §8.2)', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.7', false],
    ['::ffff:10.0.0.7', false],
    ['fe80::1', false],
    ['1270.0.0.1', false],
    [undefined, false],
  ])('%s loopback: %s', (peer, loopback) => {
    expect(isLoopback(peer)).toBe(loopback);
  });

  it('names an IPv4-mapped peer as IPv4', () => {
    expect(peerAddress('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(peerAddress('2001:db8::7')).toBe('2001:db8::7');
  });

  it('warns once at start when the port listens beyond loopback without a token', () => {
    const warnings: string[] = [];
    const log = { warn: (m: string) => warnings.push(m) };
    const config = (host: string, adminToken = '') =>
      validateConfig({
        server: { host, port: 15020 },
        security: { adminToken },
        insupc: { clients: [{ name: 'A', host: 'h', port: 1 }] },
      });
    expect(warnIfAdminOpen(config('127.0.0.1'), log)).toBe(false);
    expect(warnIfAdminOpen(config('::1'), log)).toBe(false);
    expect(warnIfAdminOpen(config('0.0.0.0', 'tok'), log)).toBe(false);
    expect(warnings).toEqual([]);
    expect(warnIfAdminOpen(config('0.0.0.0'), log)).toBe(true);
    expect(warnings).toEqual([
      expect.stringMatching(/^Admin API listens on 0\.0\.0\.0:15020 without security\.admin-token/),
    ]);
  });
});
