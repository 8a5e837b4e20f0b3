import {
  HEADER_SIZE,
  LOGON_FIELD_SIZE,
  LOGON_INFO_SIZE,
  PARAM_HEADER_SIZE,
  ParamType,
  isDbStatus,
  type DbStatus,
} from './constants';
import type { DbLogonInfo } from './encoder';
import { readPaddedString, type Frame } from './frame';

export interface DbQueryRequest {
  apiName: string;
  inputParams: string[];
}

/**
 * API_NAME and the INPUT_PARAMs in order, in one pass; undefined when API_NAME is missing
 * (the server answers RESULT 0x11 INVALID_PARAM). Unknown parameter types are skipped.
 */
export function decodeDbQueryRequest(frame: Frame): DbQueryRequest | undefined {
  const buf = frame.buffer;
  let apiName: string | undefined;
  const inputParams: string[] = [];
  let off = HEADER_SIZE;
  for (let i = 0; i < frame.paramCount; i++) {
    const type = buf.readUInt16LE(off);
    const start = off + PARAM_HEADER_SIZE;
    const end = start + buf.readUInt16LE(off + 2);
    if (type === ParamType.API_NAME) {
      if (apiName === undefined) apiName = buf.toString('utf8', start, end);
    } else if (type === ParamType.INPUT_PARAM) {
      inputParams.push(buf.toString('utf8', start, end));
    }
    off = end;
  }
  return apiName === undefined ? undefined : { apiName, inputParams };
}

/** DB_LOGON_INFO of a DB_ACCESS_REQUEST; undefined when absent or not 48 bytes. */
export function decodeDbLogonInfo(frame: Frame): DbLogonInfo | undefined {
  const value = frame.param(ParamType.DB_LOGON_INFO);
  if (!value || value.length !== LOGON_INFO_SIZE) return undefined;
  return {
    systemName: readPaddedString(value, 0, LOGON_FIELD_SIZE),
    logonId: readPaddedString(value, LOGON_FIELD_SIZE, LOGON_FIELD_SIZE),
    password: readPaddedString(value, 2 * LOGON_FIELD_SIZE, LOGON_FIELD_SIZE),
  };
}

/** DB_STATUS of a 0x04 / 0x06 / 0x07 frame; undefined when absent or not a known status. */
export function readDbStatus(frame: Frame): DbStatus | undefined {
  const value = frame.param(ParamType.DB_STATUS);
  if (!value || value.length !== 2) return undefined;
  const status = value.toString('latin1');
  return isDbStatus(status) ? status : undefined;
}

export function readSqlOutput(frame: Frame): string | undefined {
  return frame.paramString(ParamType.SQL_OUTPUT);
}

export function readErrorText(frame: Frame): string | undefined {
  return frame.paramString(ParamType.ERROR_TEXT);
}
