import { ResultCode } from '../../../libs/insupc-protocol/src';
import { answerQuery, type ApiCatalog } from './query-answer';
import { BUILTIN_SCENARIOS, normalizeScenario } from './scenario';

const apis: ApiCatalog = { known: new Set(['mcidGetProfile']), noDataPrefix: 'noData' };
const scenario = (name: string) => normalizeScenario(name, BUILTIN_SCENARIOS[name]);

describe('answerQuery', () => {
  it('default: SQL_OUTPUT JSON from API_NAME and INPUT_PARAMs, naming the server', () => {
    const a = answerQuery(scenario('default'), apis, 'INSUPC-1', 'anything', ['010', 'x']);
    expect(a?.result).toBe(ResultCode.SUCCESS);
    expect(JSON.parse(a!.sqlOutput!)).toEqual({
      apiName: 'anything',
      inputParams: ['010', 'x'],
      result: 'OK',
      server: 'INSUPC-1',
    });
  });

  it('noData prefix: NO_DATA without SQL_OUTPUT, in answer and strict scenarios', () => {
    for (const s of ['default', 'query_error']) {
      expect(answerQuery(scenario(s), apis, 'S', 'noDataApi', [])).toEqual({
        result: ResultCode.NO_DATA,
      });
    }
  });

  it('strict: unknown API names get QUERY_ERROR with ERROR_TEXT', () => {
    expect(answerQuery(scenario('query_error'), apis, 'S', 'other', [])).toEqual({
      result: ResultCode.QUERY_ERROR,
      errorText: 'unknown API: other',
    });
    expect(answerQuery(scenario('query_error'), apis, 'S', 'mcidGetProfile', [])?.result).toBe(
      ResultCode.SUCCESS,
    );
  });

  it('missing API_NAME: INVALID_PARAM; busy: SERVER_BUSY; ignore: no answer', () => {
    expect(answerQuery(scenario('default'), apis, 'S', undefined, [])?.result).toBe(
      ResultCode.INVALID_PARAM,
    );
    expect(answerQuery(scenario('server_busy'), apis, 'S', 'x', [])?.result).toBe(
      ResultCode.SERVER_BUSY,
    );
    expect(answerQuery(scenario('query_no_response'), apis, 'S', 'x', [])).toBeUndefined();
    expect(answerQuery(scenario('no_response'), apis, 'S', 'x', [])).toBeUndefined();
  });
});
