import { Logger } from '@nestjs/common';
import { LogThrottle } from '../common/log-throttle';
import { SipsvcConnectionRegistry } from './sipsvc-connection-registry';

export interface PendingLimits {
  maxPendingConnections: number;
  maxPendingPerIp: number;
}

/**
 * operations.md §6.3: connections not yet authenticated are capped in all
 * (`tcp.server.max-pending-connections`) and per source address
 * (`tcp.server.max-pending-per-ip`). One more is closed at once; the WARN comes at most once
 * a second, counting the ones left out since the previous line.
 */
export class PendingConnectionGuard {
  private readonly warnings = new LogThrottle();

  constructor(
    private readonly registry: SipsvcConnectionRegistry,
    private readonly log: Logger,
  ) {}

  /** `handshaking`: TLS connections still in their handshake, pending too but not registered. */
  admits(ip: string, limits: PendingLimits, now: number, handshaking = 0): boolean {
    let reason: string;
    if (this.registry.pending + handshaking >= limits.maxPendingConnections) {
      reason = `max-pending-connections (${limits.maxPendingConnections}) reached`;
    } else if (this.registry.pendingFrom(ip) >= limits.maxPendingPerIp) {
      reason = `max-pending-per-ip (${limits.maxPendingPerIp}) reached for ${ip}`;
    } else {
      return true;
    }
    const suffix = this.warnings.take(now);
    if (suffix !== null) {
      this.log.warn(`Unauthenticated connection refused - ${reason}, closed at once${suffix}`);
    }
    return false;
  }
}
