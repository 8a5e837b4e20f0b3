import {
  HEADER_SIZE,
  LOGON_FIELD_SIZE,
  LOGON_INFO_SIZE,
  Offset,
  PARAM_HEADER_SIZE,
  ParamType,
  SESSION_ID_SIZE,
  SVC_ID_SIZE,
  formatHexByte,
  msgCodeName,
} from './constants';
import { readPaddedString } from './frame';

/** Values longer than this are shown cut, with the number of bytes left out. */
const MAX_SHOWN_VALUE_BYTES = 256;
const MASK = '********';

const hex = (buf: Buffer, start: number, end: number): string =>
  buf
    .toString('hex', start, Math.min(end, start + MAX_SHOWN_VALUE_BYTES))
    .replace(/(..)(?!$)/g, '$1 ') +
  (end - start > MAX_SHOWN_VALUE_BYTES ? ` …(+${end - start - MAX_SHOWN_VALUE_BYTES} bytes)` : '');

function paramTypeName(type: number): string {
  const name = ParamType[type] as string | undefined;
  return `${name ?? 'UNKNOWN'}(0x${type.toString(16).toUpperCase().padStart(4, '0')})`;
}

function shownText(buf: Buffer, start: number, end: number): string {
  const cut = Math.min(end, start + MAX_SHOWN_VALUE_BYTES);
  const more = end - cut > 0 ? ` …(+${end - cut} bytes)` : '';
  return JSON.stringify(buf.toString('utf8', start, cut)) + more;
}

/** DB_LOGON_INFO: system name and logon id shown, the password masked in text and hex. */
function logonInfo(buf: Buffer, start: number, end: number): { value: string; hex: string } {
  if (end - start !== LOGON_INFO_SIZE) return { value: MASK, hex: MASK };
  const systemName = readPaddedString(buf, start, LOGON_FIELD_SIZE);
  const logonId = readPaddedString(buf, start + LOGON_FIELD_SIZE, LOGON_FIELD_SIZE);
  const shown = hex(buf, start, start + 2 * LOGON_FIELD_SIZE);
  return {
    value: `systemName=${JSON.stringify(systemName)} logonId=${JSON.stringify(logonId)} password=${MASK}`,
    hex: `${shown} ${MASK}`,
  };
}

/**
 * An INSUPC frame as a readable tree, for the `logging.insupc-frames` trace: the header
 * fields (message code name, RESULT, TRANSACTION_ID, SESSION_ID, ...) and every parameter
 * (type, length, value), each line with its bytes in hex beside it. The logon password is
 * masked. Pure; tolerates malformed bytes (shows what it can, then the rest as hex).
 */
export function formatFrameTree(frame: Buffer): string {
  if (frame.length < HEADER_SIZE) {
    return `(${frame.length} bytes, shorter than a header) | ${hex(frame, 0, frame.length)}`;
  }
  const code = frame[Offset.MSG_CODE];
  const paramCount = frame.readUInt16LE(Offset.PARAM_COUNT);
  const lines = [
    `${msgCodeName(code)} msgLen=${frame.readUInt32LE(Offset.MSG_LEN)} result=${formatHexByte(frame[Offset.RESULT])}` +
      ` txid=${frame.readUInt32LE(Offset.TRANSACTION_ID)}` +
      ` session=${JSON.stringify(readPaddedString(frame, Offset.SESSION_ID, SESSION_ID_SIZE))}` +
      ` svcId=${JSON.stringify(readPaddedString(frame, Offset.SVC_ID, SVC_ID_SIZE))}` +
      ` asId=${frame.readUInt16LE(Offset.AS_ID)} svca=${formatHexByte(frame[Offset.SVCA])}` +
      ` dvca=${formatHexByte(frame[Offset.DVCA])} params=${paramCount}` +
      ` | ${hex(frame, 0, HEADER_SIZE)}`,
  ];
  let off = HEADER_SIZE;
  for (let i = 0; i < paramCount; i++) {
    if (off + PARAM_HEADER_SIZE > frame.length) break;
    const type = frame.readUInt16LE(off);
    const len = frame.readUInt16LE(off + 2);
    const start = off + PARAM_HEADER_SIZE;
    const end = start + len;
    if (end > frame.length) break;
    const shown =
      type === ParamType.DB_LOGON_INFO
        ? logonInfo(frame, start, end)
        : { value: shownText(frame, start, end), hex: hex(frame, start, end) };
    const valueHex = shown.hex ? ` ${shown.hex}` : '';
    lines.push(
      `  ${paramTypeName(type)} len=${len} ${shown.value} | ${hex(frame, off, start)}${valueHex}`,
    );
    off = end;
  }
  if (off < frame.length) {
    lines.push(`  (${frame.length - off} bytes not parsed) | ${hex(frame, off, frame.length)}`);
  }
  return lines.join('\n');
}
