import { ResultCode, type DbQueryResponseBody } from '../../../libs/insupc-protocol/src';
import type { Scenario } from './scenario';

export interface ApiCatalog {
  /** API names `strict` scenarios accept; others get RESULT 0x10. */
  known: ReadonlySet<string>;
  /** API names starting with this get RESULT 0x02 NO_DATA in every answering scenario. */
  noDataPrefix: string;
}

export interface QueryAnswer extends DbQueryResponseBody {
  result: ResultCode;
}

/**
 * What an instance answers to one DB_QUERY; undefined = no answer (`ignore`). Pure: the
 * connection encodes and writes it.
 */
export function answerQuery(
  scenario: Scenario,
  apis: ApiCatalog,
  server: string,
  apiName: string | undefined,
  inputParams: readonly string[],
): QueryAnswer | undefined {
  switch (scenario.query) {
    case 'ignore':
    case 'close':
      return undefined;
    case 'busy':
      return { result: ResultCode.SERVER_BUSY, errorText: `${server} busy` };
    case 'answer':
    case 'strict':
      break;
  }
  if (apiName === undefined) {
    return { result: ResultCode.INVALID_PARAM, errorText: 'missing API_NAME' };
  }
  if (apis.noDataPrefix && apiName.startsWith(apis.noDataPrefix)) {
    return { result: ResultCode.NO_DATA };
  }
  if (scenario.query === 'strict' && !apis.known.has(apiName)) {
    return { result: ResultCode.QUERY_ERROR, errorText: `unknown API: ${apiName}` };
  }
  return {
    result: ResultCode.SUCCESS,
    sqlOutput: JSON.stringify({ apiName, inputParams, result: 'OK', server }),
  };
}
