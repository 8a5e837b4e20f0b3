/**
 * What the operations side (GET /state, /insupclient/v1/status, /health/ready, graceful
 * shutdown) reads from each feature module. Each feature module provides its token
 * (`{ provide: SIPSVC_STATE, useExisting: SipsvcServer }`) and exports it; the operations
 * modules import the feature modules and inject the tokens with @Optional().
 */

export const SIPSVC_STATE = Symbol('SIPSVC_STATE');
export const INSUPC_STATE = Symbol('INSUPC_STATE');
export const SESSION_STATE = Symbol('SESSION_STATE');
export const SEGW_STATE = Symbol('SEGW_STATE');

export interface SipsvcConnectionState {
  connectionId: number;
  clientIp: string;
  clientPort: number;
  authenticated: boolean;
  /** ISO-8601 */
  connectionTime: string;
  lastActivityTime: string;
  totalRequests: number;
  lastHeartbeatTime: string | null;
}

export interface SipsvcStateSource {
  /** the SIPSVC TCP listener is bound and accepting. */
  isListening(): boolean;
  /** bound port (differs from config when it says 0). */
  port(): number;
  describeConnections(): {
    total: number;
    authenticated: number;
    connections: SipsvcConnectionState[];
  };
  /** messages waiting in the SIPSVC receive queue. */
  recvQueueSize(): number;
  /** metrics: open connections by state, without building the per-connection list. */
  connectionCounts?(): { authenticated: number; pending: number };
  /** graceful shutdown step 1: close the listener (existing connections stay). */
  stopAccepting(): Promise<void>;
}

export interface InsupcServerState {
  name: string;
  host: string;
  port: number;
  dbStatus: string;
  /** ISO-8601, null before the first status. */
  lastStatusUpdate: string | null;
  availableConnections: number;
  activeRequests: number;
  totalConnections: number;
  isAvailable: boolean;
  /** taken out of rotation by an operator (drain): connected, but sent no new queries. */
  drained: boolean;
}

export interface InsupcStateSource {
  describeServers(): InsupcServerState[];
  /**
   * servers the router would send a request to now: a routable status (not xB) and a
   * connection that takes queries (READY, write backlog under the limit).
   */
  routableServerCount(): number;
  /** requests written and awaiting an INSUPC answer, all servers. */
  pendingRequests(): number;
  /** graceful shutdown last step: DB_RELEASE_REQUEST on every connection, then close. */
  release(): Promise<void>;
  /**
   * `listener(server, loggedOn)` is called whenever the number of logged-on (READY)
   * connections of a server changes (`server` = `insupc.clients[].name`). Returns the
   * function that unsubscribes.
   */
  onServerAvailability(listener: (server: string, loggedOn: number) => void): () => void;
}

export interface SessionStateSource {
  /** /state `sessionStats`: at least `currentSessions`. */
  describeSessions(): { currentSessions: number; [key: string]: unknown };
  /** request sessions (execute → INSUPC mappings) now open. */
  messageMappingSize(): number;
  /** executes waiting in the worker queue. */
  workerQueueSize(): number;
  /** INSUPC answers waiting in the INSUPC receive queue (optional: counted as 0 if absent). */
  insupcRecvQueueSize?(): number;
  /** metrics: load level, 0 Normal, 1 Warning, 2 Critical, 3 Overload. */
  loadLevel?(): number;
  /** graceful shutdown: refuse new executes with a clear error from now on. */
  refuseNew(): void;
  /** resolves when no request session is open (or at once when none is). */
  drained(): Promise<void>;
}

export interface SegwStateSource {
  /** for /health/ready when segw.enabled: VICI up and every managed connection UP (never with none). */
  readiness(): { ready: boolean; detail: Record<string, unknown> };
  /** metrics: each managed connection's state (UP, CONNECTING, DOWN, FAILED). */
  connectionStates?(): { name: string; state: string }[];
}
