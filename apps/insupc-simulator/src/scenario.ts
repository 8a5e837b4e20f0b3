import { ResultCode, type DbStatus } from '../../../libs/insupc-protocol/src';

/**
 * How an instance behaves. Every field is optional in YAML; {@link normalizeScenario}
 * fills the `default` behaviour in.
 */
export interface Scenario {
  description: string;
  /** DB_ACCESS: `accept` (RESULT 0x01), `deny` (RESULT `logonResult`), `ignore` (no answer). */
  logon: 'accept' | 'deny' | 'ignore';
  /** RESULT of a denied LOGON; 0x20 LOGIN_DENIED unless set. */
  logonResult: number;
  /** DB_NETTEST: `answer` with the current DB_STATUS, or `ignore`. */
  heartbeat: 'answer' | 'ignore';
  /**
   * DB_QUERY: `answer` (SQL_OUTPUT for every API), `strict` (RESULT 0x10 + ERROR_TEXT for
   * API names not in `apis.known`), `busy` (RESULT 0x30), `ignore` (no answer), `close`
   * (the connection is closed, the query unanswered).
   */
  query: 'answer' | 'strict' | 'busy' | 'ignore' | 'close';
  /** extra response delay for this scenario, added to the global `responseDelayMs`. */
  delayMs: number;
  /** when set, switching to this scenario also sets every instance to this status. */
  dbStatus?: DbStatus;
}

export const BUILTIN_SCENARIOS: Record<string, Partial<Scenario>> = {
  default: { description: 'LOGON OK, heartbeats and queries answered' },
  logon_failure: { description: 'LOGON answered with RESULT 0x20', logon: 'deny' },
  no_response: {
    description: 'TCP accepted, nothing answered',
    logon: 'ignore',
    heartbeat: 'ignore',
    query: 'ignore',
  },
  query_no_response: { description: 'LOGON and heartbeats answered, queries not', query: 'ignore' },
  query_close: {
    description: 'LOGON and heartbeats answered; a query closes its connection unanswered',
    query: 'close',
  },
  query_error: {
    description: 'RESULT 0x10 with ERROR_TEXT for unknown API names',
    query: 'strict',
  },
  server_busy: { description: 'queries answered with RESULT 0x30', query: 'busy' },
};

const LOGON = ['accept', 'deny', 'ignore'] as const;
const HEARTBEAT = ['answer', 'ignore'] as const;
const QUERY = ['answer', 'strict', 'busy', 'ignore', 'close'] as const;

export function normalizeScenario(name: string, s: Partial<Scenario>): Scenario {
  const where = `scenario ${name}`;
  return {
    description: s.description ?? '',
    logon: oneOf(where, 'logon', s.logon ?? 'accept', LOGON),
    logonResult: byte(where, 'logonResult', s.logonResult ?? ResultCode.LOGIN_DENIED),
    heartbeat: oneOf(where, 'heartbeat', s.heartbeat ?? 'answer', HEARTBEAT),
    query: oneOf(where, 'query', s.query ?? 'answer', QUERY),
    delayMs: delayMillis(where, 'delayMs', s.delayMs ?? 0),
    ...(s.dbStatus !== undefined ? { dbStatus: s.dbStatus } : {}),
  };
}

function oneOf<T extends string>(where: string, key: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    throw new Error(`${where}: ${key} must be one of ${allowed.join(', ')} (got ${String(v)})`);
  }
  return v as T;
}

function byte(where: string, key: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 255) {
    throw new Error(`${where}: ${key} must be a byte 0..255 (got ${String(v)})`);
  }
  return v as number;
}

export function nonNegative(where: string, key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new Error(`${where}: ${key} must be a number >= 0 (got ${String(v)})`);
  }
  return v;
}

/** The longest delay a node timer holds; longer ones fire after 1 ms (TimeoutOverflowWarning). */
export const MAX_DELAY_MS = 2 ** 31 - 1;

export const isDelayMillis = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_DELAY_MS;

export function delayMillis(where: string, key: string, v: unknown): number {
  if (!isDelayMillis(v)) {
    throw new Error(`${where}: ${key} must be a number 0..${MAX_DELAY_MS} (got ${String(v)})`);
  }
  return v;
}
