import { InsupcQueryError } from '../contracts/insupc-query.port';
import { RawJson } from '../contracts/raw-json';
import { insupcResultText, replyFromAnswer, replyFromQueryError } from './result-mapping';

describe('result mapping (sipsvc spec §3)', () => {
  const answer = (result: number, extra: object = {}) => ({ server: 'INSUPC-1', result, ...extra });

  it('0x01 → 0 with SQL_OUTPUT as data', () => {
    const success = {
      result: 0,
      resultCode: 0,
      resultDesc: 'Completed successfully',
      data: { name: 'kim', age: 3 },
    };
    // as JSON.stringify writes it: passed on as it is
    const raw = replyFromAnswer(answer(0x01, { sqlOutput: '{"name":"kim","age":3}' }));
    expect(raw.data).toEqual(new RawJson('{"name":"kim","age":3}'));
    expect(JSON.parse(JSON.stringify(raw))).toEqual(success);
    // any other spelling of it: parsed
    const spaced = replyFromAnswer(answer(0x01, { sqlOutput: '{ "name": "kim", "age": 3.0 }' }));
    expect(spaced).toEqual(success);
  });

  it('0x01 without SQL_OUTPUT → 0 with empty data', () => {
    expect(replyFromAnswer(answer(0x01))).toMatchObject({ result: 0, data: {} });
  });

  it('0x01 with SQL_OUTPUT that is not JSON → 7, never a crash', () => {
    expect(replyFromAnswer(answer(0x01, { sqlOutput: '{oops' }))).toMatchObject({
      result: 7,
      resultCode: 7,
      insupcResult: '0x01',
    });
  });

  it('0x02 → 8 No data', () => {
    expect(replyFromAnswer(answer(0x02))).toEqual({
      result: 8,
      resultCode: 8,
      resultDesc: 'No data',
    });
  });

  it.each([0x10, 0x11, 0x30])('0x%s → 7 with insupcResult and ERROR_TEXT', (code) => {
    expect(replyFromAnswer(answer(code, { errorText: 'unknown API' }))).toEqual({
      result: 7,
      resultCode: 7,
      resultDesc: 'unknown API',
      insupcResult: insupcResultText(code),
    });
  });

  it('error without ERROR_TEXT → `INSUPC error 0x..`', () => {
    expect(replyFromAnswer(answer(0x30)).resultDesc).toBe('INSUPC error 0x30');
  });

  it('formats RESULT bytes as two upper-case hex digits', () => {
    expect(insupcResultText(0x10)).toBe('0x10');
    expect(insupcResultText(0xab)).toBe('0xAB');
    expect(insupcResultText(2)).toBe('0x02');
  });

  it.each([
    ['NO_BACKEND', 5, 'No INSUPC server available'],
    ['CONNECTION_LOST', 9, 'INSUPC connection lost'],
    ['TIMEOUT', 6, 'Session timeout'],
    ['SHUTTING_DOWN', 18, 'Server shutting down'],
  ] as const)('%s → %d', (code, result, text) => {
    expect(replyFromQueryError(new InsupcQueryError(code, 'x'))).toEqual({
      result,
      resultCode: result,
      resultDesc: text,
    });
  });

  it('unexpected rejection → 18', () => {
    expect(replyFromQueryError(new Error('boom'))).toMatchObject({ result: 18 });
  });
});
