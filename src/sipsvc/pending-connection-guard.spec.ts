import { Logger } from '@nestjs/common';
import { PendingConnectionGuard } from './pending-connection-guard';
import { SipsvcConnection } from './sipsvc-connection';
import { SipsvcConnectionRegistry } from './sipsvc-connection-registry';

let nextId = 1;
const conn = (ip: string) =>
  ({
    connectionId: nextId++,
    clientIp: ip,
    authenticated: false,
    closed: false,
  }) as SipsvcConnection;

function setup() {
  const registry = new SipsvcConnectionRegistry();
  const warnings: string[] = [];
  const log = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
  return { registry, warnings, guard: new PendingConnectionGuard(registry, log) };
}

const limits = { maxPendingConnections: 4, maxPendingPerIp: 2 };

describe('PendingConnectionGuard (operations.md §6.3)', () => {
  it('caps unauthenticated connections per address, then in all', () => {
    const { registry, guard } = setup();
    for (const ip of ['10.0.0.1', '10.0.0.1']) registry.add(conn(ip));
    expect(guard.admits('10.0.0.1', limits, 0)).toBe(false);
    expect(guard.admits('10.0.0.2', limits, 0)).toBe(true);
    for (const ip of ['10.0.0.2', '10.0.0.3']) registry.add(conn(ip));
    expect(guard.admits('10.0.0.4', limits, 0)).toBe(false);
  });

  it('an authenticated or closed connection frees its place', () => {
    const { registry, guard } = setup();
    const a = conn('10.0.0.1');
    const b = conn('10.0.0.1');
    registry.add(a);
    registry.add(b);
    expect(guard.admits('10.0.0.1', limits, 0)).toBe(false);
    expect(registry.tryAuthenticate(a, 10)).toBe(true);
    expect(registry.pending).toBe(1);
    expect(guard.admits('10.0.0.1', limits, 0)).toBe(true);
    registry.remove(b);
    registry.remove(a);
    expect(registry.pending).toBe(0);
    expect(registry.pendingFrom('10.0.0.1')).toBe(0);
  });

  it('WARNs at most once a second, with the count left out since the previous line', () => {
    const { registry, guard, warnings } = setup();
    registry.add(conn('10.0.0.1'));
    registry.add(conn('10.0.0.1'));
    for (let t = 0; t < 1000; t += 100) guard.admits('10.0.0.1', limits, t);
    guard.admits('10.0.0.1', limits, 1000);
    expect(warnings).toEqual([
      'Unauthenticated connection refused - max-pending-per-ip (2) reached for 10.0.0.1, closed at once',
      'Unauthenticated connection refused - max-pending-per-ip (2) reached for 10.0.0.1, closed at once (+9 more since the previous line)',
    ]);
  });

  it('TLS connections still in their handshake count against max-pending-connections', () => {
    const { registry, guard } = setup();
    registry.add(conn('10.0.0.1'));
    expect(guard.admits('10.0.0.2', limits, 0, 2)).toBe(true);
    expect(guard.admits('10.0.0.2', limits, 0, 3)).toBe(false);
  });
});
