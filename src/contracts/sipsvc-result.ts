/** SIPSVC result codes and their exact texts (sipsvc-json-protocol.md section 3). */
export const SipsvcResult = {
  SUCCESS: 0,
  AUTH_FAILED: -1,
  INVALID_REQUEST: 1,
  NOT_AUTHENTICATED: 2,
  SERVICE_BLOCKED: 3,
  TPS_LIMIT_EXCEEDED: 4,
  NO_BACKEND: 5,
  TIMEOUT: 6,
  BACKEND_ERROR: 7,
  NO_DATA: 8,
  CONNECTION_LOST: 9,
  INTERNAL_ERROR: 18,
} as const;
export type SipsvcResultCode = (typeof SipsvcResult)[keyof typeof SipsvcResult];

export const ResultText = {
  SUCCESS: 'Completed successfully',
  NOT_AUTHENTICATED: 'Not authenticated',
  INVALID_TOKEN: 'Invalid token',
  MALFORMED_JSON: 'Malformed JSON',
  SERVICE_BLOCKED: 'Service blocked',
  TPS_LIMIT_EXCEEDED: 'TPS limit exceeded',
  NO_BACKEND: 'No INSUPC server available',
  TIMEOUT: 'Session timeout',
  NO_DATA: 'No data',
  CONNECTION_LOST: 'INSUPC connection lost',
  RECV_QUEUE_FULL: 'Server overloaded',
  WORKER_QUEUE_FULL: 'WorkerQueue saturated - all worker queues are full',
  MAX_SESSIONS: 'Maximum concurrent sessions exceeded',
  SHUTTING_DOWN: 'Server shutting down',
} as const;
