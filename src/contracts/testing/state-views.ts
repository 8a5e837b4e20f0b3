import {
  InsupcStateView,
  SegwStateSource,
  SessionStateView,
  SipsvcStateView,
} from '../state-sources';

/**
 * Whole read-only views for specs: every method answers "nothing there" (0, empty, not
 * listening) unless `overrides` says otherwise, so a spec names only what it checks and
 * needs no cast.
 */
export const sipsvcView = (overrides: Partial<SipsvcStateView> = {}): SipsvcStateView => ({
  isListening: () => false,
  port: () => 0,
  describeConnections: () => ({ total: 0, authenticated: 0, connections: [] }),
  recvQueueSize: () => 0,
  ...overrides,
});

export const insupcView = (overrides: Partial<InsupcStateView> = {}): InsupcStateView => ({
  describeServers: () => [],
  routableServerCount: () => 0,
  pendingRequests: () => 0,
  onServerAvailability: () => () => undefined,
  ...overrides,
});

export const sessionView = (overrides: Partial<SessionStateView> = {}): SessionStateView => ({
  describeSessions: () => ({ currentSessions: 0 }),
  messageMappingSize: () => 0,
  workerQueueSize: () => 0,
  busyWorkers: () => 0,
  ...overrides,
});

export const segwView = (overrides: Partial<SegwStateSource> = {}): SegwStateSource => ({
  readiness: () => ({ ready: true, detail: {} }),
  ...overrides,
});
