import {
  DEFAULT_SVC_ID,
  HEADER_SIZE,
  LOGON_FIELD_SIZE,
  LOGON_INFO_SIZE,
  MAX_PARAM_VALUE_BYTES,
  MsgCode,
  NodeType,
  Offset,
  PARAM_HEADER_SIZE,
  ParamType,
  ResultCode,
  SESSION_ID_SIZE,
  SVC_ID_SIZE,
  type DbStatus,
} from './constants';
import type { FrameHeader } from './frame';

/**
 * Header fields the caller chooses for a typed message; MSG_CODE, SVCA, DVCA and RESULT
 * follow from the message itself. A response echoes the request's values.
 */
export interface MessageHeader {
  asId: number;
  transactionId: number;
  sessionId: string;
  /** defaults to `"0001"`. */
  svcId?: string;
}

export interface Param {
  type: number;
  value: string | Buffer;
}

export interface DbLogonInfo {
  systemName: string;
  logonId: string;
  password: string;
}

function byteLength(value: string | Buffer): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

function checkParamLength(type: number, len: number): void {
  if (len > MAX_PARAM_VALUE_BYTES) {
    throw new RangeError(`parameter type ${type}: ${len} bytes > ${MAX_PARAM_VALUE_BYTES}`);
  }
}

/**
 * Writes a NUL-padded fixed-size string field; a value that does not fit is a caller bug.
 * The error names the field and the sizes, never the value: a logon field is a secret.
 */
function writePadded(
  buf: Buffer,
  value: string,
  offset: number,
  size: number,
  field: string,
): void {
  const written = buf.write(value, offset, size, 'utf8');
  if (written < Buffer.byteLength(value, 'utf8')) {
    throw new RangeError(
      `${field}: ${Buffer.byteLength(value, 'utf8')} bytes do not fit its ${size}-byte field`,
    );
  }
  buf.fill(0, offset + written, offset + size);
}

function allocFrame(
  totalLength: number,
  msgCode: number,
  svca: number,
  dvca: number,
  result: number,
  h: MessageHeader,
  paramCount: number,
): Buffer {
  const buf = Buffer.allocUnsafe(totalLength);
  buf.writeUInt32LE(totalLength, Offset.MSG_LEN);
  buf[Offset.MSG_CODE] = msgCode;
  buf[Offset.SVCA] = svca;
  buf[Offset.DVCA] = dvca;
  buf[Offset.RESULT] = result;
  buf.writeUInt16LE(h.asId, Offset.AS_ID);
  buf.writeUInt32LE(h.transactionId >>> 0, Offset.TRANSACTION_ID);
  writePadded(buf, h.sessionId, Offset.SESSION_ID, SESSION_ID_SIZE, 'SESSION_ID');
  writePadded(buf, h.svcId ?? DEFAULT_SVC_ID, Offset.SVC_ID, SVC_ID_SIZE, 'SVC_ID');
  buf.writeUInt16LE(paramCount, Offset.PARAM_COUNT);
  buf.fill(0, Offset.RESERVED, HEADER_SIZE);
  return buf;
}

/** Writes one TLV whose value byte length `len` is already known; returns the next offset. */
function writeParam(
  buf: Buffer,
  off: number,
  type: number,
  value: string | Buffer,
  len: number,
): number {
  buf.writeUInt16LE(type, off);
  buf.writeUInt16LE(len, off + 2);
  off += PARAM_HEADER_SIZE;
  if (typeof value === 'string') buf.write(value, off, len, 'utf8');
  else value.copy(buf, off);
  return off + len;
}

/** The generic encoder every typed encoder is a shortcut for. */
export function encodeFrame(header: FrameHeader, params: readonly Param[] = []): Buffer {
  const lengths = params.map((p) => byteLength(p.value));
  let total = HEADER_SIZE;
  for (let i = 0; i < params.length; i++) {
    checkParamLength(params[i].type, lengths[i]);
    total += PARAM_HEADER_SIZE + lengths[i];
  }
  const buf = allocFrame(
    total,
    header.msgCode,
    header.svca,
    header.dvca,
    header.result,
    header,
    params.length,
  );
  let off = HEADER_SIZE;
  for (let i = 0; i < params.length; i++) {
    off = writeParam(buf, off, params[i].type, params[i].value, lengths[i]);
  }
  return buf;
}

function asToInsupc(msgCode: MsgCode, h: MessageHeader, result = ResultCode.NONE): Buffer {
  return allocFrame(HEADER_SIZE, msgCode, NodeType.AS, NodeType.INSUPC, result, h, 0);
}

/** A response/request from INSUPC carrying only optional string params (undefined = absent). */
function insupcToAs(
  msgCode: MsgCode,
  h: MessageHeader,
  result: number,
  type1: ParamType,
  value1: string | undefined,
  type2: ParamType,
  value2: string | undefined,
): Buffer {
  const len1 = value1 === undefined ? -1 : Buffer.byteLength(value1, 'utf8');
  const len2 = value2 === undefined ? -1 : Buffer.byteLength(value2, 'utf8');
  let total = HEADER_SIZE;
  let count = 0;
  if (len1 >= 0) {
    checkParamLength(type1, len1);
    total += PARAM_HEADER_SIZE + len1;
    count++;
  }
  if (len2 >= 0) {
    checkParamLength(type2, len2);
    total += PARAM_HEADER_SIZE + len2;
    count++;
  }
  const buf = allocFrame(total, msgCode, NodeType.INSUPC, NodeType.AS, result, h, count);
  let off = HEADER_SIZE;
  if (len1 >= 0) off = writeParam(buf, off, type1, value1!, len1);
  if (len2 >= 0) writeParam(buf, off, type2, value2!, len2);
  return buf;
}

