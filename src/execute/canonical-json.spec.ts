import fc from 'fast-check';
import { isCanonicalJson } from './canonical-json';

/** what the reply would carry if the text were parsed and serialised again. */
const reserialised = (text: string): string => JSON.stringify(JSON.parse(text));

describe('isCanonicalJson (SQL_OUTPUT passed on as it is)', () => {
  it('accepts JSON.stringify output of integers, strings, literals, arrays and objects', () => {
    for (const t of [
      '{}',
      '[]',
      '0',
      '-5',
      'null',
      'true',
      '"a"',
      '{"a":[1,{"b":null}],"c":"d"}',
    ]) {
      expect(isCanonicalJson(t)).toBe(true);
    }
  });

  it('refuses what a parse + stringify would change, or what is not JSON', () => {
    for (const t of [
      '',
      ' {}',
      '{ }',
      '{"a": 1}',
      '1.0',
      '1e3',
      '-0',
      '01',
      '1234567890123456',
      '"a\\u0041"',
      '"a\\/"',
      '"\ud800"',
      '{"a":1,}',
      '[1,]',
      '{"a"}',
      '{oops',
      '[1',
      'nul',
      '"a',
      '{"a":1}x',
      '['.repeat(100) + ']'.repeat(100),
    ]) {
      expect(isCanonicalJson(t)).toBe(false);
    }
  });

  it('true only where JSON.stringify(JSON.parse(text)) is text itself (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const text = JSON.stringify(v);
        if (isCanonicalJson(text)) expect(reserialised(text)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('never true for text JSON.parse refuses, or that parses to other text (fuzz)', () => {
    const alphabet = fc.constantFrom(...'{}[]",:0123456789-.etruflsna \\\ud800\n'.split(''));
    const jsonish = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 40 }),
      fc.json().map((t) => t.slice(0, Math.max(0, t.length - 1))),
      fc
        .tuple(fc.json(), fc.string({ unit: alphabet, maxLength: 3 }), fc.nat())
        .map(([t, s, at]) => t.slice(0, at % (t.length + 1)) + s + t.slice(at % (t.length + 1))),
    );
    fc.assert(
      fc.property(jsonish, (text) => {
        if (!isCanonicalJson(text)) return;
        expect(reserialised(text)).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts every integer-only value JSON.stringify writes (property)', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        const text = JSON.stringify(v);
        // escapes (quotes, backslashes, control characters, lone surrogates) are refused
        if (!/\\/.test(text) && !/-0\b/.test(text)) expect(isCanonicalJson(text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
