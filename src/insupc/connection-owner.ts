import type { DbStatus } from '../../libs/insupc-protocol/src';
import type { InsupcClientConfig } from '../config/config.schema';
import type { InsupcServerCounters } from './insupc.counters';

/**
 * What one INSUPC connection needs from the server pool that owns it: its configuration and
 * counters, and where to report logon/loss and DB_STATUS. The pool implements it; the
 * connection never imports the pool.
 */
export interface ConnectionOwner {
  /** config `insupc.clients[].name`. */
  readonly name: string;
  readonly config: InsupcClientConfig;
  readonly counters: InsupcServerCounters;
  /** the server's last reported DB_STATUS ("" before the first). */
  readonly dbStatus: string;
  /** queries written to this server and awaiting their answer (all its connections). */
  inFlight: number;
  /** a connection of this server logged on (entered READY). */
  connectionReady(): void;
  /** a READY connection of this server left READY (closed or stopped). */
  connectionLost(): void;
  /** a DB_STATUS reported by a connection (logon, heartbeat answer or push). */
  reportStatus(status: DbStatus): void;
}
