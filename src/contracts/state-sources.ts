/**
 * What the operations side (GET /state, /insupclient/v1/status, /health/ready, /metrics,
 * graceful shutdown) reads from each feature module, and what shutdown asks of it. Each
 * feature module provides its token (`{ provide: SIPSVC_STATE, useExisting: SipsvcServer }`)
 * and exports it; the operations modules import the feature modules and inject the tokens
 * with @Optional(). A token's object is a `...StateSource`: a read-only view (what state,
 * health and metrics read) and a shutdown port (what GracefulShutdown calls). Each consumer
 * depends on the half it uses, so a spec's stand-in implements that half whole.
 */

export const SIPSVC_STATE = Symbol('SIPSVC_STATE');
export const INSUPC_STATE = Symbol('INSUPC_STATE');
export const SESSION_STATE = Symbol('SESSION_STATE');
export const SEGW_STATE = Symbol('SEGW_STATE');

/**
 * One SIPSVC connection in GET /state, with the original's types (seed UT_06_004, operations
 * spec §3): times in epoch ms, 0 = never.
 */
export interface SipsvcConnectionState {
  /** `conn_<ip>_<port>` */
  connectionId: string;
  clientIp: string;
  clientPort: number;
  authenticated: boolean;
  connectionTime: number;
  lastActivityTime: number;
  totalRequests: number;
  lastHeartbeatTime: number;
}

/** Read-only view of the SIPSVC side. */
export interface SipsvcStateView {
  /** the SIPSVC TCP listener is bound and accepting. */
  isListening(): boolean;
  /** bound port (differs from config when it says 0). */
  port(): number;
  /** `limit`: list at most this many connections (the counts stay exact). */
  describeConnections(limit?: number): {
    total: number;
    authenticated: number;
    connections: SipsvcConnectionState[];
  };
  /** messages waiting in the SIPSVC receive queue. */
  recvQueueSize(): number;
  /** metrics: open connections by state, without building the per-connection list. */
  connectionCounts?(): { authenticated: number; pending: number };
}

/** What graceful shutdown asks of the SIPSVC side. */
export interface SipsvcShutdownPort {
  /** graceful shutdown step 1: close the listener (existing connections stay). */
  stopAccepting(): Promise<void>;
}

export type SipsvcStateSource = SipsvcStateView & SipsvcShutdownPort;

export interface InsupcServerState {
  name: string;
  host: string;
  port: number;
  dbStatus: string;
  /** epoch ms, 0 before the first status. */
  lastStatusUpdate: number;
  availableConnections: number;
  activeRequests: number;
  totalConnections: number;
  /** the original's meaning: routable and in MA (seed UT_06_004). */
  isAvailable: boolean;
  /** routing may use the server now, in any tier (MA, DA, MS, DS). */
  routable: boolean;
  /** out of rotation after consecutive query failures (operations spec section 7). */
  ejected: boolean;
  /** end of the ejection, epoch ms; 0 when not ejected. */
  ejectedUntil: number;
  /** query timeouts or in-flight losses in a row (a success resets it). */
  consecutiveFailures: number;
  /** queries from this gateway awaiting this server's answer. */
  inFlight: number;
  /** taken out of rotation by an operator (drain): connected, but sent no new queries. */
  drained: boolean;
}

/** The outlier-detection figures of one server, for the metrics. */
export interface InsupcEjectionState {
  server: string;
  ejected: boolean;
  /** ejections since start. */
  ejections: number;
}

/** Read-only view of the INSUPC side. */
export interface InsupcStateView {
  describeServers(): InsupcServerState[];
  /**
   * servers the router would send a request to now: a routable status (not xB), a
   * connection that takes queries (READY, write backlog under the limit), not ejected.
   */
  routableServerCount(): number;
  /** metrics: each server's ejection figures (optional: absent in older sources). */
  ejections?(): InsupcEjectionState[];
  /** requests written and awaiting an INSUPC answer, all servers. */
  pendingRequests(): number;
  /**
   * `listener(server, loggedOn)` is called whenever the number of logged-on (READY)
   * connections of a server changes (`server` = `insupc.clients[].name`). Returns the
   * function that unsubscribes.
   */
  onServerAvailability(listener: (server: string, loggedOn: number) => void): () => void;
}

/** What graceful shutdown asks of the INSUPC side. */
export interface InsupcShutdownPort {
  /** graceful shutdown last step: DB_RELEASE_REQUEST on every connection, then close. */
  release(): Promise<void>;
}

export type InsupcStateSource = InsupcStateView & InsupcShutdownPort;

/** Read-only view of the execute sessions and their queues. */
export interface SessionStateView {
  /** /state `sessionStats`: at least `currentSessions`. */
  describeSessions(): { currentSessions: number; [key: string]: unknown };
  /** request sessions (execute → INSUPC mappings) now open. */
  messageMappingSize(): number;
  /** executes waiting in the worker queue. */
  workerQueueSize(): number;
  /** worker slots busy: queries handed to INSUPC and not yet let go of. */
  busyWorkers(): number;
  /** INSUPC answers waiting in the INSUPC receive queue (optional: counted as 0 if absent). */
  insupcRecvQueueSize?(): number;
  /** metrics: executes sent once more to another INSUPC server (insupc.retry). */
  retries?(): number;
  /** metrics: load level, 0 Normal, 1 Warning, 2 Critical, 3 Overload. */
  loadLevel?(): number;
}

/** What graceful shutdown asks of the execute pipeline. */
export interface SessionShutdownPort {
  /** graceful shutdown: refuse new executes with a clear error from now on. */
  refuseNew(): void;
  /** request sessions (execute → INSUPC mappings) now open. */
  messageMappingSize(): number;
  /** resolves when no request session is open (or at once when none is). */
  drained(): Promise<void>;
}

export type SessionStateSource = SessionStateView & SessionShutdownPort;

export interface SegwStateSource {
  /** for the /health/ready details when segw.enabled (never gating): VICI up and every managed connection UP (never with none). */
  readiness(): { ready: boolean; detail: Record<string, unknown> };
  /** metrics: each managed connection's state (UP, CONNECTING, DOWN, FAILED). */
  connectionStates?(): { name: string; state: string }[];
}
