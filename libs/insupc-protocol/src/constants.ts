/** Wire constants of the INSUPC binary protocol (shared/spec/insupc-binary-protocol.md). */

export const HEADER_SIZE = 62;
/** Spec default for `insupc.max-frame-bytes`. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
export const SESSION_ID_SIZE = 32;
export const SVC_ID_SIZE = 4;
export const DEFAULT_SVC_ID = '0001';
/** TYPE (2) + LENGTH (2) in front of every parameter value. */
export const PARAM_HEADER_SIZE = 4;
/** LENGTH is a uint16. */
export const MAX_PARAM_VALUE_BYTES = 0xffff;
export const LOGON_FIELD_SIZE = 16;
export const LOGON_INFO_SIZE = 3 * LOGON_FIELD_SIZE;

/** Byte offsets of the header fields. */
export const Offset = {
  MSG_LEN: 0,
  MSG_CODE: 4,
  SVCA: 5,
  DVCA: 6,
  RESULT: 7,
  AS_ID: 8,
  TRANSACTION_ID: 10,
  SESSION_ID: 14,
  SVC_ID: 46,
  PARAM_COUNT: 50,
  RESERVED: 52,
} as const;

export enum NodeType {
  AS = 0x11,
  INSUPC = 0xa2,
}

export enum MsgCode {
  DB_QUERY_REQUEST = 0x01,
  DB_QUERY_RESPONSE = 0x02,
  DB_ACCESS_REQUEST = 0x03,
  DB_ACCESS_RESPONSE = 0x04,
  DB_NETTEST_REQUEST = 0x05,
  DB_NETTEST_RESPONSE = 0x06,
  DB_STATUS_REQUEST = 0x07,
  DB_STATUS_RESPONSE = 0x08,
  DB_RELEASE_REQUEST = 0x09,
}

export enum ResultCode {
  /** RESULT in every request. */
  NONE = 0x00,
  SUCCESS = 0x01,
  NO_DATA = 0x02,
  QUERY_ERROR = 0x10,
  INVALID_PARAM = 0x11,
  LOGIN_DENIED = 0x20,
  SERVER_BUSY = 0x30,
}

export enum ParamType {
  API_NAME = 0x0001,
  INPUT_PARAM = 0x0002,
  SQL_OUTPUT = 0x0003,
  ERROR_TEXT = 0x0004,
  DB_STATUS = 0x0006,
  DB_LOGON_INFO = 0x0007,
}

export const DB_STATUSES = ['MA', 'MS', 'MB', 'DA', 'DS', 'DB'] as const;
/** Category (M = Main, D = DR) then state (A = Active, S = Standby, B = Block). */
export type DbStatus = (typeof DB_STATUSES)[number];

export function isDbStatus(value: unknown): value is DbStatus {
  return typeof value === 'string' && (DB_STATUSES as readonly string[]).includes(value);
}

/** A block status (`MB`, `DB`): the server takes no new requests. */
export function isBlockedStatus(status: DbStatus): boolean {
  return status[1] === 'B';
}

/** A RESULT (or any) byte as it appears in log lines: `0x20`, `0xA2`. */
export function formatHexByte(value: number): string {
  return '0x' + (value & 0xff).toString(16).toUpperCase().padStart(2, '0');
}

export function isMsgCode(value: number): value is MsgCode {
  return value >= MsgCode.DB_QUERY_REQUEST && value <= MsgCode.DB_RELEASE_REQUEST;
}

/** `DB_QUERY_REQUEST`, or `UNKNOWN(0x42)` for a code outside the spec. */
export function msgCodeName(code: number): string {
  return isMsgCode(code) ? MsgCode[code] : `UNKNOWN(${formatHexByte(code)})`;
}
