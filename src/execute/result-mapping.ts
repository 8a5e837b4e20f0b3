/**
 * INSUPC answer / transport error → SIPSVC execute reply (sipsvc-json-protocol.md §3).
 * Pure functions: the pipeline calls them once per finished request.
 */
import { formatHexByte, ResultCode } from '../../libs/insupc-protocol/src/constants';
import { InsupcAnswer, InsupcQueryError } from '../contracts/insupc-query.port';
import { RawJson } from '../contracts/raw-json';
import { SipsvcReply } from '../contracts/sipsvc-message';
import { ResultText, SipsvcResult, SipsvcResultCode } from '../contracts/sipsvc-result';
import { isCanonicalJson } from './canonical-json';

/** `"0x10"` for every byte, built once (statistics keys and `insupcResult` use it). */
const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => formatHexByte(b));

export function insupcResultText(result: number): string {
  return HEX_BYTE[result & 0xff];
}

export function reply(result: SipsvcResultCode, resultDesc: string): SipsvcReply {
  return { result, resultCode: result, resultDesc };
}

/** Maps an INSUPC answer whatever its RESULT byte. */
export function replyFromAnswer(answer: InsupcAnswer): SipsvcReply {
  switch (answer.result) {
    case ResultCode.SUCCESS:
      return successReply(answer);
    case ResultCode.NO_DATA:
      return reply(SipsvcResult.NO_DATA, ResultText.NO_DATA);
    default: {
      // 0x10, 0x11, 0x30 per spec; any other byte is equally "the backend said no".
      const hex = insupcResultText(answer.result);
      return {
        result: SipsvcResult.BACKEND_ERROR,
        resultCode: SipsvcResult.BACKEND_ERROR,
        resultDesc: answer.errorText || `INSUPC error ${hex}`,
        insupcResult: hex,
      };
    }
  }
}

function successReply(answer: InsupcAnswer): SipsvcReply {
  let data: unknown = {};
  if (answer.sqlOutput !== undefined && isCanonicalJson(answer.sqlOutput)) {
    // already the JSON the reply carries: written as it is (RawJson), not parsed + serialised
    data = new RawJson(answer.sqlOutput);
  } else if (answer.sqlOutput !== undefined && answer.sqlOutput !== '') {
    try {
      data = JSON.parse(answer.sqlOutput);
    } catch {
      // A success whose payload the client cannot use is reported as a backend fault.
      return {
        result: SipsvcResult.BACKEND_ERROR,
        resultCode: SipsvcResult.BACKEND_ERROR,
        resultDesc: 'INSUPC returned SQL_OUTPUT that is not valid JSON',
        insupcResult: insupcResultText(answer.result),
      };
    }
  }
  return {
    result: SipsvcResult.SUCCESS,
    resultCode: SipsvcResult.SUCCESS,
    resultDesc: ResultText.SUCCESS,
    data,
  };
}

/** Maps a rejected query. Anything that is not an InsupcQueryError is an internal fault. */
export function replyFromQueryError(err: unknown): SipsvcReply {
  if (err instanceof InsupcQueryError) {
    switch (err.code) {
      case 'NO_BACKEND':
        return reply(SipsvcResult.NO_BACKEND, ResultText.NO_BACKEND);
      case 'CONNECTION_LOST':
        return reply(SipsvcResult.CONNECTION_LOST, ResultText.CONNECTION_LOST);
      case 'TIMEOUT':
        return reply(SipsvcResult.TIMEOUT, ResultText.TIMEOUT);
      case 'SHUTTING_DOWN':
        return reply(SipsvcResult.INTERNAL_ERROR, ResultText.SHUTTING_DOWN);
      case 'INVALID_REQUEST':
        return reply(SipsvcResult.INVALID_REQUEST, err.message);
    }
  }
  return reply(SipsvcResult.INTERNAL_ERROR, 'Internal error');
}
