import fc from 'fast-check';
import { RAW_NUMBERS, SipsvcRequest } from '../contracts/sipsvc-message';
import { decimalText, parseExecute, reqNoText } from './execute-request';

describe('parseExecute', () => {
  const req = (fields: object) => ({ cmd: 'execute', ...fields });

  it('takes apiName from reqBody, params as given', () => {
    expect(
      parseExecute(
        req({ service: 'x', reqBody: { apiName: 'mcidGetProfile', inputParams: ['010'] } }),
      ),
    ).toEqual({ apiName: 'mcidGetProfile', inputParams: ['010'] });
  });

  it('falls back to service and to no params', () => {
    expect(parseExecute(req({ service: 'mcidGetProfile' }))).toEqual({
      apiName: 'mcidGetProfile',
      inputParams: [],
    });
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['DEL', 'a\u007f'],
    ['a C1 control', '\u0085'],
    ['invalid UTF-8 (decoded to U+FFFD)', Buffer.from([0x61, 0xff, 0x62]).toString('utf8')],
    ['a lone surrogate', 'a\ud800b'],
  ])('issue 14: refuses %s in apiName and in inputParams with result 1', (_what, bad) => {
    expect(parseExecute(req({ reqBody: { apiName: bad } }))).toBe(
      'Invalid field: apiName has a control character or invalid UTF-8',
    );
    expect(parseExecute(req({ reqBody: { apiName: 'a', inputParams: ['ok', bad] } }))).toBe(
      'Invalid field: reqBody.inputParams[1] has a control character or invalid UTF-8',
    );
  });

  it('keeps printable text of every script, surrogate pairs included', () => {
    const text = '홍길동 Ünïcødé 😀 ~!@#';
    expect(parseExecute(req({ reqBody: { apiName: 'a', inputParams: [text] } }))).toEqual({
      apiName: 'a',
      inputParams: [text],
    });
  });

  // 12345678901234567890123 as the client wrote it parses to this
  it.each([1e21, 2 ** 53 + 2, Number('12345678901234567890123'), 1e300, 1e-7])(
    'refuses the number %p that would not go as the decimal text the client wrote',
    (n) => {
      expect(parseExecute(req({ reqBody: { apiName: 'a', inputParams: ['x', n] } }))).toBe(
        'Invalid field: reqBody.inputParams[1] must be a string (number not exactly representable)',
      );
    },
  );

  it('sends safe integers (both limits included) and plain fractions as decimal text', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(
      parseExecute(req({ reqBody: { apiName: 'a', inputParams: [max, -max, 0.1, -0] } })),
    ).toEqual({ apiName: 'a', inputParams: ['9007199254740991', '-9007199254740991', '0.1', '0'] });
  });

  it('property: every accepted number is plain decimal text that parses back to it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger()), (n) => {
        const text = decimalText(n);
        if (text === null) return;
        expect(text).toMatch(/^-?\d+(\.\d+)?$/);
        expect(Number(text)).toBe(n === 0 ? 0 : n);
      }),
      { numRuns: 1000 },
    );
  });

  it('sends numbers as their decimal text', () => {
    expect(parseExecute(req({ reqBody: { apiName: 'a', inputParams: [12, 1.5, 'x'] } }))).toEqual({
      apiName: 'a',
      inputParams: ['12', '1.5', 'x'],
    });
  });

  it.each([
    [{}, 'Missing field: reqBody.apiName (or service)'],
    [{ reqBody: 'str' }, 'Invalid field: reqBody must be an object'],
    [{ reqBody: { apiName: '' } }, 'Missing field: reqBody.apiName (or service)'],
    [{ reqBody: { apiName: 7 } }, 'Missing field: reqBody.apiName (or service)'],
    [
      { reqBody: { apiName: 'a', inputParams: 'x' } },
      'Invalid field: reqBody.inputParams must be an array',
    ],
    [
      { reqBody: { apiName: 'a', inputParams: ['ok', { x: 1 }] } },
      'Invalid field: reqBody.inputParams[1] must be a string or number',
    ],
  ])('rejects %j with a clear text', (fields, text) => {
    expect(parseExecute(req(fields))).toBe(text);
  });

  it('never throws on arbitrary JSON and returns either a call or a text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (service, reqBody) => {
        const out = parseExecute(req({ service, reqBody }));
        if (typeof out === 'string') return out.length > 0;
        return (
          typeof out.apiName === 'string' &&
          out.apiName.length > 0 &&
          out.inputParams.every((p) => typeof p === 'string')
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('reqNoText tolerates any type', () => {
    const req = (reqNo: unknown, raw?: string): SipsvcRequest => ({
      cmd: 'execute',
      reqNo,
      ...(raw === undefined ? {} : { [RAW_NUMBERS]: { reqNo: raw } }),
    });
    expect(reqNoText(req('R1'))).toBe('R1');
    expect(reqNoText(req(5))).toBe('5');
    expect(reqNoText(req({}))).toBe('-');
    // a number beyond 2^53 is logged as the client wrote it
    expect(reqNoText(req(Number('12345678901234567890'), '12345678901234567890'))).toBe(
      '12345678901234567890',
    );
  });
});