// ---- gateway (AS) → INSUPC ----

export function encodeDbQueryRequest(
  h: MessageHeader,
  apiName: string,
  inputParams: readonly string[],
): Buffer {
  const apiLen = Buffer.byteLength(apiName, 'utf8');
  checkParamLength(ParamType.API_NAME, apiLen);
  let total = HEADER_SIZE + PARAM_HEADER_SIZE + apiLen;
  for (let i = 0; i < inputParams.length; i++) {
    const len = Buffer.byteLength(inputParams[i], 'utf8');
    checkParamLength(ParamType.INPUT_PARAM, len);
    total += PARAM_HEADER_SIZE + len;
  }
  const buf = allocFrame(
    total,
    MsgCode.DB_QUERY_REQUEST,
    NodeType.AS,
    NodeType.INSUPC,
    ResultCode.NONE,
    h,
    1 + inputParams.length,
  );
  let off = writeParam(buf, HEADER_SIZE, ParamType.API_NAME, apiName, apiLen);
  for (let i = 0; i < inputParams.length; i++) {
    const value = inputParams[i];
    off = writeParam(buf, off, ParamType.INPUT_PARAM, value, Buffer.byteLength(value, 'utf8'));
  }
  return buf;
}

export function encodeDbAccessRequest(h: MessageHeader, logon: DbLogonInfo): Buffer {
  const total = HEADER_SIZE + PARAM_HEADER_SIZE + LOGON_INFO_SIZE;
  const buf = allocFrame(
    total,
    MsgCode.DB_ACCESS_REQUEST,
    NodeType.AS,
    NodeType.INSUPC,
    ResultCode.NONE,
    h,
    1,
  );
  buf.writeUInt16LE(ParamType.DB_LOGON_INFO, HEADER_SIZE);
  buf.writeUInt16LE(LOGON_INFO_SIZE, HEADER_SIZE + 2);
  const base = HEADER_SIZE + PARAM_HEADER_SIZE;
  writePadded(buf, logon.systemName, base, LOGON_FIELD_SIZE, 'SYSTEM_NAME');
  writePadded(buf, logon.logonId, base + LOGON_FIELD_SIZE, LOGON_FIELD_SIZE, 'LOGON_ID');
  writePadded(buf, logon.password, base + 2 * LOGON_FIELD_SIZE, LOGON_FIELD_SIZE, 'PASSWORD');
  return buf;
}

export function encodeDbNettestRequest(h: MessageHeader): Buffer {
  return asToInsupc(MsgCode.DB_NETTEST_REQUEST, h);
}

/** The gateway's answer to a DB_STATUS_REQUEST (same TRANSACTION_ID). */
export function encodeDbStatusResponse(h: MessageHeader, result = ResultCode.SUCCESS): Buffer {
  return asToInsupc(MsgCode.DB_STATUS_RESPONSE, h, result);
}

export function encodeDbReleaseRequest(h: MessageHeader): Buffer {
  return asToInsupc(MsgCode.DB_RELEASE_REQUEST, h);
}

// ---- INSUPC → gateway ----

export interface DbQueryResponseBody {
  /** JSON text; usually present on SUCCESS. */
  sqlOutput?: string;
  /** reason; optional for RESULT ≠ SUCCESS. */
  errorText?: string;
}

export function encodeDbQueryResponse(
  h: MessageHeader,
  result: number,
  body: DbQueryResponseBody = {},
): Buffer {
  return insupcToAs(
    MsgCode.DB_QUERY_RESPONSE,
    h,
    result,
    ParamType.SQL_OUTPUT,
    body.sqlOutput,
    ParamType.ERROR_TEXT,
    body.errorText,
  );
}

export function encodeDbAccessResponse(
  h: MessageHeader,
  result: number,
  dbStatus: DbStatus,
  errorText?: string,
): Buffer {
  return insupcToAs(
    MsgCode.DB_ACCESS_RESPONSE,
    h,
    result,
    ParamType.DB_STATUS,
    dbStatus,
    ParamType.ERROR_TEXT,
    errorText,
  );
}

export function encodeDbNettestResponse(
  h: MessageHeader,
  dbStatus: DbStatus,
  result = ResultCode.SUCCESS,
): Buffer {
  return insupcToAs(
    MsgCode.DB_NETTEST_RESPONSE,
    h,
    result,
    ParamType.DB_STATUS,
    dbStatus,
    ParamType.ERROR_TEXT,
    undefined,
  );
}

/** Server-initiated status change announcement; TRANSACTION_ID is the server's own. */
export function encodeDbStatusRequest(h: MessageHeader, dbStatus: DbStatus): Buffer {
  return insupcToAs(
    MsgCode.DB_STATUS_REQUEST,
    h,
    ResultCode.NONE,
    ParamType.DB_STATUS,
    dbStatus,
    ParamType.ERROR_TEXT,
    undefined,
  );
}
